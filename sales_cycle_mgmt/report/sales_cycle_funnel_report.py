from odoo import fields, models
from odoo.tools import SQL


class SalesCycleFunnelReport(models.Model):
    """One row per lead and cycle phase, reached or not.

    Counting rules: a lead has reached a phase when it has stayed in a stage of
    that phase *or of any later phase* (a lead that skips a phase went through
    it as far as the funnel is concerned); going back never counts a phase
    twice. Every lead with history has reached the first phase, so a phase's
    average "reached" is its conversion from the first phase.
    """

    _name = "sales.cycle.funnel.report"
    _description = "Sales Cycle Funnel"
    _inherit = ["sales.cycle.sql.report", "sales.cycle.rollup.mixin"]
    _auto = False
    _order = "phase_sequence, lead_id"
    # in a group by phase, a row is a lead: the rate's sample is their count
    _sample_fields = {"conversion_rate": "__count"}

    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    cycle_phase_id = fields.Many2one("sales.cycle.phase", readonly=True)
    phase_sequence = fields.Integer(readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    create_date = fields.Datetime("Created on", readonly=True)
    won_status = fields.Selection(
        [("won", "Won"), ("lost", "Lost"), ("pending", "Open")], "Status", readonly=True
    )
    lead_count = fields.Integer("Leads Reached", readonly=True, aggregator="sum")
    conversion_rate = fields.Float(
        "Conversion from First Phase (%)", readonly=True, aggregator="avg",
        help="Leads that reached the phase over the leads of the group; blank when the group "
        "has fewer leads than the minimum sample.",
    )
    skipped = fields.Integer(
        "Reached by Skipping", readonly=True, aggregator="sum",
        help="Leads counted in this phase without a stay in it: they skipped it.",
    )

    def _select(self):
        return SQL("""
            l.id::bigint * 1000 + p.id AS id, l.id AS lead_id, p.id AS cycle_phase_id,
            p.sequence AS phase_sequence, l.team_id, l.user_id, l.company_id, l.create_date,
            l.won_status,
            (p.sequence <= r.max_sequence)::int AS lead_count,
            CASE WHEN p.sequence <= r.max_sequence THEN 100.0::float8 ELSE 0.0::float8 END AS conversion_rate,
            (p.sequence <= r.max_sequence AND NOT (p.id = ANY(r.phase_ids)))::int AS skipped
        """)

    def _from(self):
        return SQL("""
            crm_lead l
            -- the phases each lead reached, kept on the lead as it moves
            JOIN (
                SELECT r.lead_id, max(ph.sequence) AS max_sequence, array_agg(ph.id) AS phase_ids
                  FROM crm_lead_cycle_phase_reached_rel r
                  JOIN sales_cycle_phase ph ON ph.id = r.phase_id
              GROUP BY r.lead_id
            ) r ON r.lead_id = l.id
            CROSS JOIN sales_cycle_phase p
        """)

    def _where(self):
        return SQL("p.active")

    # what the pivot reads from the leads grouped by their phases reached
    _rollup_fields = ("cycle_phase_id", "phase_sequence", "team_id", "user_id", "company_id",
                      "won_status")

    def _rollup_query(self):
        """The leads counted by team, salesperson, company, status and phases
        reached (a scan of the leads, no join), then spread over the phases as
        the rows above are."""
        return SQL("""
            SELECT p.id AS cycle_phase_id, p.sequence AS phase_sequence, g.team_id, g.user_id,
                   g.company_id, g.won_status, g.leads AS row_count,
                   CASE WHEN p.sequence <= r.max_sequence THEN g.leads ELSE 0 END AS lead_count,
                   CASE WHEN p.sequence <= r.max_sequence AND NOT (p.id = ANY(r.phase_ids))
                        THEN g.leads ELSE 0 END AS skipped
              FROM (SELECT l.team_id, l.user_id, l.company_id, l.won_status,
                           l.cycle_phases_reached_key AS phases, count(*) AS leads
                      FROM crm_lead l WHERE l.cycle_phases_reached_key IS NOT NULL
                  GROUP BY 1, 2, 3, 4, 5) g
             CROSS JOIN LATERAL (
                SELECT max(ph.sequence) AS max_sequence, array_agg(ph.id) AS phase_ids
                  FROM sales_cycle_phase ph
                 WHERE ph.id = ANY(string_to_array(g.phases, ',')::int[])
             ) r
             CROSS JOIN sales_cycle_phase p
             WHERE p.active AND r.max_sequence IS NOT NULL
        """)

    def _rollup_aggregates(self):
        lead_count = self._rollup_total("lead_count")
        return {
            "__count": self._rollup_total("row_count"),
            "lead_count:sum": lead_count,
            "conversion_rate:avg": SQL("100.0 * %s / NULLIF(%s, 0)", lead_count,
                                       self._rollup_total("row_count")),
            "skipped:sum": self._rollup_total("skipped"),
        }
