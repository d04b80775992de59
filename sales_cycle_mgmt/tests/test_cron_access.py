from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user, tagged

from .http_common import ExternalApiCase

CRONS = (
    "sales_cycle_mgmt.ir_cron_stage_benchmarks",
    "sales_cycle_mgmt.ir_cron_flag_stalled",
    "sales_cycle_mgmt.ir_cron_followup_process",
    "sales_cycle_mgmt.ir_cron_followup_plan",
    "sales_cycle_mgmt.ir_cron_snapshot_take",
    "sales_cycle_mgmt.ir_cron_pulse_run",
    "sales_cycle_mgmt.ir_cron_one_on_one_schedule",
    "sales_cycle_mgmt.ir_cron_stage_summary_compact",
)


@tagged("post_install", "-at_install")
class TestCronExternal(ExternalApiCase):
    """The addon's scheduled actions run for the scheduler and for
    administrators, not for whoever calls their server action."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="ext_cron_rep", groups="sales_team.group_sale_salesman")
        cls.admin = new_test_user(cls.env, login="ext_cron_admin", groups="base.group_system")
        cls.crons = cls.env["ir.cron"].browse([cls.env.ref(xmlid).id for xmlid in CRONS])
        # a series whose next session is missing: the one-on-one cron plans it
        cls.series = cls.env["sales.one.on.one"].create({
            "manager_id": cls.admin.id, "member_id": cls.rep.id, "team_id": False,
            "first_date": fields.Datetime.now() + timedelta(days=2),
        })
        cls.series.session_ids.unlink()

    def test_every_cron_of_the_addon_is_for_administrators(self):
        data = self.env["ir.model.data"].search([
            ("module", "=", "sales_cycle_mgmt"), ("model", "=", "ir.cron"),
        ])
        self.assertEqual(sorted(data.mapped("res_id")), sorted(self.crons.ids), "CRONS lists them all")
        for cron in self.crons:
            self.assertEqual(cron.group_ids, self.env.ref("base.group_system"), cron.name)

    def test_salesperson_cannot_run_a_cron(self):
        for cron in self.crons:
            with self.subTest(cron=cron.name):
                error = self.call_kw_error(
                    self.rep, "ir.actions.server", "run", [cron.ir_actions_server_id.ids],
                )
                self.assertIn("AccessError", error)
        self.env.invalidate_all()
        self.assertFalse(self.series.session_ids, "the one-on-one cron did not run")

    def test_scheduler_runs_the_crons(self):
        for cron in self.crons:
            # the scheduler's own cursor commits after the job; this test's cannot
            with self.subTest(cron=cron.name), patch.object(self.env.cr, "commit", lambda: None):
                cron.with_user(cron.user_id)._callback(cron.cron_name, cron.ir_actions_server_id.id)
        self.env.invalidate_all()
        self.assertEqual(len(self.series.session_ids), 1)

    def test_administrator_runs_a_cron_manually(self):
        cron = self.env.ref("sales_cycle_mgmt.ir_cron_one_on_one_schedule")
        self.call_kw(self.admin, "ir.cron", "method_direct_trigger", [cron.ids])
        self.env.invalidate_all()
        self.assertEqual(len(self.series.session_ids), 1)
