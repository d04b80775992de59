from odoo import fields, models
from odoo.tools import SQL


class SalesCycleSnapshotChange(models.Model):
    """One row per lead and snapshot after its first one: what changed since
    the lead's previous snapshot (stage forward or back, amount up or down,
    expected closing pushed or pulled)."""

    _name = "sales.cycle.snapshot.change"
    _description = "Pipeline Changes between Snapshots"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "date desc, lead_id"

    date = fields.Date("Snapshot", readonly=True)
    previous_date = fields.Date("Previous Snapshot", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    previous_stage_id = fields.Many2one("crm.stage", readonly=True)
    stage_move = fields.Selection(
        [("forward", "Moved forward"), ("backward", "Moved back"), ("same", "Same stage")],
        readonly=True,
    )
    amount_change = fields.Float("Expected Revenue Change", readonly=True, aggregator="sum")
    amount_trend = fields.Selection(
        [("up", "Up"), ("down", "Down"), ("same", "Unchanged")], "Amount", readonly=True
    )
    closing_pushed = fields.Integer(
        "Closing Date Pushed", readonly=True, aggregator="sum",
        help="1 when the expected closing date moved later since the previous snapshot: "
        "summed per lead, how many times it was pushed.",
    )
    forward_count = fields.Integer("Moved Forward", readonly=True, aggregator="sum")
    backward_count = fields.Integer("Moved Back", readonly=True, aggregator="sum")

    def _select(self):
        Stage = self.env["crm.stage"]
        # the pipeline order at each snapshot: the stage's sequence then, and its id
        now = (SQL.identifier("c", "stage_sequence"), SQL.identifier("c", "stage_id"))
        before = (SQL.identifier("c", "previous_stage_sequence"), SQL.identifier("c", "previous_stage_id"))
        return SQL("""
            c.id, c.date, c.previous_date, c.lead_id, c.team_id, c.user_id, c.company_id,
            c.stage_id, c.previous_stage_id,
            CASE WHEN c.stage_id = c.previous_stage_id THEN 'same'
                 WHEN %(forward)s THEN 'forward'
                 WHEN %(backward)s THEN 'backward'
                 ELSE 'same' END AS stage_move,
            c.expected_revenue - c.previous_revenue AS amount_change,
            CASE WHEN c.expected_revenue > c.previous_revenue THEN 'up'
                 WHEN c.expected_revenue < c.previous_revenue THEN 'down'
                 ELSE 'same' END AS amount_trend,
            COALESCE((c.date_deadline > c.previous_deadline)::int, 0) AS closing_pushed,
            COALESCE((c.stage_id != c.previous_stage_id AND %(forward)s)::int, 0) AS forward_count,
            COALESCE((c.stage_id != c.previous_stage_id AND %(backward)s)::int, 0) AS backward_count
        """, forward=Stage._sql_is_before(*before, *now), backward=Stage._sql_is_before(*now, *before))

    def _from(self):
        return SQL("sales_cycle_snapshot c")

    def _where(self):
        return SQL("c.previous_date IS NOT NULL")
