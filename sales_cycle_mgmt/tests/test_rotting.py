from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestRottingDeals(SalesCycleCommon):
    """Deal health is stock rotting: Days to rot set by hand, or learned from
    the stage's won deals; the nightly cron reminds each deal that starts
    rotting once per stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "sales_cycle_mgmt.benchmark_min_samples", 3
        )
        cls.rotting_type = cls.env.ref("sales_cycle_mgmt.mail_activity_type_stalled")
        # a stage of its own, so that fixture leads do not enter the benchmark
        cls.stage_bench = cls.env["crm.stage"].create({
            "name": "Discovery", "sequence": 2, "team_ids": [cls.sales_team_1.id],
        })
        cls.t0 = datetime(2026, 2, 2, 8, 0, 0)

    def _won_leads_with_stays(self, days_list):
        """Won leads that spent the given days in stage_bench."""
        leads = self.env["crm.lead"]
        for days in days_list:
            with self.mock_datetime_and_now(self.t0):
                lead = self._create_opportunities(1, stage=self.stage_bench)
            with self.mock_datetime_and_now(self.t0 + timedelta(days=days)):
                lead.action_set_won()
            leads |= lead
        return leads

    def _reminders(self, leads):
        return self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids),
            ("activity_type_id", "=", self.rotting_type.id),
        ])

    def test_benchmarks_are_median_and_p90_of_won_stays(self):
        self._won_leads_with_stays([1, 2, 3, 4, 10])
        lost = self._create_opportunities(1, stage=self.stage_bench)
        lost.stage_id = self.stage_team1_2
        lost.action_set_lost()  # lost leads do not count
        self.env["crm.stage"]._compute_benchmarks()
        stage = self.stage_bench
        self.assertEqual(stage.benchmark_sample_size, 5)
        self.assertEqual(stage.benchmark_median_days, 3.0)
        # percentile_cont(0.9) over 1,2,3,4,10: 4 + 0.6 * (10 - 4)
        self.assertAlmostEqual(stage.benchmark_p90_days, 7.6, places=2)
        self.assertEqual(self.stage_team1_2.benchmark_sample_size, 0)

    def test_automatic_days_to_rot_come_from_the_p90_once_the_sample_is_enough(self):
        stage, fixed = self.stage_bench, self.stage_team1_2
        stage.rotting_threshold_days = 2
        fixed.write({"rotting_threshold_days": 6, "rotting_automatic": False})
        self._won_leads_with_stays([1, 2])
        self.env["crm.stage"]._compute_benchmarks()
        self.assertEqual(stage.rotting_threshold_days, 2, "2 won stays < 3: the days set by hand")
        self._won_leads_with_stays([3, 4, 10])
        self.env["crm.stage"]._compute_benchmarks()
        self.assertEqual(stage.rotting_threshold_days, 8, "p90 of 1, 2, 3, 4, 10 days is 7.6: rots after 8")
        self.assertEqual(fixed.rotting_threshold_days, 6, "a fixed stage keeps its days")
        self.assertEqual(self.stage_gen_1.rotting_threshold_days, 0, "no sample, no days: never rots")

    def test_cron_reminds_once_per_stay_and_the_reminder_goes_with_the_stay(self):
        self.stage_team1_1.rotting_threshold_days = 5
        with self.mock_datetime_and_now(self.t0):
            late, fresh = self._create_opportunities(2)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=3)):
            fresh.write({"stage_id": self.stage_team1_2.id})
            fresh.write({"stage_id": self.stage_team1_1.id})
        with self.mock_datetime_and_now(self.t0 + timedelta(days=6)):
            self.assertEqual((late.is_rotting, late.rotting_days), (True, 6))
            self.assertFalse(fresh.is_rotting, "3 days into its new stay")
            self.env["crm.lead"]._cron_flag_stalled()
            self.env["crm.lead"]._cron_flag_stalled()  # a second run adds nothing
        reminder = self._reminders(late)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_sales_salesman)
        self.assertIn("Rotting in", reminder.summary)
        self.assertFalse(self._reminders(fresh))
        # done, the reminder does not come back during the same stay
        reminder.action_feedback(feedback="Called")
        with self.mock_datetime_and_now(self.t0 + timedelta(days=7)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertFalse(self._reminders(late))

        with self.mock_datetime_and_now(self.t0 + timedelta(days=8)):
            late.with_user(self.user_sales_salesman).write({"stage_id": self.stage_team1_2.id})
            late.with_user(self.user_sales_salesman).write({"stage_id": self.stage_team1_1.id})
        self.assertFalse(late.rotting_reminded_at)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=14)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertEqual(len(self._reminders(late)), 1, "a new stay that rots is reminded again")

    def test_moving_on_removes_the_open_reminder(self):
        self.stage_team1_1.rotting_threshold_days = 1
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertTrue(self._reminders(lead))
        lead.with_user(self.user_sales_salesman).write({"stage_id": self.stage_team1_2.id})
        self.assertFalse(self._reminders(lead))

    def test_closed_deals_and_leads_do_not_rot(self):
        self.stage_team1_1.rotting_threshold_days = 1
        with self.mock_datetime_and_now(self.t0):
            lost = self._create_opportunities(1)
            lost.action_set_lost()
            lead = self._create_opportunities(1, type="lead")
        with self.mock_datetime_and_now(self.t0 + timedelta(days=5)):
            self.env["crm.lead"]._cron_flag_stalled()
            self.assertFalse((lost | lead).filtered("is_rotting"))
        self.assertFalse(self._reminders(lost | lead))

    def test_unassigned_deal_reminds_the_team_leader(self):
        self.stage_team1_1.rotting_threshold_days = 1
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
            lead.user_id = False
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertEqual(self._reminders(lead).user_id, self.sales_team_1.user_id)

    def test_scheduled_actions_run_through_the_cron(self):
        self._won_leads_with_stays([1, 1, 2, 2, 2])
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1, stage=self.stage_bench)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=3)):
            # the crons' own server actions, in this transaction
            for xmlid in ("ir_cron_stage_benchmarks", "ir_cron_flag_stalled"):
                self.env.ref(f"sales_cycle_mgmt.{xmlid}").ir_actions_server_id.run()
        self.assertEqual(self.stage_bench.rotting_threshold_days, 2)
        self.assertTrue(self._reminders(lead))
