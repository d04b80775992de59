from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..cycle_math import MIN_SAMPLE


class SalesCycleVelocity(models.TransientModel):
    """Sales velocity over a period, per team or salesperson:
    open opportunities x win rate x average won revenue / average cycle days,
    i.e. the revenue the pipeline brings per day, with its four parts. Each
    part shows with its sample (closed, won) and only from the minimum sample
    on; a velocity only when its parts do."""

    _name = "sales.cycle.velocity"
    _description = "Sales Velocity"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self) - timedelta(days=90)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    group_by = fields.Selection(
        [("team", "Sales Team"), ("user", "Salesperson")], required=True, default="team"
    )
    min_sample = fields.Integer(
        "Minimum Sample", compute="_compute_min_sample",
        help="The fewest closed (or won) deals behind a win rate, average or velocity shown.",
    )
    line_ids = fields.One2many("sales.cycle.velocity.line", "velocity_id", readonly=True)

    def _compute_min_sample(self):
        self.min_sample = MIN_SAMPLE

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period must start before it ends."))

    def action_compute(self):
        """The velocity of each team or salesperson from the figures of the
        Sales Cycle Analysis, as the dashboard reads them: open opportunities
        now; win rate, won revenue and days to win of the opportunities closed
        in the period. The analysis' record rules apply."""
        self.ensure_one()
        field = "team_id" if self.group_by == "team" else "user_id"
        Report = self.env["sales.cycle.report"]
        self.env["crm.lead"].flush_model()  # the analysis is a view on crm_lead
        grouped = [(field, "!=", False)]
        closed = grouped + [
            ("date_closed", ">=", fields.Datetime.to_datetime(self.date_from)),
            ("date_closed", "<", fields.Datetime.to_datetime(self.date_to + timedelta(days=1))),
        ]
        figures = defaultdict(dict)
        for key, open_count in Report._read_group(grouped, [field], ["open_count:sum"]):
            figures[key]["open_count"] = open_count
        for key, won, lost, win_rate, days in Report._read_group(
            closed, [field], ["won_count:sum", "lost_count:sum", "win_rate:avg", "days_to_win:avg"]
        ):
            figures[key].update(closed_count=won + lost, won_count=won, win_rate=win_rate or 0.0,
                                avg_cycle_days=days or 0.0)
        for key, revenue in Report._read_group(
            closed + [("won_count", "=", 1)], [field], ["expected_revenue:avg"]
        ):
            figures[key]["avg_won_revenue"] = revenue or 0.0
        self.line_ids.unlink()
        self.env["sales.cycle.velocity.line"].create([
            {"velocity_id": self.id, field: key.id, **values} for key, values in figures.items()
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
