from contextlib import contextmanager
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_one_on_one import OneOnOneCommon


@tagged("post_install", "-at_install")
class TestOneOnOne(OneOnOneCommon):

    @freeze_time(OneOnOneCommon.NOW)
    def test_series_plans_its_first_session_and_event_for_both(self):
        series = self._series()
        self.assertEqual(series.cadence, "monthly", "monthly by default")
        self.assertEqual(series.duration, 1.0, "one hour by default")
        self.assertEqual(series.team_id, self.team)
        session = self._planned(series)
        self.assertEqual(len(session), 1)
        self.assertEqual(session.date, self.FIRST)
        self.assertEqual(session.date_end, self.FIRST + timedelta(hours=1))
        event = session.event_id
        self.assertTrue(event)
        self.assertEqual(event.partner_ids, self.manager.partner_id | self.member.partner_id)
        self.assertEqual(event.user_id, self.manager)
        self.assertEqual((event.start, event.stop, event.duration),
                         (self.FIRST, self.FIRST + timedelta(hours=1), 1.0))
        self.assertEqual((event.res_model, event.res_id), (session._name, session.id))
        self.assertEqual(series.next_session_id, session)

    @freeze_time(OneOnOneCommon.NOW)
    def test_team_defaults_to_the_members_team(self):
        series = self.Series.with_user(self.manager).create({
            "member_id": self.member.id, "first_date": self.FIRST,
        })
        self.assertEqual(series.manager_id, self.manager, "the creator by default")
        self.assertEqual(series.team_id, self.team)

    # ------------------------------------------------------------ bad input

    @contextmanager
    def assertRefusedByTheDatabase(self, message):
        """The database refuses the change (also when it is written later, at
        flush) and the user is told ``message``, as a request tells it."""
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught:
            yield
            self.env.flush_all()
        table = caught.exception.diag.table_name
        model = next(name for name, cls in self.env.registry.items() if cls._table == table)
        self.assertEqual(self.env[model]._sql_error_to_message(caught.exception), message)

    @freeze_time(OneOnOneCommon.NOW)
    def test_one_on_one_with_oneself_is_refused(self):
        message = "A one-on-one needs two different people."
        with self.assertRefusedByTheDatabase(message):
            self._series(member=self.manager)
        with self.assertRefusedByTheDatabase(message):
            self.Series.with_user(self.manager).create({  # the manager by default: the creator
                "member_id": self.manager.id, "first_date": self.FIRST,
            })
        series = self._series()
        with self.assertRefusedByTheDatabase(message):
            series.member_id = self.manager

    @freeze_time(OneOnOneCommon.NOW)
    def test_duration_must_be_positive(self):
        message = "The duration of a one-on-one must be more than zero hours."
        for duration in (0, -1.0):
            with self.assertRefusedByTheDatabase(message):
                self._series(duration=duration)
        self.assertFalse(self.Series.search([("member_id", "=", self.member.id)]),
                         "nothing half-written")
        series = self._series()
        with self.assertRefusedByTheDatabase(message):
            series.duration = 0
        with self.assertRefusedByTheDatabase(message):
            self._planned(series).duration = -0.5
        with self.assertRefusedByTheDatabase(message):
            self.Session.create({"series_id": series.id, "date": self.FIRST, "duration": 0})

    @freeze_time(OneOnOneCommon.NOW)
    def test_first_session_in_the_past_is_refused(self):
        with self.assertRaises(ValidationError):
            self._series(first_date=self.NOW - timedelta(hours=1))
        series = self._series()
        with self.assertRaises(ValidationError):
            series.first_date = self.NOW - timedelta(days=1)

    # ------------------------------------------------------------ scheduling

    def test_cron_run_twice_plans_one_session_and_one_event(self):
        with freeze_time(self.NOW):
            series = self._series()
            self.Series._cron_schedule()
            self.Series._cron_schedule()
            self.assertEqual(len(self._planned(series)), 1)
        # the first session passed: held by the cron, the next planned a month later
        with freeze_time(datetime(2026, 3, 4, 8, 0)):
            self.Series._cron_schedule()
            self.Series._cron_schedule()
        sessions = series.session_ids.sorted("date")
        self.assertEqual(sessions.mapped("state"), ["held", "planned"])
        self.assertEqual(sessions[1].date, datetime(2026, 4, 3, 9, 0))
        events = self.env["calendar.event"].search([
            ("res_model", "=", "sales.one.on.one.session"), ("res_id", "in", sessions.ids),
        ])
        self.assertEqual(len(events), 2, "one event per session, none twice")

    def test_cron_record_runs_the_scheduling(self):
        cron = self.env.ref("sales_cycle_mgmt.ir_cron_one_on_one_schedule")
        with freeze_time(self.NOW):
            series = self._series()
        with freeze_time(datetime(2026, 3, 4, 8, 0)):
            cron.ir_actions_server_id.run()
        self.assertEqual(series.session_ids.sorted("date").mapped("state"), ["held", "planned"])

    def test_cadences_and_moved_sessions_keep_the_rhythm(self):
        with freeze_time(self.NOW):
            series = self._series(cadence="biweekly")
            first = self._planned(series)
            # held early, on the day the series was made: the next is still two weeks later
            first.with_user(self.manager).action_mark_held()
        second = self._planned(series)
        self.assertEqual(second.date, self.FIRST + timedelta(days=14))
        with freeze_time(self.NOW):
            second.with_user(self.manager).action_cancel()
        self.assertEqual(second.state, "cancelled")
        self.assertFalse(second.event_id)
        self.assertEqual(self._planned(series).date, self.FIRST + timedelta(days=28),
                         "a cancelled session is not planned again")

    @freeze_time(OneOnOneCommon.NOW)
    def test_changing_the_rhythm_moves_the_planned_session(self):
        series = self._series()
        session = self._planned(series)
        topic = self.Topic.with_user(self.member).create({"session_id": session.id, "name": "Goals"})
        session.with_user(self.manager).private_note = "<p>kept</p>"
        series.with_user(self.manager).write({
            "cadence": "weekly", "first_date": self.FIRST + timedelta(days=1), "duration": 0.5,
        })
        self.assertEqual(self._planned(series), session, "the same session, moved")
        self.assertEqual(session.date, self.FIRST + timedelta(days=1))
        self.assertEqual(session.event_id.start, self.FIRST + timedelta(days=1))
        self.assertEqual(session.event_id.stop, self.FIRST + timedelta(days=1, minutes=30))
        self.assertEqual(topic.session_id, session)
        self.assertIn("kept", str(session.with_user(self.manager).private_note))

    def test_member_leaving_the_team_ends_the_series(self):
        with freeze_time(self.NOW):
            series = self._series()
            session = self._planned(series)
            event = session.event_id
            self.team.member_ids = [(3, self.member.id)]
            self.Series._cron_schedule()
        self.assertFalse(series.active, "archived")
        self.assertTrue(series.member_left)
        self.assertEqual(session.state, "cancelled")
        self.assertFalse(event.exists(), "the calendar event is removed")
        self.assertIn("no longer a member", series.message_ids[0].body)
        with freeze_time(self.NOW + timedelta(days=40)):
            self.Series._cron_schedule()
        self.assertFalse(series.with_context(active_test=False).session_ids.filtered(
            lambda s: s.state == "planned"), "no new session")

    def test_archived_member_ends_the_series_too(self):
        with freeze_time(self.NOW):
            series = self._series()
            series.team_id = False
            self.member2.active = False
            series2 = self._series(member=self.member2)
            series2.team_id = False
            self.Series._cron_schedule()
        self.assertTrue(series.active)
        self.assertFalse(series2.active)
        self.assertTrue(series2.member_left)

    # ------------------------------------------------------------ topics

    def test_open_topics_are_carried_to_the_next_session_until_done(self):
        with freeze_time(self.NOW):
            series = self._series()
            first = self._planned(series)
            skill = self.env.ref("sales_cycle_mgmt.coaching_skill_negotiation")
            done_topic = self.Topic.with_user(self.manager).create({
                "session_id": first.id, "name": "Pricing review", "skill_id": skill.id,
            })
            open_topic = self.Topic.with_user(self.member).create({
                "session_id": first.id, "name": "Time off in May",
            })
            self.assertEqual(open_topic.series_id, series)
            self.assertEqual(open_topic.author_id, self.member, "either side adds topics")
            done_topic.with_user(self.member).done = True
            first.with_user(self.member).action_mark_held()
            second = self._planned(series)
            self.assertEqual(done_topic.session_id, first, "a done topic stays where it was done")
            self.assertEqual(open_topic.session_id, second)
            self.assertEqual(open_topic.carried_count, 1)
        with freeze_time(datetime(2026, 4, 4)):
            self.Series._cron_schedule()
        third = self._planned(series)
        self.assertEqual(open_topic.session_id, third)
        self.assertEqual(open_topic.carried_count, 2)
        # added on the series without a session: lands on the next one
        topic = self.Topic.with_user(self.manager).create({"series_id": series.id, "name": "Goals"})
        self.assertEqual(topic.session_id, third)

    def _make_rotting(self, leads):
        """Leads five days into a stage that rots after one."""
        stage = self.env["crm.stage"].create({"name": "Rots fast", "rotting_threshold_days": 1,
                                              "rotting_automatic": False})
        leads.write({"stage_id": stage.id})
        leads.write({"date_last_stage_update": self.NOW - timedelta(days=5)})
        self.assertTrue(all(leads.mapped("is_rotting")))

    def test_next_session_suggests_rotting_deals_and_overdue_followups(self):
        with freeze_time(self.NOW):
            leads = self.env["crm.lead"].create([
                {"name": "Stuck deal", "type": "opportunity", "user_id": self.member.id},
                {"name": "Moving deal", "type": "opportunity", "user_id": self.member.id},
                {"name": "Someone else's", "type": "opportunity", "user_id": self.other_rep.id},
            ])
            self._make_rotting(leads[0] | leads[2])
            followup = self.env["sales.followup"].create({
                "name": "Onboarding call", "lead_id": leads[1].id, "kind": "onboarding",
                "user_id": self.member.id, "date_due": self.NOW.date() - timedelta(days=3),
            })
            self.assertTrue(followup.is_overdue)
            series = self._series()
            session = self._planned(series)
            suggested = session.topic_ids
            self.assertEqual(sorted(suggested.mapped("origin")), ["overdue_followup", "stalled_deal"])
            self.assertEqual(suggested.lead_id, leads[0])
            self.assertEqual(suggested.followup_id, followup)
            self.assertFalse(suggested.author_id)
            # again (button): nothing twice while the topics are open
            session.with_user(self.manager).action_suggest_topics()
            self.assertEqual(len(session.topic_ids), 2)
            # the overdue follow-up topic done, the follow-up still overdue: suggested again
            # on the next session only
            suggested.filtered("followup_id").done = True
            session.action_mark_held()
            nxt = self._planned(series)
            self.assertEqual(nxt.topic_ids.filtered("followup_id").followup_id, followup)
            self.assertEqual(nxt.topic_ids.filtered("lead_id").carried_count, 1, "carried, not duplicated")
            self.assertEqual(len(nxt.topic_ids), 2)

    def test_followups_done_or_cancelled_leave_the_agenda(self):
        with freeze_time(self.NOW):
            lead = self.env["crm.lead"].create(
                {"name": "Won deal", "type": "opportunity", "user_id": self.member.id}
            )
            followups = self.env["sales.followup"].create([
                {"name": name, "lead_id": lead.id, "kind": "check_in", "user_id": self.member.id,
                 "date_due": self.NOW.date() - timedelta(days=3)}
                for name in ("Onboarding call", "Check-in", "Renewal talk")
            ])
            series = self._series()
            session = self._planned(series)
            topics = session.topic_ids
            self.assertEqual(topics.followup_id, followups)
            worked_on = topics.filtered(lambda t: t.followup_id == followups[2])
            worked_on.with_user(self.manager).notes = "Ask about the budget"
            followups[0].with_user(self.member).action_done("Called")
            followups[1].with_user(self.member).action_cancel()
            followups[2].with_user(self.member).action_done()
            self.assertEqual(session.topic_ids, worked_on, "untouched suggestions are gone")
            self.assertTrue(worked_on.done, "a topic someone wrote on stays, done")
            session.with_user(self.manager).action_suggest_topics()
            self.assertEqual(session.topic_ids, worked_on, "nothing suggested again")
            session.action_mark_held()
            self.assertFalse(self._planned(series).topic_ids, "nothing carried over")

    def test_suggestions_only_name_deals_the_manager_may_open(self):
        with freeze_time(self.NOW):
            lead = self.env["crm.lead"].create({
                "name": "Confidential deal", "type": "opportunity", "user_id": self.member.id,
            })
            self._make_rotting(lead)
            # Mona only sees her own documents: she may not open Mike's deal
            self.assertFalse(lead.with_user(self.member2).has_access("read"))
            peer_series = self.Series.sudo().create({
                "manager_id": self.member2.id, "member_id": self.member.id,
                "team_id": self.team.id, "first_date": self.FIRST,
            })
            self.assertFalse(self._planned(peer_series).topic_ids, "nothing named that she cannot open")
            series = self._series()
            self.assertEqual(self._planned(series).topic_ids.lead_id, lead)

    # ------------------------------------------------------------ event and session

    @freeze_time(OneOnOneCommon.NOW)
    def test_moving_the_event_moves_the_session_and_back(self):
        series = self._series()
        session = self._planned(series)
        new_start = self.FIRST + timedelta(days=2, hours=3)
        session.event_id.with_user(self.manager).write({
            "start": new_start, "duration": 0.5,
        })
        self.assertEqual(session.date, new_start)
        self.assertEqual(session.duration, 0.5)
        self.assertEqual(session.occurrence_date, self.FIRST, "the cadence slot stays")
        session.with_user(self.manager).write({"date": self.FIRST, "duration": 2})
        self.assertEqual(session.event_id.start, self.FIRST)
        self.assertEqual(session.event_id.stop, self.FIRST + timedelta(hours=2))
        # deleting the event cancels its session (and plans the next one by the cron)
        session.event_id.unlink()
        self.assertEqual(session.state, "cancelled")

    @freeze_time(OneOnOneCommon.NOW)
    def test_held_by_button_and_wrong_transitions(self):
        series = self._series()
        session = self._planned(series)
        session.with_user(self.member).action_mark_held()
        self.assertEqual(session.state, "held")
        with self.assertRaises(UserError):
            session.action_cancel()
        nxt = self._planned(series)
        nxt.with_user(self.manager).action_cancel()
        with self.assertRaises(UserError):
            nxt.action_mark_held()

    @freeze_time(OneOnOneCommon.NOW)
    def test_action_items_are_activities_of_the_session(self):
        session = self._planned(self._series())
        meeting = session.activity_ids
        self.assertEqual(meeting.calendar_event_id, session.event_id,
                         "the calendar puts the meeting in the manager's activities")
        self.assertEqual(meeting.user_id, self.manager)
        activity = session.with_user(self.manager).activity_schedule(
            "mail.mail_activity_data_todo", summary="Send the account plan", user_id=self.member.id,
        )
        self.assertEqual(activity.user_id, self.member)
        self.assertEqual(session.with_user(self.member).activity_ids, meeting | activity)
        session.action_mark_held()
        self.assertEqual(session.activity_ids, activity, "the meeting is done, the action item stays")

    # ------------------------------------------------------------ access

    @freeze_time(OneOnOneCommon.NOW)
    def test_access_per_role(self):
        series = self._series()
        session = self._planned(series)
        topic = self.Topic.with_user(self.manager).create({"session_id": session.id, "name": "Goals"})
        # the member reads their series, edits shared notes, cannot change the series
        self.assertEqual(self.Series.with_user(self.member).search([]), series)
        session.with_user(self.member).shared_notes = "<p>My wins</p>"
        with self.assertRaises(AccessError):
            series.with_user(self.member).cadence = "weekly"
        with self.assertRaises(AccessError):
            self.Series.with_user(self.member).create({
                "manager_id": self.manager.id, "member_id": self.member2.id, "first_date": self.FIRST,
            })
        # another rep sees nothing of it
        self.assertFalse(self.Series.with_user(self.other_rep).search([]))
        self.assertFalse(self.Session.with_user(self.other_rep).search([]))
        self.assertFalse(self.Topic.with_user(self.other_rep).search([]))
        with self.assertRaises(AccessError):
            session.with_user(self.other_rep).read(["shared_notes"])
        with self.assertRaises(AccessError):
            topic.with_user(self.other_rep).read(["name"])
        # the sales administrator sees all
        self.assertIn(series, self.Series.with_user(self.sales_admin).search([]))
        self.assertIn(session, self.Session.with_user(self.sales_admin).search([]))

    @freeze_time(OneOnOneCommon.NOW)
    def test_private_notes_are_only_for_their_author(self):
        series = self._series()
        session = self._planned(series)
        session.with_user(self.manager).private_note = "<p>Considering for team lead</p>"
        note = self.Note.search([("session_id", "=", session.id)])
        self.assertEqual(note.author_id, self.manager)
        self.assertIn("team lead", str(session.with_user(self.manager).private_note))
        for user in (self.member, self.sales_admin, self.other_rep):
            self.assertFalse(session.with_user(user).private_note, user.name)
            self.assertFalse(self.Note.with_user(user).search([]), user.name)
            self.assertFalse(self.Note.with_user(user).search_count([]), user.name)
            with self.assertRaises(AccessError, msg=user.name):
                note.with_user(user).read(["body"])
            with self.assertRaises(AccessError, msg=user.name):
                note.with_user(user).body = "<p>overwritten</p>"
        # the member cannot write private notes (theirs would be readable by no one else anyway)
        with self.assertRaises(AccessError):
            session.with_user(self.member).private_note = "<p>mine</p>"
        with self.assertRaises(AccessError):
            self.Note.with_user(self.member).create({"session_id": session.id, "body": "x",
                                                     "author_id": self.manager.id})


