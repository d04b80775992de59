from odoo import api, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def write(self, vals):
        res = super().write(vals)
        if {"start", "stop", "duration"} & set(vals) and not self.env.context.get("one_on_one_from_event"):
            # moving a one-on-one in the calendar moves its session
            sessions = self.env["sales.one.on.one.session"].sudo().search([("event_id", "in", self.ids)])
            for session in sessions:
                event = session.event_id
                # from start and stop: the event's duration may not be recomputed yet
                duration = (event.stop - event.start).total_seconds() / 3600
                if duration > 0 and (session.date, session.duration) != (event.start, duration):
                    session.with_context(one_on_one_from_event=True).write({
                        "date": event.start, "duration": duration,
                    })
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_planned_one_on_one(self):
        # deleting the event of a planned session cancels the session, rather
        # than leaving a session nobody has in their calendar
        sessions = self.env["sales.one.on.one.session"].sudo().search([
            ("event_id", "in", self.ids), ("state", "=", "planned"),
        ])
        if sessions:
            sessions.write({"state": "cancelled", "event_id": False})
