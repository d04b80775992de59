from ast import literal_eval
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from lxml import etree

from odoo import fields
from odoo.addons.survey.controllers.main import Survey
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from ..cycle_math import MIN_SAMPLE
from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestFollowups(SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Followup = cls.env["sales.followup"]
        cls.plan = cls.env.ref("sales_cycle_mgmt.followup_plan_default")
        cls.survey = cls.env.ref("sales_cycle_mgmt.survey_customer_nps")
        cls.nps_question = cls.env.ref("sales_cycle_mgmt.survey_customer_nps_q_recommend")
        cls.comment_question = cls.env.ref("sales_cycle_mgmt.survey_customer_nps_q_comment")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Happy Corp", "email": "buyer@happy.example.com"}
        )
        cls.win_day = datetime(2026, 3, 2, 10, 0, 0)  # a Monday

    def _won_lead(self, when=None, **vals):
        vals.setdefault("partner_id", self.customer.id)
        with self.mock_datetime_and_now(when or self.win_day):
            lead = self._create_opportunities(1, **vals)
            lead.action_set_won()
        return lead

    def _run_cron(self, day):
        with self.mock_datetime_and_now(datetime.combine(day, datetime.min.time()) + timedelta(hours=6)):
            self.Followup._cron_process()

    def _answer(self, followup, score, comment=""):
        answer = followup.user_input_id
        answer._save_lines(self.nps_question, score)
        if comment:
            answer._save_lines(self.comment_question, comment)
        answer._mark_done()
        return answer

    # --- planning --------------------------------------------------------

    def test_default_plan_is_shipped_with_five_dated_steps(self):
        self.assertEqual(self.plan.res_model, "crm.lead")
        self.assertTrue(self.plan.is_followup_default)
        self.assertEqual(
            [(t.kind, t.delay_count, t.delay_unit, t.delay_from) for t in self.plan.template_ids],
            [(kind, days, "days", "after_plan_date") for kind, days in (
                ("onboarding", 3), ("check_in", 30), ("satisfaction", 45), ("upsell", 90), ("renewal", 330),
            )],
        )
        self.assertIn(
            self.plan, self.env["mail.activity.plan"].search(
                literal_eval(self.env.ref("crm.mail_activity_plan_action_lead").domain)
            ),
            "listed in CRM > Configuration > Activity Plans",
        )

    def test_winning_plans_dated_followups_by_every_path(self):
        won_button = self._won_lead()
        with self.mock_datetime_and_now(self.win_day):
            dragged = self._create_opportunities(1)
            dragged.write({"stage_id": self.stage_team1_won.id})
            created_won = self._create_opportunities(1, stage=self.stage_team1_won)
        for lead in (won_button, dragged, created_won):
            self.assertEqual(
                lead.followup_ids.sorted("date_due").mapped("date_due"),
                [date(2026, 3, 5), date(2026, 4, 1), date(2026, 4, 16), date(2026, 5, 31), date(2027, 1, 26)],
                lead.name,
            )
            self.assertEqual(set(lead.followup_ids.mapped("state")), {"planned"})
            self.assertEqual(lead.next_followup_date, date(2026, 3, 5))

    def test_import_into_a_won_stage_plans_followups(self):
        lead = self._create_opportunities(1)
        xmlid = lead.export_data(["id"])["datas"][0][0]
        stage_xmlid = self.stage_team1_won.export_data(["id"])["datas"][0][0]
        result = self.env["crm.lead"].load(["id", "stage_id/id"], [[xmlid, stage_xmlid]])
        self.assertFalse(result["messages"])
        self.assertEqual(len(lead.followup_ids), 5)

    def test_winning_again_does_not_duplicate_and_leaving_won_cancels(self):
        # crm refuses to lose a lead in a won stage: it leaves the won stage first,
        # which cancels what was planned
        lead = self._won_lead()
        self.assertTrue(lead.followup_ids.activity_id)
        lead.write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(set(lead.followup_ids.mapped("state")), {"cancelled"})
        self.assertTrue(self.env["mail.message"].search_count([
            ("model", "=", "crm.lead"), ("res_id", "=", lead.id),
            ("body", "ilike", "planned follow-ups were cancelled"),
        ]), "the chatter says so")
        self.assertFalse(lead.followup_ids.activity_id.filtered("active"), "their activities go too")
        rewin_day = self.win_day + timedelta(days=10)
        with self.mock_datetime_and_now(rewin_day):
            lead.action_set_won()
        self.assertEqual(len(lead.followup_ids), 5, "won again: planned again, not duplicated")
        self.assertEqual(set(lead.followup_ids.mapped("state")), {"planned"})
        for followup in lead.followup_ids:
            due = rewin_day.date() + timedelta(days=followup.step_id.delay_count)
            self.assertEqual(followup.date_due, due, "dated from the new win")
        lead.write({"stage_id": self.stage_team1_2.id})
        lead.action_set_lost()
        self.assertEqual(lead.won_status, "lost")
        self.assertEqual(set(lead.followup_ids.mapped("state")), {"cancelled"})

    # --- deals won many at once: planned by the cron ----------------------

    def _win_at_once(self, leads):
        with self.mock_datetime_and_now(self.win_day):
            leads.write({"stage_id": self.stage_team1_won.id})
        self.env.flush_all()

    def _run_planning_cron(self, when=None):
        """As the scheduler runs it: the job's row locked, its own cursor (on
        the test's transaction)."""
        with self.enter_registry_test_mode(), \
                self.mock_datetime_and_now(when or self.win_day + timedelta(hours=1)):
            self.env.ref("sales_cycle_mgmt.ir_cron_followup_plan").method_direct_trigger()
        self.env.invalidate_all()

    def test_deals_won_many_at_once_are_planned_by_the_triggered_cron(self):
        cron = self.env.ref("sales_cycle_mgmt.ir_cron_followup_plan")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        leads = self._create_opportunities(3, partner_id=self.customer.id)
        self._win_at_once(leads)
        self.assertFalse(leads.followup_ids, "left to the cron")
        self.assertEqual(leads.mapped("followups_pending"), [True] * 3)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), "the cron is triggered"
        )
        arch = self.env["crm.lead"].get_view(view_type="form")["arch"]
        self.assertIn("o_sales_cycle_followups_pending", arch, "the form says they are being planned")
        self._run_planning_cron()
        for lead in leads:
            self.assertFalse(lead.followups_pending)
            self.assertEqual(
                lead.followup_ids.sorted("date_due").mapped("date_due"),
                [date(2026, 3, 5), date(2026, 4, 1), date(2026, 4, 16), date(2026, 5, 31), date(2027, 1, 26)],
                "dated from the win, not from the cron's run",
            )
            self.assertEqual(len(lead.followup_ids.activity_id), 1, "the onboarding's activity")
            self.assertTrue(self.env["mail.message"].search_count([
                ("model", "=", "crm.lead"), ("res_id", "=", lead.id),
                ("body", "ilike", "after-sales follow-ups planned"),
            ]))
        self._run_planning_cron()
        self.assertEqual(len(leads.followup_ids), 15, "a second run plans nothing more")

    def test_a_deal_leaving_won_before_the_cron_ran_is_never_planned(self):
        leads = self._create_opportunities(3, partner_id=self.customer.id)
        self._win_at_once(leads)
        leads[0].write({"stage_id": self.stage_team1_2.id})
        leads[1].write({"stage_id": self.stage_team1_2.id})
        leads[1].action_set_lost()
        self.assertEqual(leads.mapped("won_status"), ["pending", "lost", "won"])
        self.assertEqual(leads.mapped("followups_pending"), [False, False, True])
        self._run_planning_cron()
        self.assertFalse((leads[0] | leads[1]).followup_ids)
        self.assertEqual(len(leads[2].followup_ids), 5)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads[:2].ids)]
        )
        self.assertFalse(activities)

    def test_a_deal_leaving_won_after_the_cron_ran_ends_with_nothing_planned(self):
        leads = self._create_opportunities(3, partner_id=self.customer.id)
        self._win_at_once(leads)
        self._run_planning_cron()
        self.assertEqual(len(leads.followup_ids), 15)
        leads.write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(set(leads.followup_ids.mapped("state")), {"cancelled"})
        self.assertFalse(leads.followup_ids.activity_id.filtered("active"))
        self._run_planning_cron()
        self.assertEqual(set(leads.followup_ids.mapped("state")), {"cancelled"})

    def test_deals_won_twice_before_the_cron_ran_are_planned_once(self):
        leads = self._create_opportunities(3, partner_id=self.customer.id)
        self._win_at_once(leads)
        leads.write({"stage_id": self.stage_team1_2.id})
        self._win_at_once(leads)
        self._run_planning_cron()
        self._run_planning_cron()
        self.assertEqual(len(leads.followup_ids), 15)
        self.assertEqual(len(leads.followup_ids.activity_id), 3)
        # won again after the cron planned them: the cancelled steps come back
        leads.write({"stage_id": self.stage_team1_2.id})
        self._win_at_once(leads)
        self._run_planning_cron()
        self.assertEqual(len(leads.followup_ids), 15)
        self.assertEqual(set(leads.followup_ids.mapped("state")), {"planned"})
        self.assertEqual(len(leads.followup_ids.activity_id.filtered("active")), 3)

    def test_winning_many_deals_costs_the_same_queries_for_5_and_50(self):
        def queries(count):
            leads = self._create_opportunities(count, partner_id=self.customer.id)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            leads.write({"stage_id": self.stage_team1_won.id})
            self.env.flush_all()
            self.env.cr.precommit.run()
            return self.env.cr.sql_log_count - before

        queries(5)  # warms the caches both counts rely on
        self.assertEqual(queries(5), queries(50))

    def test_planning_the_deals_won_at_once_costs_the_same_queries_for_2_and_20(self):
        """The cron's batch: follow-ups, their followers, activities and notes
        (20 deals plan 100 follow-ups: one INSERT batch of the ORM)."""
        def queries(count):
            leads = self._create_opportunities(count, partner_id=self.customer.id)
            self._win_at_once(leads)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            followups = self.Followup.sudo()._plan_for_won_leads(leads)
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.assertEqual(len(followups), 5 * count)
            self.assertEqual(
                followups.message_partner_ids, followups.user_id.partner_id,
                "the responsible follows each of their follow-ups",
            )
            return self.env.cr.sql_log_count - before

        queries(2)  # warms the caches both counts rely on
        self.assertEqual(queries(2), queries(20))

    def test_planned_followups_are_inserted_whole_then_given_their_activity_only(self):
        """Their stored figures go with the INSERT: no second write of every
        follow-up, only of those that get an activity."""
        leads = self._create_opportunities(3, partner_id=self.customer.id)
        self._win_at_once(leads)
        statements = []
        with self.mock_datetime_and_now(self.win_day), contextmanager(self._patchExecute)(statements):
            followups = self.Followup.sudo()._plan_for_won_leads(leads)
        updates = [q for q in statements if q.lstrip().startswith('UPDATE "sales_followup"')]
        self.assertEqual(len(updates), 1, updates)
        self.assertRegex(updates[0], r'SET "activity_id" = [^,]*, "write_date"')
        self.assertEqual(len(followups), 15)
        horizon = self.win_day.date() + timedelta(days=followups._horizon_days())
        self.assertEqual(followups.filtered("activity_id"),
                         followups.filtered(lambda f: f.date_due <= horizon))
        self.assertLess(len(followups.activity_id), 15, "the later steps get theirs when due")
        self.assertFalse(any(followups.mapped("is_overdue")))
        self.assertFalse(any(followups.mapped("done_on_time")))

    def test_team_plan_wins_over_the_default(self):
        team_plan = self.env["mail.activity.plan"].create({
            "name": "Team 1 plan", "res_model": "crm.lead", "team_id": self.sales_team_1.id,
            "template_ids": [(0, 0, {
                "summary": "Kick-off", "kind": "onboarding", "delay_count": 1,
                "delay_from": "after_plan_date", "responsible_type": "team_leader",
            }), (0, 0, {
                "summary": "Handover", "delay_count": 1, "delay_unit": "weeks",
                "delay_from": "after_plan_date", "responsible_type": "other",
                "responsible_id": self.user_sales_leads.id,
            })],
        })
        lead = self._won_lead()
        self.assertEqual(lead.followup_ids.plan_id, team_plan)
        kick_off, handover = lead.followup_ids.sorted("date_due")
        self.assertEqual(
            (kick_off.name, kick_off.kind, kick_off.date_due, kick_off.user_id),
            ("Kick-off", "onboarding", date(2026, 3, 3), self.sales_team_1.user_id),
        )
        self.assertEqual(
            (handover.kind, handover.date_due, handover.user_id),
            ("check_in", date(2026, 3, 9), self.user_sales_leads),
            "an activity with no kind is a check-in; weeks count too; a named user",
        )

    def test_stock_plan_launcher_knows_the_salesperson_and_the_team_leader(self):
        with self.mock_datetime_and_now(self.win_day):
            lead = self._create_opportunities(1)
        wizard = self.env["mail.activity.schedule"].with_context(
            active_model="crm.lead", active_id=lead.id,
        ).create({"plan_id": self.plan.id, "plan_date": date(2026, 3, 2)})
        wizard.action_schedule_plan()
        activities = lead.activity_ids
        self.assertEqual(len(activities), 5)
        by_summary = {a.summary: a for a in activities}
        self.assertEqual(by_summary["Onboarding call"].user_id, self.user_sales_salesman)
        self.assertEqual(by_summary["Onboarding call"].date_deadline, date(2026, 3, 5))
        self.assertEqual(by_summary["Renewal"].user_id, self.sales_team_1.user_id)
        self.assertFalse(lead.followup_ids, "launching a plan by hand plans no follow-up")

    def test_won_without_partner_plans_everything_but_sends_no_survey(self):
        with self.mock_datetime_and_now(self.win_day):
            lead = self._create_opportunities(1)
            lead.action_set_won()
        self.assertEqual(len(lead.followup_ids), 5)
        self._run_cron(date(2026, 4, 16))
        satisfaction = lead.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self.assertFalse(satisfaction.user_input_id)
        self.assertIn("no customer", satisfaction.survey_problem)

    # --- bad input -------------------------------------------------------

    def test_bad_plans_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "only one default"):
            self.env["mail.activity.plan"].create({
                "name": "Second default", "res_model": "crm.lead", "company_id": False,
                "is_followup_default": True, "template_ids": [(0, 0, {"summary": "Call"})],
            })
        with self.assertRaisesRegex(ValidationError, "before the win"):
            self.plan.template_ids[0].delay_count = -2
        with self.assertRaisesRegex(ValidationError, "before the win"):
            self.plan.template_ids[0].delay_from = "before_plan_date"
        with self.assertRaisesRegex(ValidationError, "at least one activity"):
            self.env["mail.activity.plan"].create(
                {"name": "Empty", "res_model": "crm.lead", "team_id": self.sales_team_1.id}
            )
        partner_plan = self.env["mail.activity.plan"].create({
            "name": "Partner plan", "res_model": "res.partner",
            "template_ids": [(0, 0, {"summary": "Call", "responsible_type": "on_demand"})],
        })
        self.assertFalse(partner_plan.template_ids.kind, "only opportunity plans have follow-up kinds")
        with self.assertRaisesRegex(ValidationError, "only plans for opportunities"):
            partner_plan.team_id = self.sales_team_1
        with self.assertRaisesRegex(ValidationError, "only for the activities of opportunity plans"):
            partner_plan.template_ids.responsible_type = "salesperson"
        # a plan for opportunities that is no after-sales plan may start before its date
        prep_plan = self.env["mail.activity.plan"].create({
            "name": "Demo preparation", "res_model": "crm.lead",
            "template_ids": [(0, 0, {"summary": "Prepare", "delay_count": 2})],
        })
        self.assertEqual(prep_plan.template_ids.delay_from, "before_plan_date")
        no_scale = self.env["survey.survey"].create({
            "title": "No scale",
            "question_ids": [(0, 0, {"title": "Comment?", "question_type": "text_box"})],
        })
        with self.assertRaisesRegex(ValidationError, "no 0-10 scale question"):
            self.plan.template_ids.filtered(lambda t: t.kind == "satisfaction").survey_id = no_scale

    # --- activities ------------------------------------------------------

    def test_activities_enter_with_the_horizon_once(self):
        lead = self._won_lead()
        onboarding, check_in = lead.followup_ids.sorted("date_due")[:2]
        self.assertTrue(onboarding.activity_id, "due in 3 days: within the 7-day horizon")
        self.assertEqual(onboarding.activity_id.res_id, lead.id)
        self.assertEqual(onboarding.activity_id.user_id, self.user_sales_salesman)
        self.assertFalse(check_in.activity_id)
        self._run_cron(date(2026, 3, 26))
        self._run_cron(date(2026, 3, 26))
        self.assertTrue(check_in.activity_id)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(len(activities), 2, "a second run creates no second activity")

    def test_activity_done_marks_followup_done_and_back(self):
        lead = self._won_lead()
        onboarding = lead.followup_ids.sorted("date_due")[0]
        onboarding.activity_id.with_user(self.user_sales_salesman).action_feedback(feedback="All set up")
        self.assertEqual(onboarding.state, "done")
        self.assertEqual(onboarding.outcome, "All set up")
        self._run_cron(date(2026, 3, 26))
        check_in = lead.followup_ids.sorted("date_due")[1]
        activity = check_in.activity_id
        check_in.with_user(self.user_sales_salesman).action_done("Customer happy")
        self.assertFalse(activity.active, "the activity is done (archived) too")
        self.assertEqual(activity.feedback, "Customer happy")

    def test_a_closed_followup_keeps_no_open_activity_whatever_closes_it(self):
        with self.mock_datetime_and_now(self.win_day):
            leads = self._create_opportunities(3, partner_id=self.customer.id)
            for lead in leads:  # one by one, as salespeople win them
                lead.action_set_won()
        firsts = [lead.followup_ids.sorted("date_due")[0] for lead in leads]
        activities = [followup.activity_id for followup in firsts]
        self.assertTrue(all(activities))
        firsts[0]._mark_done("Called")  # the path of the customer's answer and of demo data
        firsts[1].with_user(self.user_sales_salesman).write({"state": "done"})
        firsts[2].with_user(self.user_sales_salesman).write({"state": "cancelled"})
        self.assertFalse(activities[0].active, "done with the follow-up")
        self.assertEqual(activities[0].feedback, "Called")
        self.assertFalse(activities[1].active)
        self.assertFalse(activities[2].exists(), "a cancelled follow-up's activity goes")
        open_activities = self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids),
        ])
        self.assertFalse(open_activities & (activities[0] | activities[1]))

    def test_overdue_flag_is_refreshed_daily(self):
        lead = self._won_lead()
        onboarding = lead.followup_ids.sorted("date_due")[0]
        self._run_cron(date(2026, 3, 6))
        self.assertTrue(onboarding.is_overdue)
        self.assertFalse(lead.followup_ids.filtered(lambda f: f.kind == "renewal").is_overdue)

    # --- customer NPS ----------------------------------------------------

    def test_satisfaction_sends_survey_once_and_detractor_alerts_team_leader(self):
        lead = self._won_lead()
        satisfaction = lead.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self._run_cron(date(2026, 4, 15))
        self.assertFalse(satisfaction.user_input_id, "not due yet")
        self._run_cron(date(2026, 4, 16))
        self._run_cron(date(2026, 4, 16))
        self.assertTrue(satisfaction.user_input_id)
        mails = self.env["mail.mail"].search(
            [("model", "=", "sales.followup"), ("res_id", "=", satisfaction.id)]
        )
        self.assertEqual(len(mails), 1, "sent once")
        self.assertIn(satisfaction.user_input_id.access_token, mails.body_html)
        self.assertEqual(mails.recipient_ids, self.customer)

        with self.mock_datetime_and_now(datetime(2026, 4, 17, 9, 0)):  # a Friday
            self._answer(satisfaction, 4, "Support is slow")
        self.assertEqual(satisfaction.nps_score, 4)
        self.assertEqual(satisfaction.nps_bucket, "detractor")
        self.assertEqual(satisfaction.state, "done")
        self.assertEqual(self.customer.nps_last_score, 4)
        self.assertEqual(self.customer.nps_last_bucket, "detractor")
        alert = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("sales_cycle_mgmt.mail_activity_type_nps_detractor")
        )
        self.assertEqual(alert.user_id, self.sales_team_1.user_id)
        self.assertEqual(alert.date_deadline, date(2026, 4, 20), "next working day: Monday")

    def test_promoter_gets_a_referral_request_and_second_answer_is_ignored(self):
        lead = self._won_lead()
        satisfaction = lead.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self._run_cron(date(2026, 4, 16))
        answer = self._answer(satisfaction, 10)
        self.assertEqual(satisfaction.nps_bucket, "promoter")
        referral = lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("sales_cycle_mgmt.mail_activity_type_referral")
        )
        self.assertEqual(referral.user_id, self.user_sales_salesman)
        # the same link again: the answer is done, a new submission changes nothing
        answer._save_lines(self.nps_question, 2)
        answer._mark_done()
        self.assertEqual(satisfaction.nps_score, 10)
        self.assertEqual(self.customer.nps_last_score, 10)

    def test_cancelled_followup_link_is_refused(self):
        lead = self._won_lead()
        satisfaction = lead.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self._run_cron(date(2026, 4, 16))
        answer = satisfaction.user_input_id
        lead.write({"stage_id": self.stage_team1_2.id})
        lead.action_set_lost()
        validity = Survey()._check_validity(self.survey.sudo(), answer.sudo(), answer.access_token)
        self.assertEqual(validity, "answer_deadline")
        answer._save_lines(self.nps_question, 9)
        answer._mark_done()
        self.assertFalse(satisfaction.nps_bucket, "an answer to a cancelled follow-up is not recorded")

    def test_customer_without_email_is_reported_and_others_go_on(self):
        silent = self.env["res.partner"].create({"name": "No Mail Ltd"})
        lead_silent = self._won_lead(partner_id=silent.id)
        lead_ok = self._won_lead()
        self._run_cron(date(2026, 4, 16))
        bad = lead_silent.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        good = lead_ok.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self.assertFalse(bad.user_input_id)
        self.assertIn("No Mail Ltd has no email address", bad.survey_problem)
        self.assertIn("no email address", bad.message_ids[0].body)
        self.assertTrue(good.user_input_id)

    def test_deleted_partner_leaves_the_followups_in_place(self):
        partner = self.env["res.partner"].create({"name": "Gone Inc", "email": "gone@example.com"})
        lead = self._won_lead(partner_id=partner.id)
        lead.partner_id = False
        partner.unlink()
        self.assertEqual(len(lead.followup_ids), 5)
        self.assertFalse(lead.followup_ids.partner_id)
        self._run_cron(date(2026, 4, 16))
        satisfaction = lead.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self.assertIn("no customer", satisfaction.survey_problem)

    # --- report and access ----------------------------------------------

    def test_report_on_time_overdue_and_nps(self):
        lead_a = self._won_lead()
        lead_b = self._won_lead()
        for lead in (lead_a, lead_b):
            onboarding = lead.followup_ids.sorted("date_due")[0]
            done_day = datetime(2026, 3, 4, 9) if lead == lead_a else datetime(2026, 3, 9, 9)
            with self.mock_datetime_and_now(done_day):
                onboarding.action_done()
        self._run_cron(date(2026, 4, 16))
        with self.mock_datetime_and_now(datetime(2026, 4, 16, 15)):
            for lead, score in ((lead_a, 10), (lead_b, 3)):
                self._answer(lead.followup_ids.filtered(lambda f: f.kind == "satisfaction"), score)
        self.env.flush_all()
        Report = self.env["sales.followup.report"]
        domain = [("lead_id", "in", (lead_a | lead_b).ids)]
        [(rate, promoters, detractors, nps)] = Report._read_group(
            domain + [("kind", "in", ("onboarding", "satisfaction"))], [],
            ["on_time_rate:avg", "promoter_count:sum", "detractor_count:sum", "nps_value:avg"],
        )
        # onboarding: one on time, one late; surveys answered on their due day: on time
        self.assertAlmostEqual(rate, 75.0)
        self.assertEqual((promoters, detractors, nps), (1, 1, 0.0))
        [(overdue,)] = Report._read_group(domain + [("kind", "=", "check_in")], [], ["overdue_count:sum"])
        self.assertEqual(overdue, 2, "check-ins due 1 April are overdue by mid-April")

    def test_report_counts_as_overdue_what_the_follow_ups_list_flags(self):
        # a user whose day is not UTC's: far east late in the UTC day, far west early
        now = datetime.now()
        tz = "Etc/GMT-14" if now.hour >= 10 else "Etc/GMT+12"
        followups = self._won_lead().followup_ids.sorted("date_due")[:2].with_context(tz=tz)
        today = fields.Date.context_today(followups)
        self.assertNotEqual(today, now.date())
        followups[0].date_due = today - timedelta(days=1)
        followups[1].date_due = today
        self.assertEqual(followups.mapped("is_overdue"), [True, False])
        self.env.flush_all()
        [(overdue,)] = self.env["sales.followup.report"]._read_group(
            [("followup_id", "in", followups.ids)], [], ["overdue_count:sum"])
        flagged = self.Followup.search_count([("id", "in", followups.ids), ("is_overdue", "=", True)])
        self.assertEqual((overdue, flagged), (1, 1), "one definition of overdue, in the list and the report")

    def test_salesperson_sees_followups_of_own_leads_only(self):
        mine = self._won_lead()
        theirs = self._won_lead(user=self.user_sales_leads)
        visible = self.Followup.with_user(self.user_sales_salesman).search([])
        self.assertTrue(mine.followup_ids <= visible)
        self.assertFalse(theirs.followup_ids & visible)
        report = self.env["sales.followup.report"].with_user(self.user_sales_salesman).search([])
        self.assertFalse(set(report.mapped("lead_id").ids) & set(theirs.ids))

    def test_salespeople_read_after_sales_plans_and_managers_configure_them(self):
        template = self.plan.template_ids[:1]
        for user in (self.user_sales_salesman, self.user_sales_leads):
            self.assertEqual(self.plan.with_user(user).template_ids[:1].summary, "Onboarding call")
            with self.assertRaises(AccessError):
                template.with_user(user).summary = "Changed"
            with self.assertRaises(AccessError):
                self.plan.with_user(user).team_id = self.sales_team_1
        self.plan.with_user(self.user_sales_manager).team_id = self.sales_team_1
        template.with_user(self.user_sales_manager).write({"kind": "check_in", "delay_count": 5})
        self.assertEqual(self._won_lead().followup_ids.sorted("date_due")[0].date_due, date(2026, 3, 7))

    def test_horizon_is_a_setting_and_bad_values_are_refused(self):
        settings = self.env["res.config.settings"].create({"sales_cycle_followup_horizon_days": 40})
        settings.execute()
        lead = self._won_lead()
        self.assertEqual(
            len(lead.followup_ids.filtered("activity_id")), 2, "onboarding (+3) and check-in (+30)"
        )
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"sales_cycle_followup_horizon_days": -1})
        with self.assertRaisesRegex(ValidationError, f"at least {MIN_SAMPLE} won stays"):
            self.env["res.config.settings"].create({"sales_cycle_benchmark_min_samples": MIN_SAMPLE - 1})


@tagged("post_install", "-at_install")
class TestFollowupScreens(TransactionCase):
    def test_an_unanswered_nps_is_blank_not_zero_wherever_it_shows(self):
        """0 is the worst answer: a follow-up without an answer shows none."""
        arches = [
            self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"],
            *(self.env["sales.followup"].get_views([(False, kind)])["views"][kind]["arch"]
              for kind in ("list", "form")),
        ]
        for arch in arches:
            for node in etree.fromstring(arch).iter("field"):
                if node.get("name") == "nps_score":
                    self.assertIn("not nps_bucket", node.get("invisible", ""), etree.tostring(node))
