from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .pulse_common import PulseCommon


@tagged("post_install", "-at_install")
class TestPulseCampaign(PulseCommon):
    def test_threshold_under_three_is_refused(self):
        with self.assertRefused("at least 3"):
            self.campaign.anonymity_threshold = 2
        self.campaign.anonymity_threshold = 3

    def test_default_threshold_is_five(self):
        campaign = self.Campaign.create({
            "name": "Defaults", "survey_id": self.survey.id, "enps_question_id": self.q_enps.id,
        })
        self.assertEqual(campaign.anonymity_threshold, 5)

    def test_enps_question_must_be_a_0_10_scale_of_the_survey(self):
        with self.assertRefused("0-10 scale question"):
            self.campaign.enps_question_id = self.q_comment  # a text question
        with self.assertRefused("0-10 scale question"):
            self.campaign.enps_question_id = self.q_workload  # a 1-5 scale
        other = self.env["survey.survey"].create({"title": "Other"})
        foreign = self.env["survey.question"].create({
            "survey_id": other.id, "title": "Score?", "question_type": "scale",
            "scale_min": 0, "scale_max": 10,
        })
        with self.assertRefused("0-10 scale question"):
            self.campaign.enps_question_id = foreign

    def test_enps_question_of_a_campaign_stays_a_0_10_scale(self):
        with self.assertRefused("0-10 scale question"):
            self.q_enps.question_type = "text_box"
        with self.assertRefused("0-10 scale question"):
            self.q_enps.scale_max = 5
        self.q_workload.scale_max = 7  # other questions are free

    def test_default_survey_is_short_with_the_enps_question(self):
        self.assertLessEqual(len(self.survey.question_ids), 10)
        self.assertEqual(self.survey.access_mode, "token")
        self.assertEqual(
            self.q_enps.title, "How likely are you to recommend our company as a place to work?"
        )
        self.assertEqual((self.q_enps.question_type, self.q_enps.scale_min, self.q_enps.scale_max),
                         ("scale", 0, 10))

    def test_survey_open_to_anyone_or_to_logged_users_is_refused(self):
        survey = self._survey_of(3)
        survey.access_mode = "public"
        with self.assertRefused("invited people only"):
            self.Campaign.create({
                "name": "Public", "survey_id": survey.id, "enps_question_id": survey.question_ids[0].id,
            })

    def _survey_of(self, count):
        survey = self.env["survey.survey"].create({
            "title": f"{count} questions", "access_mode": "token", "is_attempts_limited": True,
        })
        self.env["survey.question"].create([
            {"survey_id": survey.id, "title": f"Q{i}", "question_type": "scale",
             "scale_min": 0, "scale_max": 10, "sequence": i}
            for i in range(count)
        ])
        return survey

    def test_survey_of_eleven_questions_is_refused_on_save(self):
        survey = self._survey_of(11)
        with self.assertRefused("11 questions"):
            self.Campaign.create({
                "name": "Too long", "survey_id": survey.id,
                "enps_question_id": survey.question_ids[0].id,
            })

    def test_eleventh_question_added_to_a_used_survey_is_refused(self):
        survey = self._survey_of(10)
        self.Campaign.create({
            "name": "Ten", "survey_id": survey.id, "enps_question_id": survey.question_ids[0].id,
        })
        # a section is not a question
        self.env["survey.question"].create({"survey_id": survey.id, "title": "Section", "is_page": True})
        with self.assertRefused("11 questions"):
            self.env["survey.question"].create({
                "survey_id": survey.id, "title": "One more", "question_type": "text_box",
            })
        other = self._survey_of(1)
        with self.assertRefused("11 questions"):
            other.question_ids.write({"survey_id": survey.id})
        # surveys no campaign uses are free
        self._survey_of(12)

    def test_window_and_reminder_must_fit_the_cadence(self):
        with self.assertRefused("reminder"):
            self.campaign.reminder_days = 5
        with self.assertRefused("from 1 to 7 days"):
            self.campaign.write({"cadence": "weekly", "response_window_days": 8})


