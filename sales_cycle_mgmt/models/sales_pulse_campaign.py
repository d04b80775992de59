from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..cycle_math import next_occurrence
from .cron_progress import commit_progress
from .value_checks import check_lengths

CADENCES = [
    ("weekly", "Weekly"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
]
# shortest length of each cadence: a round's window must end before the next one opens
CADENCE_MIN_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28, "quarterly": 89}
MAX_QUESTIONS = 10
MIN_ANONYMITY_THRESHOLD = 3
NAME_LIMITS = {"name": 200}


class SalesPulseCampaign(models.Model):
    """A recurring, anonymous employee survey of the sales team (pulse + eNPS)."""

    _name = "sales.pulse.campaign"
    _description = "Sales Pulse Campaign"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    survey_id = fields.Many2one(
        "survey.survey", required=True, ondelete="restrict", tracking=True,
        help="A short survey (ten questions at most) with one 0-10 scale question for the eNPS.",
    )
    enps_question_id = fields.Many2one(
        "survey.question", "eNPS Question", required=True, ondelete="restrict",
        domain="[('survey_id', '=', survey_id), ('question_type', '=', 'scale')]",
        help="The 0-10 question 'How likely are you to recommend our company as a place to work?'.",
    )
    team_ids = fields.Many2many("crm.team", string="Sales Teams", help="Their members are invited.")
    user_ids = fields.Many2many(
        "res.users", string="Users", domain="[('share', '=', False)]",
        help="Invited in addition to the members of the sales teams.",
    )
    cadence = fields.Selection(CADENCES, required=True, default="monthly", tracking=True)
    date_first = fields.Date(
        "First Round", required=True, default=fields.Date.context_today,
        help="No round opens before this day.",
    )
    response_window_days = fields.Integer(
        "Response Window (days)", required=True, default=5,
        help="A round closes, and its results are computed, this many days after it opened.",
    )
    reminder_days = fields.Integer(
        "Reminder After (days)", default=3,
        help="Those who have not answered get one reminder this many days after the round "
        "opened. 0: no reminder.",
    )
    anonymity_threshold = fields.Integer(
        required=True, default=5, tracking=True,
        help="Averages, eNPS and comments of a round, a team or a question show only when at "
        "least this many people answered. Response rates always show.",
    )
    round_ids = fields.One2many("sales.pulse.round", "campaign_id", "Round List")
    round_count = fields.Integer("Rounds", compute="_compute_round_count")

    @api.depends("round_ids")
    def _compute_round_count(self):
        counts = dict(self.env["sales.pulse.round"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]
        ))
        for campaign in self:
            campaign.round_count = counts.get(campaign, 0)

    @api.model_create_multi
    def create(self, vals_list):
        check_lengths(self, vals_list, NAME_LIMITS)
        return super().create(vals_list)

    def write(self, vals):
        check_lengths(self, [vals], NAME_LIMITS)
        return super().write(vals)

    @api.constrains("anonymity_threshold")
    def _check_anonymity_threshold(self):
        for campaign in self:
            if campaign.anonymity_threshold < MIN_ANONYMITY_THRESHOLD:
                raise ValidationError(self.env._(
                    "The anonymity threshold of %(campaign)s must be at least %(minimum)s: with "
                    "fewer answers, results could point at a person.",
                    campaign=campaign.name, minimum=MIN_ANONYMITY_THRESHOLD,
                ))

    @api.constrains("survey_id", "enps_question_id")
    def _check_survey(self):
        for campaign in self:
            campaign.survey_id._check_pulse_survey_size()
            campaign.survey_id._check_pulse_survey_settings()
            if self.env["mail.activity.plan.template"].sudo().search_count(
                    [("survey_id", "=", campaign.survey_id.id)], limit=1):
                raise ValidationError(self.env._(
                    "The survey %(survey)s is sent to customers by an after-sales plan: a pulse "
                    "campaign needs a survey of its own.", survey=campaign.survey_id.title,
                ))
            question = campaign.enps_question_id
            if (question.survey_id != campaign.survey_id or question.question_type != "scale"
                    or question.scale_min != 0 or question.scale_max != 10):
                raise ValidationError(self.env._(
                    "The eNPS question of %(campaign)s must be a 0-10 scale question of the survey "
                    "%(survey)s; %(question)s is not.",
                    campaign=campaign.name, survey=campaign.survey_id.title,
                    question=question.title or "-",
                ))

    @api.constrains("cadence", "response_window_days", "reminder_days")
    def _check_window(self):
        for campaign in self:
            longest = CADENCE_MIN_DAYS[campaign.cadence]
            if not 1 <= campaign.response_window_days <= longest:
                raise ValidationError(self.env._(
                    "The response window of %(campaign)s must be from 1 to %(days)s days, so that "
                    "a round closes before the next one opens.",
                    campaign=campaign.name, days=longest,
                ))
            if not 0 <= campaign.reminder_days < campaign.response_window_days:
                raise ValidationError(self.env._(
                    "The reminder of %(campaign)s must come before the response window ends "
                    "(0 for no reminder).", campaign=campaign.name,
                ))

    @api.onchange("survey_id")
    def _onchange_survey_id(self):
        if self.enps_question_id.survey_id != self.survey_id:
            self.enps_question_id = self.survey_id.question_ids.filtered(
                lambda q: q.question_type == "scale" and q.scale_min == 0 and q.scale_max == 10
            )[:1]

    def action_view_rounds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_cycle_mgmt.sales_pulse_round_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_round_now(self):
        """Open a round today without waiting for the cadence (the cron still reminds and closes)."""
        today = fields.Date.context_today(self)
        for campaign in self:
            if campaign.round_ids.filtered(lambda r: r.state == "open" or r.date_start == today):
                raise ValidationError(self.env._(
                    "%(campaign)s already has an open round, or one that opened today.",
                    campaign=campaign.name,
                ))
            campaign.sudo()._open_round(today)

    def _audience(self):
        """{user: team} of the people to invite now: members of the campaign's teams
        (under the first of their teams that is in the audience) and the listed users
        (under their own main team)."""
        self.ensure_one()
        audience = {}
        for team in self.team_ids.sorted(lambda t: (t.sequence, t.id)):
            for user in team.member_ids:
                audience.setdefault(user, team)
        for user in self.user_ids:
            audience.setdefault(user, user.sale_team_id)
        return {
            user: team for user, team in audience.items()
            if user.active and not user.share
            and (not self.company_id or self.company_id in user.company_ids)
        }

    def _next_round_date(self, last_round):
        """The day the next round is due: the first occurrence of the cadence,
        counted from the first round's day, after the last round opened."""
        self.ensure_one()
        after = last_round.date_start + timedelta(days=1) if last_round else self.date_first
        return next_occurrence(self.date_first, self.cadence, after)

    def _open_round(self, day, send=True):
        """Open the round of ``day``: snapshot what it needs, invite and mail the audience."""
        self.ensure_one()
        Round = self.env["sales.pulse.round"]
        audience = self._audience()
        reachable = {user: team for user, team in audience.items() if user.email}
        pulse_round = Round.create({
            "campaign_id": self.id,
            "survey_id": self.survey_id.id,
            "enps_question_id": self.enps_question_id.id,
            "anonymity_threshold": self.anonymity_threshold,
            "date_start": day,
            "date_deadline": day + relativedelta(days=self.response_window_days),
            "date_reminder": self.reminder_days and day + relativedelta(days=self.reminder_days),
            "unreached_user_ids": [(6, 0, [u.id for u in audience if not u.email])],
        })
        invitations = self.env["sales.pulse.invitation"].create([
            {"round_id": pulse_round.id, "user_id": user.id, "team_id": team.id}
            for user, team in reachable.items()
        ])
        if send:
            invitations._send("sales_cycle_mgmt.mail_template_pulse_invitation")
        return pulse_round

    def _cron_run(self):
        """Daily: close the rounds whose window ended (and aggregate them), remind
        those who have not answered, open the rounds that are due. Safe to run
        twice (unique constraints); ir.cron never runs it twice at once."""
        today = fields.Date.context_today(self)
        Round = self.env["sales.pulse.round"].sudo()
        for pulse_round in Round.search([("state", "=", "open"), ("date_deadline", "<=", today)]):
            pulse_round._close()
            if not commit_progress(self.env, 1):
                return
        to_remind = Round.search([
            ("state", "=", "open"), ("reminder_sent", "=", False),
            ("date_reminder", "!=", False), ("date_reminder", "<=", today),
        ])
        for pulse_round in to_remind:
            pulse_round._send_reminders()
            if not commit_progress(self.env, 1):
                return
        for campaign in self.sudo().search([("date_first", "<=", today)]):
            rounds = campaign.round_ids.sorted("date_start")
            if rounds.filtered(lambda r: r.state == "open"):
                continue
            if campaign._next_round_date(rounds[-1:]) <= today:
                campaign._open_round(today)
                if not commit_progress(self.env, 1):
                    return