@tagged("post_install", "-at_install")
class TestOneOnOneScheduleQueries(OneOnOneCommon):

    def test_the_daily_run_plans_the_next_sessions_with_the_same_queries_for_2_and_8_series(self):
        def queries(count, day):
            members = self.env["res.users"]
            for i in range(count):
                members |= new_test_user(
                    self.env, login=f"oo_q{day.day}_{i}", name=f"Queued Member {i}",
                    email=f"q{day.day}_{i}@example.com", groups="sales_team.group_sale_salesman",
                )
            self.team.member_ids = [(4, m.id) for m in members]
            with freeze_time(day):
                series = self.Series.browse()
                for member in members:
                    series |= self._series(member=member, first_date=day + timedelta(days=1))
            # the first sessions passed: the run marks them held and plans the next
            with freeze_time(day + timedelta(days=2)):
                self.Session._mark_passed_held()
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                series._schedule_next_sessions()
                self.env.flush_all()
                count_queries = self.env.cr.sql_log_count - before
            self.assertEqual(len(series.session_ids), 2 * count)
            return count_queries

        queries(2, datetime(2026, 3, 2, 8, 0))  # warms the caches both counts rely on
        self.assertEqual(queries(2, datetime(2026, 3, 9, 8, 0)), queries(8, datetime(2026, 3, 16, 8, 0)))