@tagged("post_install", "-at_install")
class TestPulseCron(PulseCommon):
    def _run(self, day):
        with freeze_time(day):
            self.Campaign._cron_run()
        return self.campaign.round_ids.sorted("date_start")

    def _mails(self, marker="/sales_pulse/"):
        return self.env["mail.mail"].search([("body_html", "like", marker)])

    def test_nothing_before_the_first_day(self):
        self.assertFalse(self._run(self.day0 - timedelta(days=1)))

    def test_cron_opens_invites_reminds_closes(self):
        self.env["mail.mail"].search([]).unlink()
        rounds = self._run(self.day0)
        self.assertEqual(len(rounds), 1)
        pulse_round = rounds
        self.assertEqual(pulse_round.state, "open")
        self.assertEqual(pulse_round.date_deadline, self.day0 + timedelta(days=5))
        self.assertEqual(pulse_round.invitation_ids.user_id, self.reps_a | self.reps_b)
        self.assertEqual(pulse_round.unreached_user_ids, self.rep_no_email, "listed, not a crash")
        self.assertEqual(self._invitation(pulse_round, self.reps_b[0]).team_id, self.team_b)
        mails = self._mails()
        self.assertEqual(len(mails), 7, "one personal link each")
        self.assertEqual(mails.recipient_ids, (self.reps_a | self.reps_b).partner_id)
        for invitation in pulse_round.invitation_ids:
            token = invitation.sudo().access_token
            self.assertEqual(len(mails.filtered(lambda m, t=token: t in m.body_html)), 1)
        self.assertFalse(mails.filtered("model"), "the mails, holding the links, are not on the invitations")

        # twice the same day: nothing new
        self.assertEqual(self._run(self.day0), pulse_round)
        self.assertEqual(len(pulse_round.invitation_ids), 7)
        self.assertEqual(len(self._mails()), 7)

        self._answer(pulse_round, self.reps_a[0], 9)
        self._run(self.day0 + timedelta(days=2))
        self.assertEqual(len(self._mails()), 7, "no reminder before its day")
        self._run(self.day0 + timedelta(days=3))
        reminders = self._mails() - mails
        self.assertEqual(len(reminders), 6, "reminded: those who have not answered")
        self.assertNotIn(self.reps_a[0].partner_id, reminders.recipient_ids)
        self._run(self.day0 + timedelta(days=4))
        self.assertEqual(len(self._mails() - mails), 6, "one reminder only")
        self.assertEqual(pulse_round.state, "open")
        self.assertEqual((pulse_round.responded_count, pulse_round.invited_count), (1, 7))
        self.assertAlmostEqual(pulse_round.response_rate, 14.3)

        self._run(self.day0 + timedelta(days=5))
        self.assertEqual(pulse_round.state, "closed")
        self.assertFalse(pulse_round.results_visible, "1 answer < threshold 3")
        self.assertEqual(len(self.campaign.round_ids), 1, "next round on the cadence, not before")
        rounds = self._run(self.day0 + timedelta(days=31))
        self.assertEqual(len(rounds), 2)
        self.assertEqual(rounds[-1].date_start, self.day0 + timedelta(days=31))

    def _run_every_day(self, first, last):
        day = first
        while day <= last:
            self._run(day)
            day += timedelta(days=1)
        return self.campaign.round_ids.sorted("date_start").mapped("date_start")

    def test_monthly_rounds_from_the_31st_keep_to_month_ends(self):
        self.campaign.date_first = date(2026, 1, 31)
        self.assertEqual(self._run_every_day(date(2026, 1, 30), date(2026, 5, 31)), [
            date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
            date(2026, 5, 31),
        ])

    def test_a_round_opened_late_does_not_move_the_next_ones(self):
        # the scheduler was down on the first day: the round opens two days late,
        # the next ones on the cadence of the first day
        self._run(self.day0 + timedelta(days=2))
        self.assertEqual(self._run_every_day(self.day0 + timedelta(days=3), date(2026, 5, 2)), [
            date(2026, 3, 4), date(2026, 4, 2), date(2026, 5, 2),
        ])

    def test_changes_mid_round_apply_to_the_next_round(self):
        first = self._run(self.day0)
        self.campaign.write({
            "cadence": "weekly", "response_window_days": 2, "reminder_days": 1,
            "anonymity_threshold": 4, "team_ids": [(6, 0, self.team_b.ids)],
        })
        self.assertEqual(first.date_deadline, self.day0 + timedelta(days=5))
        self.assertEqual(first.anonymity_threshold, 3)
        self.assertEqual(len(first.invitation_ids), 7)
        self._run(self.day0 + timedelta(days=5))  # closes the first one
        self.assertEqual(first.state, "closed")
        rounds = self._run(self.day0 + timedelta(days=7))  # weekly now
        second = rounds[-1]
        self.assertNotEqual(second, first)
        self.assertEqual(second.invitation_ids.user_id, self.reps_b)
        self.assertEqual(second.date_deadline, second.date_start + timedelta(days=2))
        self.assertEqual(second.anonymity_threshold, 4)

    def test_manager_opens_a_round_now_once(self):
        with freeze_time(self.day0 + timedelta(days=10)):
            self.campaign.with_user(self.manager).action_open_round_now()
            self.assertEqual(len(self.campaign.round_ids), 1)
            self.assertEqual(len(self.campaign.round_ids.invitation_ids), 7)
            with self.assertRefused("already has an open round"):
                self.campaign.with_user(self.manager).action_open_round_now()
            self.Campaign._cron_run()
        self.assertEqual(len(self.campaign.round_ids), 1, "the cron does not open a second one")

    def test_cron_record_calls_the_cron(self):
        cron = self.env.ref("sales_cycle_mgmt.ir_cron_pulse_run")
        self.assertEqual(cron.code.strip(), "model._cron_run()")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        with freeze_time(self.day0):
            cron.ir_actions_server_id.run()
        self.assertEqual(len(self.campaign.round_ids), 1)


