from odoo import fields, models
from odoo.tools import SQL


class SalesCycleReport(models.Model):
    """One row per lead: where it is in the cycle, how long the cycle took, how
    it moved (stage changes, backward moves) and what it is worth."""

    _name = "sales.cycle.report"
    _description = "Sales Cycle Analysis"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "create_date desc"
    _rec_name = "lead_id"
    _sample_fields = {"win_rate": "closed_count", "days_to_win": "won_count",
                      "cycle_days": "lead_count", "stage_changes": "lead_count"}

    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    cycle_phase_id = fields.Many2one("sales.cycle.phase", readonly=True)
    type = fields.Selection([("lead", "Lead"), ("opportunity", "Opportunity")], readonly=True)
    create_date = fields.Datetime("Created on", readonly=True)
    date_closed = fields.Datetime("Closed on", readonly=True)
    won_status = fields.Selection(
        [("won", "Won"), ("lost", "Lost"), ("pending", "Open")], "Status", readonly=True
    )
    lead_count = fields.Integer("Leads", readonly=True, aggregator="sum")
    # the figures managers read everywhere (dashboard, this report, velocity):
    # over opportunities only; a lead lost before it was qualified is no lost deal
    open_count = fields.Integer(
        "Open Opportunities", readonly=True, aggregator="sum",
        help="Opportunities neither won nor lost, not archived.",
    )
    won_count = fields.Integer("Won", readonly=True, aggregator="sum", help="Won opportunities.")
    lost_count = fields.Integer("Lost", readonly=True, aggregator="sum", help="Lost opportunities.")
    closed_count = fields.Integer(
        "Closed", readonly=True, aggregator="sum",
        help="Won and lost opportunities: the sample of the win rate.",
    )
    win_rate = fields.Float(
        "Win Rate (%)", readonly=True, aggregator="avg",
        help="Won opportunities / (won + lost opportunities) of the group; blank when "
        "fewer opportunities were closed than the minimum sample.",
    )
    cycle_days = fields.Float(
        readonly=True, aggregator="avg", digits=(16, 1),
        help="From creation to closing, or to now while open.",
    )
    days_to_win = fields.Float(
        readonly=True, aggregator="avg", digits=(16, 1),
        help="From creation to winning, for won opportunities.",
    )
    stage_changes = fields.Integer(
        readonly=True, aggregator="avg", help="Times the lead moved to another stage."
    )
    backward_moves = fields.Integer(readonly=True, aggregator="sum")
    expected_revenue = fields.Float(readonly=True, aggregator="sum")
    prorated_revenue = fields.Float(readonly=True, aggregator="sum")

    def _select(self):
        return SQL("""
            l.id AS id, l.id AS lead_id, l.team_id, l.user_id, l.company_id,
            l.source_id, l.medium_id, l.campaign_id, l.stage_id, l.cycle_phase_id, l.type,
            l.create_date, l.date_closed, l.won_status,
            1 AS lead_count,
            -- string comparisons are most of what a lead costs a group here:
            -- each condition tests first what rules out the most leads, and
            -- the days to win need not ask again whether the lead is closed
            (l.active AND l.won_status = 'pending' AND o.opportunity)::int AS open_count,
            (l.won_status = 'won' AND o.opportunity)::int AS won_count,
            (l.won_status = 'lost' AND o.opportunity)::int AS lost_count,
            (l.won_status != 'pending' AND o.opportunity)::int AS closed_count,
            CASE WHEN o.opportunity THEN CASE l.won_status WHEN 'won' THEN 100.0::float8
                                                             WHEN 'lost' THEN 0.0::float8 END
            END AS win_rate,
            c.days AS cycle_days,
            CASE WHEN l.won_status = 'won' AND o.opportunity THEN date_part('epoch', COALESCE(
                l.date_closed, now() AT TIME ZONE 'UTC') - l.create_date) / 86400.0
            END AS days_to_win,
            COALESCE(l.cycle_stage_count, 0) AS stage_changes,
            COALESCE(l.cycle_backward_count, 0) AS backward_moves,
            l.expected_revenue,
            l.expected_revenue * l.probability / 100.0 AS prorated_revenue
        """)

    def _from(self):
        return SQL("""
            crm_lead l
            CROSS JOIN LATERAL (SELECT l.type = 'opportunity' AS opportunity) o
            CROSS JOIN LATERAL (SELECT date_part('epoch', COALESCE(
                CASE WHEN l.won_status != 'pending' THEN l.date_closed END,
                now() AT TIME ZONE 'UTC') - l.create_date) / 86400.0 AS days) c
        """)

    def _where(self):
        # lost leads are archived: they count
        return SQL("TRUE")

    def _read_group_select(self, aggregate_spec, query):
        # over every lead, each aggregate costs per row: these two figures are
        # the group's count and its won over closed sums, which the pivot asks
        # anyway (PostgreSQL computes an aggregate written twice once)
        if aggregate_spec == "lead_count:sum":
            return super()._read_group_select("__count", query)
        if aggregate_spec == "win_rate:avg":
            return SQL(
                "100.0::float8 * %s / NULLIF(%s, 0)",
                super()._read_group_select("won_count:sum", query),
                super()._read_group_select("closed_count:sum", query),
            )
        return super()._read_group_select(aggregate_spec, query)
