from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..cycle_math import next_occurrence
from .cron_progress import commit_progress

CADENCES = [
    ("weekly", "Weekly"),
    ("biweekly", "Every Two Weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
]
# A rule of both the series and the session tables: the database checks every
# insert and update, and the ORM shows the user this message when it refuses one.
DURATION_POSITIVE = (
    "CHECK(duration > 0)", "The duration of a one-on-one must be more than zero hours."
)


class SalesOneOnOne(models.Model):
    """A recurring one-on-one between a manager and a member of their team.
    The series keeps exactly one planned session ahead (created with the
    series, then by the daily cron), each with its calendar event."""

    _name = "sales.one.on.one"
    _description = "One-on-one Series"
    _inherit = ["mail.thread"]
    _order = "manager_id, member_id, id"

    name = fields.Char(compute="_compute_name", store=True)
    manager_id = fields.Many2one(
        "res.users", required=True, index=True, tracking=True,
        default=lambda self: self.env.user, domain=[("share", "=", False)],
    )
    member_id = fields.Many2one(
        "res.users", "Team Member", required=True, index=True, tracking=True,
        domain=[("share", "=", False)],
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", index=True, ondelete="set null", tracking=True,
        compute="_compute_team_id", store=True, readonly=False, precompute=True,
        help="When set, the series ends (archived, no new session) once the member "
        "is no longer a member of this team.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    cadence = fields.Selection(CADENCES, required=True, default="monthly", tracking=True)
    first_date = fields.Datetime(
        "First Session", required=True, tracking=True,
        default=lambda self: fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        + timedelta(days=1),
        help="Date and time of the first session; the next ones follow the cadence from it.",
    )
    duration = fields.Float("Duration (hours)", required=True, default=1.0)
    active = fields.Boolean(default=True, tracking=True)
    member_left = fields.Boolean(
        "Member Left the Team", readonly=True, copy=False, tracking=True,
        help="Set by the daily scheduling when the member left the series' team or was "
        "archived: the series was archived and its planned sessions cancelled.",
    )
    session_ids = fields.One2many("sales.one.on.one.session", "series_id", "Sessions")
    topic_ids = fields.One2many("sales.one.on.one.topic", "series_id", "Topics")
    next_session_id = fields.Many2one(
        "sales.one.on.one.session", compute="_compute_sessions",
    )
    next_session_date = fields.Datetime(compute="_compute_sessions")
    last_held_date = fields.Datetime(compute="_compute_sessions", string="Last Held Session")
    session_count = fields.Integer(compute="_compute_sessions")
    open_topic_count = fields.Integer(compute="_compute_open_topic_count", string="Open Topics")

    _duration_positive = models.Constraint(*DURATION_POSITIVE)
    _manager_not_member = models.Constraint(
        "CHECK(manager_id != member_id)", "A one-on-one needs two different people."
    )

    @api.depends("manager_id", "member_id")
    def _compute_name(self):
        for series in self:
            series.name = self.env._(
                "%(manager)s / %(member)s",
                manager=series.manager_id.name or "?", member=series.member_id.name or "?",
            )

    @api.depends("member_id")
    def _compute_team_id(self):
        for series in self:
            series.team_id = series.member_id.sale_team_id

    @api.depends("session_ids.state", "session_ids.date")
    def _compute_sessions(self):
        for series in self:
            sessions = series.session_ids
            planned = sessions.filtered(lambda s: s.state == "planned").sorted("date")
            held = sessions.filtered(lambda s: s.state == "held")
            series.next_session_id = planned[:1]
            series.next_session_date = planned[:1].date
            series.last_held_date = max(held.mapped("date"), default=False)
            series.session_count = len(sessions)

    @api.depends("topic_ids.done")
    def _compute_open_topic_count(self):
        counts = dict(self.env["sales.one.on.one.topic"]._read_group(
            [("series_id", "in", self.ids), ("done", "=", False)], ["series_id"], ["__count"],
        ))
        for series in self:
            series.open_topic_count = counts.get(series, 0)

    def _check_first_date_not_past(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            first = fields.Datetime.to_datetime(vals.get("first_date"))
            if first and first < now:
                raise ValidationError(self.env._(
                    "The first session (%(date)s) is in the past: choose a date and time "
                    "from now on.", date=fields.Datetime.to_string(first),
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_first_date_not_past(vals_list)
        series = super().create(vals_list)
        series._schedule_next_sessions()
        return series

    def write(self, vals):
        if "first_date" in vals:
            self._check_first_date_not_past([vals])
        if vals.get("active"):
            # restored: scheduled again (the cron ends it again if the member is still gone)
            vals = dict(vals, member_left=False)
        res = super().write(vals)
        if {"first_date", "cadence", "duration"} & set(vals):
            self._replan_planned_sessions()
        if {"first_date", "cadence", "active"} & set(vals):
            self.filtered("active")._schedule_next_sessions()
        if "active" in vals and not vals["active"]:
            self.session_ids.filtered(lambda s: s.state == "planned")._cancel()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_cycle_mgmt.sales_one_on_one_session_action"
        )
        action.update(
            domain=[("series_id", "=", self.id)],
            context={"default_series_id": self.id},
        )
        return action

    # ------------------------------------------------------------
    # SCHEDULING
    # ------------------------------------------------------------

    def _schedule_next_sessions(self):
        """Give each active series without a planned session its next session
        (and calendar event): the first occurrence of the cadence from now on
        and after the last session's slot, so a session moved, held early or
        cancelled does not make the cadence run twice."""
        Session = self.env["sales.one.on.one.session"].sudo()
        series_list = self.filtered(lambda s: s.active and not s.member_left)
        if not series_list:
            return Session
        now = fields.Datetime.now()
        Session.flush_model()
        self.env.cr.execute(SQL("""
            SELECT series_id,
                   bool_or(state = 'planned'),
                   max(occurrence_date)
              FROM sales_one_on_one_session
             WHERE series_id = ANY(%(ids)s)
             GROUP BY series_id
        """, ids=series_list.ids))
        known = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        vals_list = []
        for series in series_list:
            has_next, last = known.get(series.id, (False, None))
            if has_next:
                continue
            date = series._next_slot(last, now)
            vals_list.append({
                "series_id": series.id,
                "occurrence_date": date,
                "date": date,
                "duration": series.duration,
            })
        sessions = Session.create(vals_list)
        sessions.series_id._carry_open_topics()
        sessions._add_suggested_topics()
        return sessions

    def _next_slot(self, last, now):
        """The occurrence of the cadence for the next session: from now on and
        after ``last``, the slot of the series' latest session (None if none)."""
        self.ensure_one()
        if last:
            after = max(now, last + timedelta(days=1))
        else:  # the first session; a past first date (import) starts today
            after = max(self.first_date, now.replace(hour=0, minute=0, second=0))
        return next_occurrence(self.first_date, self.cadence, after)

    def _replan_planned_sessions(self):
        """After a change of rhythm or duration, the planned session moves to
        the new slot, keeping its agenda and notes (its event follows)."""
        now = fields.Datetime.now()
        for series in self:
            sessions = series.session_ids
            planned = sessions.filtered(lambda s: s.state == "planned")
            if not planned:
                continue
            last = max((sessions - planned).mapped("occurrence_date"), default=None)
            slot = series._next_slot(last, now)
            planned[0].sudo().write({"occurrence_date": slot, "date": slot, "duration": series.duration})
            planned[1:]._cancel()

    def _carry_open_topics(self):
        """Open topics whose session is over (held, cancelled) or that have no
        session yet go to the series' next planned session."""
        with_next = self.filtered("next_session_id")
        if not with_next:
            return
        # one search for every series of the batch, then grouped
        open_topics = self.env["sales.one.on.one.topic"].sudo().search([
            ("series_id", "in", with_next.ids), ("done", "=", False),
            "|", ("session_id", "=", False), ("session_id.state", "!=", "planned"),
        ])
        for series, topics in open_topics.grouped("series_id").items():
            target = series.next_session_id
            carried = topics.filtered("session_id")
            for count, group in carried.grouped("carried_count").items():
                group.write({"session_id": target.id, "carried_count": count + 1})
            (topics - carried).write({"session_id": target.id})

    def _end_member_left(self):
        """Series whose member left its team (or the company): archived, their
        planned sessions cancelled, and said so in the chatter."""
        self = self.sudo()
        self.write({"member_left": True, "active": False})
        for series in self:
            series.message_post(body=self.env._(
                "%(member)s is no longer a member of %(team)s: the series was archived and "
                "its planned sessions cancelled. Restore it (and set another team or none) "
                "to schedule sessions again.",
                member=series.member_id.name, team=series.team_id.name or "-",
            ))

    @api.model
    def _cron_schedule(self, batch_size=100):
        """Daily: end the series of members who left their team, mark passed
        sessions held, and keep one planned session (with its calendar event)
        ahead for every active series. ir.cron never runs it twice at once, and
        a unique index on (series, occurrence) refuses a second copy of the same
        session planned meanwhile by a user's action."""
        self.flush_model()
        self.env.cr.execute(SQL("""
            SELECT s.id FROM sales_one_on_one s
              JOIN res_users u ON u.id = s.member_id
             WHERE s.active AND s.member_left IS NOT TRUE
               AND (NOT u.active OR (s.team_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM crm_team_member m
                     WHERE m.crm_team_id = s.team_id AND m.user_id = s.member_id AND m.active)))
        """))
        self.browse([row[0] for row in self.env.cr.fetchall()])._end_member_left()
        self.env["sales.one.on.one.session"]._mark_passed_held()
        if not commit_progress(self.env, 0):
            return
        last_id = 0
        while True:
            batch = self.search([("id", ">", last_id)], order="id", limit=batch_size)
            if not batch:
                break
            last_id = batch[-1].id
            batch._schedule_next_sessions()
            if not commit_progress(self.env, len(batch)):
                break