@tagged("post_install", "-at_install")
class TestPulseAnonymity(PulseCommon):
    def setUp(self):
        super().setUp()
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        self.round = self.campaign.round_ids

    def _close(self):
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        self.assertEqual(self.round.state, "closed")

    def test_submitted_answer_names_nobody(self):
        rep = self.reps_a[0]
        invitation = self._invitation(self.round, rep)
        answer = self._answer(self.round, rep, 10, comment="All good")
        self.assertEqual(answer.state, "done")
        self.assertTrue(invitation.responded)
        self.assertFalse(invitation.sudo().answer_hash, "the transient link is erased on submit")
        self.assertFalse(answer.partner_id or answer.email or answer.nickname)
        self.assertEqual(answer.sales_pulse_round_id, self.round)
        self.assertEqual(answer.sales_pulse_team_id, self.team_a)
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT create_uid, write_uid FROM survey_user_input WHERE id = %s
                UNION
               SELECT create_uid, write_uid FROM survey_user_input_line WHERE user_input_id = %s""",
            [answer.id, answer.id],
        )
        self.assertEqual(self.env.cr.fetchall(), [(SUPERUSER_ID, SUPERUSER_ID)])
        messages = self.env["mail.message"].sudo().search([
            ("model", "=", "survey.user_input"), ("res_id", "=", answer.id),
        ])
        self.assertFalse(messages)
        followers = self.env["mail.followers"].sudo().search([
            ("res_model", "=", "survey.user_input"), ("res_id", "=", answer.id),
        ])
        self.assertFalse(followers)
        # no column of the invitation table points at an answer
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'sales_pulse_invitation' AND column_name ILIKE '%%input%%'"""
        )
        self.assertFalse(self.env.cr.fetchall())

    def test_roles_cannot_read_answers_or_links(self):
        answer = self._answer(self.round, self.reps_a[0], 3)
        for user in (self.leader, self.manager, self.survey_manager, self.reps_a[0]):
            UserInput = self.env["survey.user_input"].with_user(user)
            Line = self.env["survey.user_input.line"].with_user(user)
            if user.has_group("survey.group_survey_user"):
                self.assertFalse(UserInput.search([("sales_pulse_round_id", "!=", False)]), user.login)
                self.assertFalse(UserInput.search([("survey_id", "=", self.survey.id)]), user.login)
                self.assertFalse(Line.search([("user_input_id", "=", answer.id)]), user.login)
                with self.assertRaises(AccessError, msg=user.login):
                    answer.with_user(user).read(["state"])
                # the stock results screen reads the lines as the user
                self.assertFalse(Line.search([("survey_id", "=", self.survey.id)]))
            else:
                with self.assertRaises(AccessError, msg=user.login):
                    UserInput.search([])
        invitation = self._invitation(self.round, self.reps_a[0])
        with self.assertRaises(AccessError):
            invitation.with_user(self.manager).read(["access_token"])
        with self.assertRaises(AccessError):
            invitation.with_user(self.manager).read(["answer_hash"])
        self.assertTrue(invitation.with_user(self.manager).responded, "who answered: yes")
        for user in (self.leader, self.survey_manager, self.reps_a[0]):
            with self.assertRaises(AccessError, msg=user.login):
                self.env["sales.pulse.invitation"].with_user(user).search([])
            with self.assertRaises(AccessError, msg=user.login):
                self.round.with_user(user).read(["enps"])

    def test_results_hidden_under_threshold_for_the_round(self):
        self._answer(self.round, self.reps_a[0], 10, comment="Secret")
        self._answer(self.round, self.reps_b[0], 0)
        self._close()
        self.assertEqual((self.round.responded_count, self.round.invited_count), (2, 7))
        self.assertFalse(self.round.results_visible)
        self.assertEqual((self.round.enps, self.round.promoter_count, self.round.detractor_count), (0, 0, 0))
        self.assertFalse(self.round.comments)
        self.assertFalse(self.round.question_result_ids.filtered("results_visible"))
        self.assertFalse(any(self.round.question_result_ids.mapped("average")))
        report = self.env["sales.pulse.report"].with_user(self.manager)
        rows = report.search_read([("round_id", "=", self.round.id)],
                                  ["team_id", "responded_count", "enps", "promoter_count"])
        self.assertEqual(sorted(r["responded_count"] for r in rows), [1, 1], "counts always show")
        self.assertFalse(any(r["enps"] or r["promoter_count"] for r in rows))
        self.assertFalse(self.env["sales.pulse.report"].search([("enps", "!=", False)]))

    def test_results_over_threshold_and_slices_under_it(self):
        for rep, score in zip(self.reps_a, (10, 9, 8, 2), strict=True):
            self._answer(self.round, rep, score, comment=f"from {score}" if score > 7 else None)
        self._answer(self.round, self.reps_b[0], 0)  # team B: one answer
        self._close()
        pulse_round = self.round
        self.assertTrue(pulse_round.results_visible)
        self.assertEqual(pulse_round.answer_count, 5)
        self.assertEqual(
            (pulse_round.promoter_count, pulse_round.passive_count, pulse_round.detractor_count), (2, 1, 2)
        )
        self.assertEqual(pulse_round.enps, 0.0)
        self.assertEqual(pulse_round.comments, "from 10\n\nfrom 8\n\nfrom 9", "sorted, not in answer order")
        by_question = {r.question_id: r for r in pulse_round.question_result_ids}
        self.assertEqual(by_question[self.q_workload].average, 3.0)
        self.assertEqual(by_question[self.q_comment].answer_count, 3)
        self.assertFalse(by_question[self.q_comment].average)
        # team B (1 answer) is under the threshold; team A (4) is over it, but
        # the round minus team A would give team B away: both are hidden
        teams = {t.team_id: t for t in pulse_round.team_result_ids}
        self.assertEqual((teams[self.team_a].responded_count, teams[self.team_b].responded_count), (4, 1))
        self.assertFalse(teams[self.team_a].results_visible or teams[self.team_b].results_visible)
        rows = self.env["sales.pulse.report"].with_user(self.manager).search([])
        self.assertEqual(sum(rows.mapped("responded_count")), 5)
        self.assertFalse(any(rows.mapped("enps")))

    def test_team_slices_over_threshold_show_and_leaders_see_their_team(self):
        for rep, score in zip(self.reps_a, (10, 9, 9, 2), strict=True):
            self._answer(self.round, rep, score)
        for rep, score in zip(self.reps_b, (7, 8, 0), strict=True):
            self._answer(self.round, rep, score)
        self._close()
        teams = {t.team_id: t for t in self.round.team_result_ids}
        self.assertEqual(teams[self.team_a].enps, 50.0)
        self.assertEqual(round(teams[self.team_b].enps, 1), -33.3)
        self.assertEqual(self.round.enps, 14.3)

        Report = self.env["sales.pulse.report"]
        groups = Report.with_user(self.manager).formatted_read_group(
            [("round_id", "=", self.round.id)], ["team_id"], ["enps:avg", "responded_count:sum"]
        )
        self.assertEqual({g["team_id"][1]: round(g["enps:avg"], 1) for g in groups},
                         {"Pulse Team A": 50.0, "Pulse Team B": -33.3})
        # the team leader of A sees A only; a plain salesperson sees nothing
        leader_rows = Report.with_user(self.leader).search([])
        self.assertEqual(leader_rows.team_id, self.team_a)
        self.assertEqual(leader_rows.enps, 50.0)
        # the leader's pivot and list: grouped by round, campaign and team, with their names
        rows = Report.with_user(self.leader).search_read([], ["round_id", "campaign_id", "team_id", "enps"])
        self.assertEqual([(r["round_id"][1], r["team_id"][1], r["enps"]) for r in rows],
                         [(self.round.display_name, "Pulse Team A", 50.0)])
        groups = Report.with_user(self.leader).formatted_read_group(
            [], ["round_id", "campaign_id"], ["enps:avg", "responded_count:sum"]
        )
        self.assertEqual([(g["round_id"][1], g["enps:avg"], g["responded_count:sum"]) for g in groups],
                         [(self.round.display_name, 50.0, 4)])
        leader_teams = self.env["sales.pulse.round.team"].with_user(self.leader).search([]).team_id
        self.assertEqual(leader_teams, self.team_a)
        self.assertFalse(Report.with_user(self.reps_b[0]).search([]))
        # the survey manager has no access to the pulse results at all
        with self.assertRaises(AccessError):
            Report.with_user(self.survey_manager).search([])

    def test_the_report_cannot_be_drilled_under_its_rows(self):
        """The only groupable fields are the round, its campaign and date, the team
        and company: none is finer than the round x team rows whose values the SQL
        blanks under the threshold."""
        Report = self.env["sales.pulse.report"]
        groupable = {name for name, field in Report._fields.items() if field.store}
        self.assertLessEqual(
            groupable - {"id"},
            {"round_id", "campaign_id", "team_id", "company_id", "date", "invited_count",
             "responded_count", "response_rate", "shown_count", "promoter_count", "passive_count",
             "detractor_count", "enps"},
        )
        self.assertNotIn("user_id", Report._fields)

    def test_unfinished_answers_are_dropped_at_closing(self):
        rep = self.reps_a[0]
        invitation = self._invitation(self.round, rep).with_user(rep).sudo()
        first = invitation._start_answer()
        answer = invitation._start_answer(resume_token=first.access_token)
        self.assertEqual(answer, first, "the browser that started the answer resumes it")
        self.assertTrue(invitation.answer_hash)
        self._close()
        self.assertFalse(answer.exists())
        self.assertFalse(invitation.answer_hash)
        self.assertFalse(invitation.responded)

    def test_secondary_suppression(self):
        visible = self.env["sales.pulse.round"]._visible_slices
        self.assertEqual(visible({1: 5, 2: 5}, 3), {1, 2})
        self.assertEqual(visible({1: 5, 2: 2}, 3), set(), "hiding 2 alone is not enough")
        self.assertEqual(visible({1: 5, 2: 4, 3: 1}, 3), {1}, "the smallest shown slice joins the hidden one")
        self.assertEqual(visible({1: 5, 2: 2, 3: 2}, 3), {1}, "two hidden slices, 4 answers together")
        self.assertEqual(visible({1: 5}, 3), {1})
