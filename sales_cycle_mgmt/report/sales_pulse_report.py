from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL


class SalesPulseReport(models.Model):
    """eNPS and response rate per closed round and sales team. The rows are the
    pre-aggregated team results of each round: nothing finer exists to group by,
    and the SQL itself blanks every value of a slice under the round's anonymity
    threshold, so no pivot can drill below it. Response counts always show."""

    _name = "sales.pulse.report"
    _description = "Sales Pulse Analysis"
    _inherit = ["sales.cycle.sql.report"]
    _auto = False
    _order = "date desc, team_id"

    round_id = fields.Many2one("sales.pulse.round", readonly=True)
    campaign_id = fields.Many2one("sales.pulse.campaign", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date("Round Date", readonly=True)
    invited_count = fields.Integer("Invited", readonly=True, aggregator="sum")
    responded_count = fields.Integer("Answered", readonly=True, aggregator="sum")
    response_rate = fields.Float("Response Rate (%)", readonly=True, aggregator="avg")
    shown_count = fields.Integer(
        "Answers in Results", readonly=True, aggregator="sum",
        help="Answers of the slices large enough to show results.",
    )
    promoter_count = fields.Integer("Promoters", readonly=True, aggregator="sum")
    passive_count = fields.Integer("Passives", readonly=True, aggregator="sum")
    detractor_count = fields.Integer("Detractors", readonly=True, aggregator="sum")
    enps = fields.Float(
        "eNPS", readonly=True, aggregator="avg",
        help="Employee Net Promoter Score of the team in the round (% promoters - % "
        "detractors). Over several teams or rounds: their average. Empty when fewer "
        "people answered than the anonymity threshold.",
    )

    def _visible(self):
        return SQL("(t.results_visible AND t.answer_count >= r.anonymity_threshold)")

    def _select(self):
        visible = self._visible()
        return SQL(
            """t.id AS id, t.round_id, r.campaign_id, t.team_id, r.company_id, r.date_start AS date,
               t.invited_count, t.responded_count,
               CASE WHEN t.invited_count > 0
                    THEN 100.0 * t.responded_count / t.invited_count END AS response_rate,
               CASE WHEN %(v)s THEN t.answer_count END AS shown_count,
               CASE WHEN %(v)s THEN t.promoter_count END AS promoter_count,
               CASE WHEN %(v)s THEN t.passive_count END AS passive_count,
               CASE WHEN %(v)s THEN t.detractor_count END AS detractor_count,
               CASE WHEN %(v)s THEN t.enps END AS enps""",
            v=visible,
        )

    def _from(self):
        return SQL("sales_pulse_round_team t JOIN sales_pulse_round r ON r.id = t.round_id")

    def _where(self):
        return SQL("r.state = 'closed'")

    @api.model
    def get_empty_list_help(self, help_message):
        """Nothing to show because of who is looking, while closed rounds have
        results: say it is an access limit, not missing data."""
        # the web client loads actions as superuser: look as the user
        viewer = self.with_user(self.env.user)
        if viewer.env.user.has_group("sales_team.group_sale_manager") or viewer.search_count([], limit=1):
            return super().get_empty_list_help(help_message)
        company_ids = [False, *self.env.companies.ids]
        if not self.sudo().search_count([("company_id", "in", company_ids)], limit=1):
            return super().get_empty_list_help(help_message)
        if viewer.env["crm.team"].search_count([("user_id", "=", self.env.uid)], limit=1):
            title = self.env._("No closed round asked the teams you lead yet")
        else:
            title = self.env._("Pulse results are for team leaders and sales managers")
        body = self.env._(
            "Closed rounds have results, but you see only those of the sales teams you lead; "
            "the other teams' results are for sales managers."
        )
        return Markup('<p class="o_view_nocontent_empty_folder">%s</p><p>%s</p>') % (title, body)
