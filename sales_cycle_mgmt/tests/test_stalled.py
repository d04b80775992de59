from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestStalledDeals(SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "sales_cycle_mgmt.benchmark_min_samples", 3
        )
        cls.stalled_type = cls.env.ref("sales_cycle_mgmt.mail_activity_type_stalled")
        # a stage of its own, so that fixture leads do not enter the benchmark
        cls.stage_bench = cls.env["crm.stage"].create({
            "name": "Discovery", "sequence": 2, "team_ids": [cls.sales_team_1.id],
        })
        cls.t0 = datetime(2026, 2, 2, 8, 0, 0)

    def _won_leads_with_stays(self, days_list):
        """Won leads that spent the given days in stage_team1_1."""
        leads = self.env["crm.lead"]
        for days in days_list:
            with self.mock_datetime_and_now(self.t0):
                lead = self._create_opportunities(1, stage=self.stage_bench)
            with self.mock_datetime_and_now(self.t0 + timedelta(days=days)):
                lead.action_set_won()
            leads |= lead
        return leads

    def _stall_activities(self, leads):
        return self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids),
            ("activity_type_id", "=", self.stalled_type.id),
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

    def test_threshold_is_p90_with_enough_samples_else_target_else_none(self):
        stage = self.stage_bench
        stage.target_days = 2
        self.assertEqual(stage.stall_threshold_days, 2, "no sample yet: target days")
        self._won_leads_with_stays([1, 2, 3, 4, 10])
        self.env["crm.stage"]._compute_benchmarks()
        stage.invalidate_recordset(["stall_threshold_days"])
        self.assertAlmostEqual(stage.stall_threshold_days, 7.6, places=2)
        self.assertEqual(self.stage_gen_1.stall_threshold_days, 0, "neither: never stalled")

    def test_cron_flags_once_with_one_activity_and_clears_on_move(self):
        self.stage_team1_1.target_days = 5
        with self.mock_datetime_and_now(self.t0):
            late, fresh = self._create_opportunities(2)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=3)):
            fresh.write({"stage_id": self.stage_team1_2.id})
            fresh.write({"stage_id": self.stage_team1_1.id})
        with self.mock_datetime_and_now(self.t0 + timedelta(days=6)):
            self.env["crm.lead"]._cron_flag_stalled()
            self.env["crm.lead"]._cron_flag_stalled()  # a second run adds nothing
        self.assertTrue(late.is_stalled)
        self.assertEqual(late.stalled_since, self.t0 + timedelta(days=6))
        self.assertFalse(fresh.is_stalled, "3 days into its new stay")
        activity = self._stall_activities(late)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_sales_salesman)
        self.assertFalse(self._stall_activities(fresh))

        late.with_user(self.user_sales_salesman).write({"stage_id": self.stage_team1_2.id})
        self.assertFalse(late.is_stalled)
        self.assertFalse(late.stalled_since)
        self.assertFalse(self._stall_activities(late), "the reminder goes with the stall")

    def test_closed_leads_are_not_stalled(self):
        self.stage_team1_1.target_days = 1
        with self.mock_datetime_and_now(self.t0):
            lost = self._create_opportunities(1)
            lost.action_set_lost()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=5)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertFalse(lost.is_stalled)

    def test_raised_threshold_clears_the_flag(self):
        self.stage_team1_1.target_days = 1
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            self.env["crm.lead"]._cron_flag_stalled()
            self.assertTrue(lead.is_stalled)
            self.stage_team1_1.target_days = 10
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertFalse(lead.is_stalled)

    def test_unassigned_lead_reminds_the_team_leader(self):
        self.stage_team1_1.target_days = 1
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
            lead.user_id = False
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            self.env["crm.lead"]._cron_flag_stalled()
        self.assertEqual(self._stall_activities(lead).user_id, self.sales_team_1.user_id)

    def test_scheduled_actions_run_through_the_cron(self):
        self.stage_team1_1.target_days = 1
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            # the crons' own server actions, in this transaction
            for xmlid in ("ir_cron_stage_benchmarks", "ir_cron_flag_stalled"):
                self.env.ref(f"sales_cycle_mgmt.{xmlid}").ir_actions_server_id.run()
        self.assertTrue(lead.is_stalled)
