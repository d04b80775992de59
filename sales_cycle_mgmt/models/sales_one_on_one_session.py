from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sales_one_on_one import DURATION_POSITIVE
from .value_checks import check_readable_links

STATES = [("planned", "Planned"), ("held", "Held"), ("cancelled", "Cancelled")]
LINKS = ("series_id", "event_id")


class SalesOneOnOneSession(models.Model):
    """One meeting of a series. The session owns its date and duration and
    writes them to its calendar event; moving the event in the calendar writes
    them back (calendar.event.write), so both always agree."""

    _name = "sales.one.on.one.session"
    _description = "One-on-one Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    series_id = fields.Many2one(
        "sales.one.on.one", required=True, index=True, ondelete="cascade",
    )
    manager_id = fields.Many2one(related="series_id.manager_id", store=True, index=True)
    member_id = fields.Many2one(related="series_id.member_id", store=True, index=True)
    team_id = fields.Many2one(related="series_id.team_id", store=True)
    company_id = fields.Many2one(related="series_id.company_id", store=True, index=True)
    occurrence_date = fields.Datetime(
        readonly=True, copy=False,
        help="The slot of the series' cadence this session stands for; it stays when the "
        "session is moved, so the next session follows the cadence.",
    )
    date = fields.Datetime(required=True, tracking=True, index=True)
    duration = fields.Float("Duration (hours)", required=True, default=1.0)
    date_end = fields.Datetime(compute="_compute_date_end", store=True, string="End")
    state = fields.Selection(STATES, required=True, default="planned", tracking=True, index=True)
    event_id = fields.Many2one("calendar.event", "Calendar Event", readonly=True, copy=False,
                               index="btree_not_null", ondelete="set null")
    topic_ids = fields.One2many("sales.one.on.one.topic", "session_id", "Agenda")
    shared_notes = fields.Html(
        help="Seen and edited by both the manager and the team member.",
    )
    private_note = fields.Html(
        "My Private Notes", compute="_compute_private_note", inverse="_inverse_private_note",
        sanitize=True,
        help="Only you can read these notes, never the team member (nor other managers).",
    )
    is_manager = fields.Boolean(compute="_compute_is_manager")

    _series_occurrence_unique = models.UniqueIndex(
        "(series_id, occurrence_date) WHERE state != 'cancelled'",
        "A series has one session per occurrence of its cadence.",
    )
    _duration_positive = models.Constraint(*DURATION_POSITIVE)

    @api.depends("series_id.name", "date")
    def _compute_name(self):
        for session in self:
            session.name = self.env._(
                "1:1 %(series)s", series=session.series_id.name or "",
            )

    @api.depends("date", "duration")
    def _compute_date_end(self):
        for session in self:
            session.date_end = session.date and session.date + timedelta(hours=session.duration)

    @api.depends_context("uid")
    def _compute_private_note(self):
        # searched as the current user AND on author: the record rules of the notes
        # would already hide the others', this makes it independent of them
        notes = self.env["sales.one.on.one.private.note"].search([
            ("session_id", "in", self.ids), ("author_id", "=", self.env.uid),
        ])
        by_session = {note.session_id: note for note in notes}
        for session in self:
            session.private_note = by_session.get(session, notes.browse()).body

    def _inverse_private_note(self):
        Note = self.env["sales.one.on.one.private.note"]
        notes = Note.search([("session_id", "in", self.ids), ("author_id", "=", self.env.uid)])
        by_session = {note.session_id: note for note in notes}
        for session in self:
            if note := by_session.get(session):
                note.body = session.private_note
            elif session.private_note:
                Note.create({"session_id": session.id, "body": session.private_note})

    @api.depends_context("uid")
    @api.depends("manager_id")
    def _compute_is_manager(self):
        for session in self:
            session.is_manager = session.manager_id.id == self.env.uid

    @api.model_create_multi
    def create(self, vals_list):
        check_readable_links(self, vals_list, LINKS)
        for vals in vals_list:
            vals.setdefault("occurrence_date", vals.get("date"))
            if "duration" not in vals and vals.get("series_id"):
                vals["duration"] = self.env["sales.one.on.one"].browse(vals["series_id"]).duration
        sessions = super().create(vals_list)
        sessions.filtered(lambda s: s.state == "planned")._create_events()
        return sessions

    def write(self, vals):
        check_readable_links(self, [vals], LINKS)
        # the series says whose meeting it is: moved, it would change hands
        if not self.env.su and "series_id" in vals and any(
            session.series_id.id != vals["series_id"] for session in self
        ):
            raise AccessError(self.env._(
                "A one-on-one session cannot move to another series: plan it in that series instead."
            ))
        res = super().write(vals)
        if not self.env.context.get("one_on_one_from_event") and {"date", "duration"} & set(vals):
            # the database refuses a duration that is not positive before the event gets it
            self.flush_recordset(["duration"])
            for session in self.filtered("event_id"):
                session.event_id.sudo().with_context(one_on_one_from_event=True).write({
                    "start": session.date,
                    "stop": session.date_end,
                    "duration": session.duration,
                })
        return res

    def unlink(self):
        events = self.event_id
        res = super().unlink()
        events.sudo().unlink()
        return res

    def _create_events(self):
        events = self.env["calendar.event"].sudo().with_context(
            dont_notify=True, mail_create_nosubscribe=True,
        ).create([session._prepare_event_vals() for session in self])
        for session, event in zip(self, events, strict=True):
            session.sudo().event_id = event

    def _prepare_event_vals(self):
        self.ensure_one()
        return {
            "name": self.name,
            "start": self.date,
            "stop": self.date_end,
            "duration": self.duration,
            "user_id": self.manager_id.id,
            "partner_ids": [(6, 0, (self.manager_id.partner_id | self.member_id.partner_id).ids)],
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "privacy": "private",
        }

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_mark_held(self):
        if any(session.state == "cancelled" for session in self):
            raise UserError(self.env._("A cancelled session cannot be marked as held."))
        self._set_held()
        return True

    def action_cancel(self):
        if any(session.state == "held" for session in self):
            raise UserError(self.env._("A held session cannot be cancelled."))
        self._cancel()
        return True

    def action_suggest_topics(self):
        added = self._add_suggested_topics()
        if not added:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("No rotting deal or overdue follow-up to suggest."),
                },
            }
        return True

    def _set_held(self):
        if not self:
            return
        self.write({"state": "held"})
        # the calendar's own "meeting" activity of the event is done with the meeting;
        # the action items (other activities) stay open
        self.sudo().activity_ids.filtered(
            lambda a: a.calendar_event_id and a.calendar_event_id in self.event_id
        ).action_done()
        self._after_closing()

    def _cancel(self):
        events = self.event_id
        self.sudo().write({"state": "cancelled", "event_id": False})
        events.sudo().unlink()
        self._after_closing()

    def _after_closing(self):
        """The next session is planned (if the series goes on) and the open
        topics move to it."""
        series = self.series_id.filtered("active")
        series._schedule_next_sessions()
        series._carry_open_topics()

    @api.model
    def _mark_passed_held(self):
        """Planned sessions whose end has passed count as held."""
        passed = self.sudo().search([
            ("state", "=", "planned"), ("date_end", "<", fields.Datetime.now()),
        ])
        passed._set_held()
        return passed

    # ------------------------------------------------------------
    # SUGGESTIONS
    # ------------------------------------------------------------

    def _add_suggested_topics(self):
        """Topics from the member's rotting deals and overdue follow-ups, once
        per deal or follow-up while its topic is open in the series."""
        Topic = self.env["sales.one.on.one.topic"].sudo()
        planned = self.filtered(lambda s: s.state == "planned")
        if not planned:
            return Topic
        members = planned.member_id
        leads = self.env["crm.lead"].sudo().search([
            ("user_id", "in", members.ids), ("is_rotting", "=", True),
        ])
        followups = self.env["sales.followup"].sudo().search([
            ("user_id", "in", members.ids), ("is_overdue", "=", True),
        ])
        # the scheduling runs as superuser: each manager is only told of the
        # deals and follow-ups they may open (one check per manager)
        visible = {
            manager: (leads.with_user(manager)._filtered_access("read").sudo(),
                      followups.with_user(manager)._filtered_access("read").sudo())
            for manager in planned.series_id.manager_id
        }
        open_topics = Topic.search([("series_id", "in", planned.series_id.ids), ("done", "=", False)])
        taken = {(t.series_id, t.lead_id) for t in open_topics if t.lead_id}
        taken |= {(t.series_id, t.followup_id) for t in open_topics if t.followup_id}
        vals_list = []
        for session in planned:
            series = session.series_id
            stalled, overdue = visible[series.manager_id]
            for lead in stalled.filtered(lambda lead, s=session: lead.user_id == s.member_id):
                if (series, lead) not in taken:
                    taken.add((series, lead))
                    vals_list.append({
                        "session_id": session.id, "series_id": series.id, "origin": "stalled_deal",
                        "lead_id": lead.id, "author_id": False,
                        "name": self.env._("Rotting deal: %(deal)s", deal=lead.name),
                    })
            for followup in overdue.filtered(lambda f, s=session: f.user_id == s.member_id):
                if (series, followup) not in taken:
                    taken.add((series, followup))
                    vals_list.append({
                        "session_id": session.id, "series_id": series.id,
                        "origin": "overdue_followup", "followup_id": followup.id, "author_id": False,
                        "name": self.env._(
                            "Overdue follow-up: %(followup)s (%(deal)s)",
                            followup=followup.name, deal=followup.lead_id.name,
                        ),
                    })
        return Topic.create(vals_list)
