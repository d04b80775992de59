from odoo import fields, models
from odoo.tools import SQL


class SalesOneOnOneCoverageReport(models.Model):
    """One row per manager and team member: the team leader and each member of
    the teams they lead, plus the manager and member of every active series.
    The coverage measures average to the share of a manager's members who had a
    held one-on-one with them in the last 30, 60 and 90 days."""

    _name = "sales.one.on.one.coverage.report"
    _description = "One-on-one Coverage"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "manager_id, member_id"
    # flushed before the view is read
    _depends = {
        "sales.one.on.one": ["manager_id", "member_id", "team_id", "company_id", "active"],
        "sales.one.on.one.session": ["manager_id", "member_id", "state", "date"],
        "crm.team": ["user_id", "active", "company_id"],
        "crm.team.member": ["crm_team_id", "user_id", "active"],
        "res.users": ["active"],
    }

    manager_id = fields.Many2one("res.users", readonly=True)
    member_id = fields.Many2one("res.users", "Team Member", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    has_series = fields.Boolean("Has a Series", readonly=True)
    last_held_date = fields.Datetime("Last Held Session", readonly=True, aggregator="max")
    member_count = fields.Integer("Team Members", readonly=True, aggregator="sum")
    covered_30_count = fields.Integer("Met in 30 Days", readonly=True, aggregator="sum")
    covered_60_count = fields.Integer("Met in 60 Days", readonly=True, aggregator="sum")
    covered_90_count = fields.Integer("Met in 90 Days", readonly=True, aggregator="sum")
    coverage_30 = fields.Float("Coverage 30 Days (%)", readonly=True, aggregator="avg")
    coverage_60 = fields.Float("Coverage 60 Days (%)", readonly=True, aggregator="avg")
    coverage_90 = fields.Float("Coverage 90 Days (%)", readonly=True, aggregator="avg")

    def _pairs(self):
        # a pair found both ways keeps the team of its series first
        return SQL("""
            SELECT DISTINCT ON (manager_id, member_id) manager_id, member_id, team_id, company_id
              FROM (
                SELECT s.manager_id, s.member_id, s.team_id, s.company_id, 0 AS priority
                  FROM sales_one_on_one s
                 WHERE s.active
                 UNION ALL
                SELECT t.user_id, m.user_id, t.id, t.company_id, 1
                  FROM crm_team t
                  JOIN crm_team_member m ON m.crm_team_id = t.id AND m.active
                  JOIN res_users u ON u.id = m.user_id AND u.active
                 WHERE t.active AND t.user_id IS NOT NULL AND m.user_id != t.user_id
              ) pair
             ORDER BY manager_id, member_id, priority, team_id
        """)

    def _select(self):
        return SQL("""
            row_number() OVER (ORDER BY p.manager_id, p.member_id) AS id,
            p.manager_id, p.member_id, p.team_id, p.company_id,
            EXISTS (SELECT 1 FROM sales_one_on_one s WHERE s.active
                     AND s.manager_id = p.manager_id AND s.member_id = p.member_id) AS has_series,
            held.last_date AS last_held_date,
            1 AS member_count,
            (held.last_date >= %(now)s - interval '30 days')::int AS covered_30_count,
            (held.last_date >= %(now)s - interval '60 days')::int AS covered_60_count,
            (held.last_date >= %(now)s - interval '90 days')::int AS covered_90_count,
            CASE WHEN held.last_date >= %(now)s - interval '30 days' THEN 100.0 ELSE 0.0 END AS coverage_30,
            CASE WHEN held.last_date >= %(now)s - interval '60 days' THEN 100.0 ELSE 0.0 END AS coverage_60,
            CASE WHEN held.last_date >= %(now)s - interval '90 days' THEN 100.0 ELSE 0.0 END AS coverage_90
        """, now=SQL("(now() AT TIME ZONE 'UTC')"))

    def _from(self):
        return SQL("""
            (%(pairs)s) p
            LEFT JOIN LATERAL (
                SELECT max(ss.date) AS last_date
                  FROM sales_one_on_one_session ss
                 WHERE ss.state = 'held' AND ss.manager_id = p.manager_id
                   AND ss.member_id = p.member_id AND ss.date <= (now() AT TIME ZONE 'UTC')
            ) held ON TRUE
        """, pairs=self._pairs())
