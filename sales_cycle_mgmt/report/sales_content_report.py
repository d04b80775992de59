from odoo import fields, models
from odoo.tools import SQL


class SalesContentReport(models.Model):
    """Content effectiveness: one row per content, stage and opportunity that
    reached the stage, for every content that serves the stage (linked to it or
    to its phase) or was used in it. ``received`` splits the opportunities that
    got the content there from those that reached the same stage without it,
    so win rate and cycle days compare both groups; lead metrics come from
    ``sales.cycle.report``. Counts are of distinct opportunities, so a total
    over several contents or stages counts each once; an average shows only
    over at least the minimum sample of closed opportunities."""

    _name = "sales.content.report"
    _description = "Sales Content Effectiveness"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "content_id, stage_id"
    _rec_name = "content_id"
    _sample_fields = {
        "win_rate": "closed_count", "cycle_days": "closed_count",
        "win_rate_with": "closed_with_count", "cycle_days_with": "closed_with_count",
        "win_rate_without": "closed_without_count", "cycle_days_without": "closed_without_count",
        "coverage_rate": "lead_count",
    }

    content_id = fields.Many2one("sales.content", readonly=True)
    content_type = fields.Selection(
        [("link", "Link"), ("document", "Document"), ("mail_template", "Email Template"),
         ("article", "Article")],
        readonly=True,
    )
    stage_id = fields.Many2one("crm.stage", readonly=True)
    cycle_phase_id = fields.Many2one("sales.cycle.phase", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    won_status = fields.Selection(
        [("won", "Won"), ("lost", "Lost"), ("pending", "Open")], "Status", readonly=True
    )
    received = fields.Boolean(
        "Received this Content", readonly=True,
        help="The lead got this content (by email or in a meeting) while in this stage.",
    )
    # counts of distinct opportunities: each row holds the lead's id or nothing
    lead_count = fields.Integer(
        "Leads in Stage", readonly=True, aggregator="count_distinct",
        help="Opportunities that reached the stage.",
    )
    reached_count = fields.Integer(
        "Leads Reached", readonly=True, aggregator="count_distinct",
        help="Opportunities that got this content while in this stage.",
    )
    not_reached_count = fields.Integer(
        "Leads Without", readonly=True, aggregator="count_distinct",
        help="Opportunities that reached this stage without getting this content there.",
    )
    closed_count = fields.Integer(
        "Closed Leads", readonly=True, aggregator="count_distinct",
        help="Won or lost opportunities of the group: the sample of its win rate and cycle days.",
    )
    closed_with_count = fields.Integer(
        "Closed Leads with Content", readonly=True, aggregator="count_distinct",
        help="Won or lost opportunities that got this content in this stage.",
    )
    closed_without_count = fields.Integer(
        "Closed Leads without Content", readonly=True, aggregator="count_distinct",
        help="Won or lost opportunities that reached this stage without this content.",
    )
    share_count = fields.Integer("Times Shared", readonly=True, aggregator="sum")
    win_rate = fields.Float(
        "Win Rate (%)", readonly=True, aggregator="avg",
        help="Share of the closed leads of the group that were won.",
    )
    win_rate_with = fields.Float(
        "Win Rate with Content (%)", readonly=True, aggregator="avg",
        help="Win rate of the closed leads that got this content in this stage.",
    )
    win_rate_without = fields.Float(
        "Win Rate without Content (%)", readonly=True, aggregator="avg",
        help="Win rate of the closed leads that reached this stage without this content.",
    )
    cycle_days = fields.Float(
        readonly=True, aggregator="avg", digits=(16, 1),
        help="From creation to closing, closed leads only.",
    )
    cycle_days_with = fields.Float(
        "Cycle Days with Content", readonly=True, aggregator="avg", digits=(16, 1),
        help="Cycle length of the closed leads that got this content in this stage.",
    )
    cycle_days_without = fields.Float(
        "Cycle Days without Content", readonly=True, aggregator="avg", digits=(16, 1),
        help="Cycle length of the closed leads that reached this stage without this content.",
    )
    coverage_rate = fields.Float(
        "Leads with Any Content (%)", readonly=True, aggregator="avg",
        help="Per stage: share of the leads that reached it and got some content there.",
    )

    def _select(self):
        return SQL("""
            row_number() OVER (ORDER BY p.content_id, r.stage_id, r.lead_id) AS id,
            p.content_id, c.content_type, r.stage_id, s.cycle_phase_id, r.lead_id,
            cr.team_id, cr.user_id, cr.company_id, cr.won_status,
            sh.lead_id IS NOT NULL AS received,
            r.lead_id AS lead_count,
            CASE WHEN sh.lead_id IS NOT NULL THEN r.lead_id END AS reached_count,
            CASE WHEN sh.lead_id IS NULL THEN r.lead_id END AS not_reached_count,
            CASE WHEN d.closed THEN r.lead_id END AS closed_count,
            CASE WHEN d.closed AND sh.lead_id IS NOT NULL THEN r.lead_id END AS closed_with_count,
            CASE WHEN d.closed AND sh.lead_id IS NULL THEN r.lead_id END AS closed_without_count,
            COALESCE(sh.share_count, 0) AS share_count,
            cr.win_rate,
            CASE WHEN sh.lead_id IS NOT NULL THEN cr.win_rate END AS win_rate_with,
            CASE WHEN sh.lead_id IS NULL THEN cr.win_rate END AS win_rate_without,
            d.closed_days AS cycle_days,
            CASE WHEN sh.lead_id IS NOT NULL THEN d.closed_days END AS cycle_days_with,
            CASE WHEN sh.lead_id IS NULL THEN d.closed_days END AS cycle_days_without,
            CASE WHEN a.lead_id IS NOT NULL THEN 100.0::float8 ELSE 0.0::float8 END AS coverage_rate
        """)

    def _from(self):
        return SQL("""
            (   -- content serving a stage: linked to it, to its phase, or used in it
                SELECT content_id, stage_id FROM sales_content_crm_stage_rel
                 UNION
                SELECT cp.content_id, st.id FROM sales_content_phase_rel cp
                  JOIN crm_stage st ON st.cycle_phase_id = cp.phase_id
                 UNION
                SELECT content_id, stage_id FROM sales_content_usage WHERE stage_id IS NOT NULL
            ) p
            JOIN sales_content c ON c.id = p.content_id
            JOIN (  -- the stages each lead reached
                SELECT lead_id, stage_id FROM sales_cycle_stage_history WHERE stage_id IS NOT NULL
                 UNION
                SELECT lead_id, stage_id FROM sales_content_usage WHERE stage_id IS NOT NULL
            ) r ON r.stage_id = p.stage_id
            JOIN (%(cycle_report)s) cr ON cr.lead_id = r.lead_id
            -- an open lead's cycle is not over: only closed opportunities' days compare
            CROSS JOIN LATERAL (SELECT cr.closed_count = 1 AS closed,
                                       CASE WHEN cr.closed_count = 1 THEN cr.cycle_days END
                                       AS closed_days) d
            LEFT JOIN crm_stage s ON s.id = r.stage_id
            LEFT JOIN (
                SELECT content_id, lead_id, stage_id, count(*) AS share_count
                  FROM sales_content_usage
              GROUP BY content_id, lead_id, stage_id
            ) sh ON sh.content_id = p.content_id AND sh.lead_id = r.lead_id AND sh.stage_id = r.stage_id
            LEFT JOIN (
                SELECT DISTINCT lead_id, stage_id FROM sales_content_usage
            ) a ON a.lead_id = r.lead_id AND a.stage_id = r.stage_id
        """, cycle_report=self.env["sales.cycle.report"]._table_query)

    def _where(self):
        # a lead lost before it was qualified reached no stage of a deal
        return SQL("cr.type = 'opportunity'")
