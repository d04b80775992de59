from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .cron_progress import try_cron_lock


class SalesCycleSnapshot(models.Model):
    """The open pipeline as it stood on a date, one row per open lead: what
    moved between two snapshots is what the change report shows."""

    _name = "sales.cycle.snapshot"
    _description = "Pipeline Snapshot"
    _order = "date desc, lead_id"
    _rec_name = "lead_id"

    date = fields.Date(required=True, index=True, readonly=True)
    # lead lookups go through the (lead_id, date) unique index
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", readonly=True)
    stage_id = fields.Many2one("crm.stage", index=True, ondelete="set null", readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    team_id = fields.Many2one("crm.team", index=True, ondelete="set null", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", index=True, ondelete="set null", readonly=True)
    company_id = fields.Many2one("res.company", index=True, ondelete="set null", readonly=True)
    expected_revenue = fields.Float(readonly=True, aggregator="sum")
    probability = fields.Float(readonly=True, aggregator="avg")
    date_deadline = fields.Date("Expected Closing", readonly=True)
    # the lead's previous snapshot, copied when this one is taken: what changed
    # between the two is then read row by row, with no window over all snapshots
    previous_date = fields.Date("Previous Snapshot", readonly=True)
    previous_stage_id = fields.Many2one("crm.stage", ondelete="set null", readonly=True)
    previous_stage_sequence = fields.Integer(readonly=True)
    previous_revenue = fields.Float(readonly=True, aggregator=None)
    previous_deadline = fields.Date(readonly=True)

    _date_lead_unique = models.Constraint(
        "UNIQUE(lead_id, date)", "A lead is in a snapshot once."
    )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_take_snapshot(self):
        """Take today's snapshot now, as the weekly cron does; sales managers
        only. Taken again the same day, it adds nothing. A list header button:
        called on the selected rows, or none, which do not matter."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only sales managers can take a pipeline snapshot."))
        count = self.sudo()._take_snapshot(fields.Date.context_today(self))
        if count is None:
            message = self.env._("Today's snapshot is being taken right now: it will be there in a moment.")
        elif count:
            message = self.env._("%(count)s open opportunities recorded in today's snapshot.", count=count)
        else:
            message = self.env._("Today's snapshot is already taken: nothing new to record.")
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"message": message, "type": "success" if count else "info",
                       "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_take(self):
        """The weekly snapshot, dated today."""
        return self._take_snapshot(fields.Date.context_today(self))

    @api.model
    def _take_snapshot(self, date):
        """Snapshot every open opportunity on ``date`` (a date or its string),
        with its previous snapshot (the latest before ``date``), in one
        statement; returns the number of rows added. Taking it again for the
        same date adds nothing; while another transaction takes one (the
        cron, a manager's button), it returns None at once."""
        date = fields.Date.to_date(date)
        if not date:
            raise ValueError("a pipeline snapshot needs a date")
        if not try_cron_lock(self.env, "sales.cycle.snapshot._take_snapshot"):
            return None
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(SQL("""
            INSERT INTO sales_cycle_snapshot
                   (date, lead_id, stage_id, stage_sequence, team_id, user_id, company_id,
                    expected_revenue, probability, date_deadline,
                    previous_date, previous_stage_id, previous_stage_sequence, previous_revenue,
                    previous_deadline, create_uid, create_date, write_uid, write_date)
            SELECT %(today)s, l.id, l.stage_id, s.sequence, l.team_id, l.user_id, l.company_id,
                   l.expected_revenue, l.probability, l.date_deadline,
                   p.date, p.stage_id, p.stage_sequence, p.expected_revenue, p.date_deadline,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM crm_lead l
         LEFT JOIN crm_stage s ON s.id = l.stage_id
         LEFT JOIN LATERAL (
                    SELECT x.date, x.stage_id, x.stage_sequence, x.expected_revenue, x.date_deadline
                      FROM sales_cycle_snapshot x
                     WHERE x.lead_id = l.id AND x.date < %(today)s
                  ORDER BY x.date DESC LIMIT 1
                   ) p ON TRUE
             WHERE l.active AND l.won_status = 'pending' AND l.type = 'opportunity'
            ON CONFLICT (date, lead_id) DO NOTHING
        """, today=date, uid=self.env.uid))
        count = self.env.cr.rowcount
        self.invalidate_model()
        return count
