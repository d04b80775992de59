from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date


class SalesCycleVelocity(models.TransientModel):
    """Sales velocity over a period, per team or salesperson:
    open opportunities x win rate x average won revenue / average cycle days,
    i.e. the revenue the pipeline brings per day, with its four parts."""

    _name = "sales.cycle.velocity"
    _description = "Sales Velocity"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=90)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    group_by = fields.Selection(
        [("team", "Sales Team"), ("user", "Salesperson")], required=True, default="team"
    )
    line_ids = fields.One2many("sales.cycle.velocity.line", "velocity_id", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period must start before it ends."))

    def action_compute(self):
        self.ensure_one()
        column = SQL.identifier("team_id" if self.group_by == "team" else "user_id")
        leads = self.env["crm.lead"].with_context(active_test=False)
        leads.flush_model()
        # crm.lead's record rules apply: a salesperson gets their own figures
        query = leads._search([("type", "=", "opportunity")])
        self.env.cr.execute(SQL("""
            SELECT l.%(column)s AS key,
                   count(*) FILTER (WHERE l.active AND l.won_status = 'pending') AS open_count,
                   count(*) FILTER (WHERE p.closed_in AND l.won_status = 'won') AS won,
                   count(*) FILTER (WHERE p.closed_in AND l.won_status = 'lost') AS lost,
                   avg(l.expected_revenue) FILTER (WHERE p.closed_in AND l.won_status = 'won')
                       AS won_revenue,
                   avg(EXTRACT(EPOCH FROM l.date_closed - l.create_date) / 86400.0)
                       FILTER (WHERE p.closed_in AND l.won_status = 'won') AS cycle_days
              FROM crm_lead l
        CROSS JOIN LATERAL (
                   SELECT l.date_closed::date BETWEEN %(start)s AND %(end)s AS closed_in) p
             WHERE l.id IN %(ids)s AND l.%(column)s IS NOT NULL
          GROUP BY l.%(column)s
        """, column=column, start=self.date_from, end=self.date_to, ids=query.subselect()))
        rows = self.env.cr.dictfetchall()
        self.line_ids.unlink()
        field = "team_id" if self.group_by == "team" else "user_id"
        self.env["sales.cycle.velocity.line"].create([
            {
                "velocity_id": self.id,
                field: row["key"],
                "open_count": row["open_count"],
                "win_rate": (
                    100.0 * row["won"] / (row["won"] + row["lost"]) if row["won"] + row["lost"] else 0.0
                ),
                "avg_won_revenue": row["won_revenue"] or 0.0,
                "avg_cycle_days": row["cycle_days"] or 0.0,
            }
            for row in rows
        ])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Sales Velocity %(start)s - %(end)s",
                start=format_date(self.env, self.date_from), end=format_date(self.env, self.date_to),
            ),
            "res_model": "sales.cycle.velocity.line",
            "view_mode": "list,graph",
            "domain": [("velocity_id", "=", self.id)],
            "context": {"group_by_field": field},
        }
