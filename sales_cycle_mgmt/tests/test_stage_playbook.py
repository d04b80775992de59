from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..hooks import uninstall_hook
from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestStagePlaybook(SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_team1_1.write({
            "checklist_item_ids": [
                (0, 0, {"name": "Budget confirmed", "sequence": 1}),
                (0, 0, {"name": "Decision maker met", "sequence": 2}),
                (0, 0, {"name": "Competitors known", "sequence": 3, "required": False}),
            ],
            "checklist_gate": True,
            "rotting_threshold_days": 5,
            "guidance": "<p>Qualify budget and authority first.</p>",
        })
        cls.budget, cls.decision_maker, cls.competitors = cls.stage_team1_1.checklist_item_ids

    def test_negative_days_to_rot_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.stage_gen_1.rotting_threshold_days = -1

    def test_gate_without_required_item_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "no required item"):
            self.stage_gen_1.write({
                "checklist_gate": True,
                "checklist_item_ids": [(0, 0, {"name": "Nice to have", "required": False})],
            })
        with self.assertRaisesRegex(ValidationError, "no required item"):
            (self.budget | self.decision_maker).write({"required": False})
        with self.assertRaisesRegex(ValidationError, "no required item"):
            (self.budget | self.decision_maker).unlink()

    def test_forward_move_names_the_missing_items(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        lead.checklist_done_ids = self.budget
        with self.assertRaises(UserError) as err:
            lead.write({"stage_id": self.stage_team1_2.id})
        self.assertIn("Decision maker met", str(err.exception))
        self.assertNotIn("Budget confirmed", str(err.exception))
        self.assertNotIn("Competitors known", str(err.exception), "optional items never block")
        self.assertEqual(lead.stage_id, self.stage_team1_1)
        self.assertEqual(len(self._stays(lead)), 1, "nothing half-written")

    def test_ticking_required_items_opens_the_gate(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        lead.checklist_done_ids = self.budget | self.decision_maker
        self.assertEqual(lead.checklist_progress, 67)
        lead.write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(lead.stage_id, self.stage_team1_2)
        self.assertEqual(lead.checklist_progress, 0, "the new stage has no checklist")

    def test_ticks_and_stage_saved_together_pass_the_gate(self):
        # the form saves pending ticks and the statusbar's stage in one write
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        lead.write({
            "checklist_done_ids": [(4, self.budget.id), (4, self.decision_maker.id)],
            "stage_id": self.stage_team1_2.id,
        })
        self.assertEqual(lead.stage_id, self.stage_team1_2)

    def test_won_button_is_a_forward_move_and_is_gated(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        with self.assertRaisesRegex(UserError, "Budget confirmed"):
            lead.action_set_won()

    def test_import_is_gated_like_any_write(self):
        lead = self._create_opportunities(1)
        result = self.env["crm.lead"].with_user(self.user_sales_salesman).load(
            ["id", "stage_id/id"],
            [[lead.export_data(["id"])["datas"][0][0], self._xmlid(self.stage_team1_2)]],
        )
        self.assertTrue(result["messages"], "the import reports the gate")
        self.assertIn("Decision maker met", result["messages"][0]["message"])
        self.assertEqual(lead.stage_id, self.stage_team1_1)

    def test_backward_moves_and_lost_are_never_blocked(self):
        lead = self._create_opportunities(1, stage=self.stage_team1_2)
        self.stage_team1_2.write({
            "checklist_item_ids": [(0, 0, {"name": "Proposal sent"})],
            "checklist_gate": True,
        })
        lead = lead.with_user(self.user_sales_salesman)
        lead.write({"stage_id": self.stage_team1_1.id})  # backward, out of a gated stage
        self.assertEqual(lead.stage_id, self.stage_team1_1)
        lead.action_set_lost()
        self.assertEqual(lead.won_status, "lost")

    def test_sales_manager_bypasses_the_gate_and_chatter_says_so(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_manager)
        lead.with_context(sales_cycle_gate_bypass=True).write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(lead.stage_id, self.stage_team1_2)
        note = lead.message_ids[0]
        self.assertIn("past the exit checklist", note.body)
        self.assertIn("Decision maker met", note.body)

    def test_playbook_summary_feeds_the_kanban_column_tooltip(self):
        summary = self.stage_team1_1.playbook_summary
        self.assertIn("Prospecting", summary)
        self.assertIn("Rots after 5 days", summary)
        self.assertIn("Exit checklist (enforced)", summary)
        self.assertIn("Budget confirmed (required)", summary)
        self.assertIn("Competitors known", summary)

    def test_guidance_is_the_one_stage_text_also_in_the_column_tooltip(self):
        stage = self.stage_team1_1
        self.assertEqual(stage.requirements, "Qualify budget and authority first.")
        stage.guidance = "<p>Call the <b>decision maker</b>.</p><ul><li>Send the deck</li></ul>"
        self.assertEqual(stage.requirements, "Call the *decision maker*.\nSend the deck")
        stage.guidance = False
        self.assertFalse(stage.requirements)
        # stock's tooltip reads requirements; the stage form edits the guidance only
        kanban = self.env["crm.lead"].get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertRegex(kanban, "group_by_tooltip[^>]*requirements")
        form = self.env["crm.stage"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="guidance"', form)
        self.assertNotIn('name="requirements"', form)
        self.assertTrue(self.env["crm.stage"]._fields["requirements"].readonly)

    def test_lead_shows_its_stage_guidance_and_phase(self):
        lead = self._create_opportunities(1)
        self.assertIn("Qualify budget", lead.stage_guidance)
        self.assertEqual(lead.cycle_phase_id, self.phase_prospecting)
        self.stage_team1_1.cycle_phase_id = self.phase_qualification
        self.assertEqual(lead.cycle_phase_id, self.phase_qualification, "stored, follows the stage")

    def test_phase_in_use_cannot_be_deleted(self):
        with self.assertRaisesRegex(UserError, self.stage_team1_1.name):
            self.phase_prospecting.unlink()
        self.assertTrue(self.phase_prospecting.exists())
        unused = self.env["sales.cycle.phase"].create({"name": "Renewal", "code": "renewal_test"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_uninstall_keeps_the_addons_reminders_as_todos(self):
        lead = self._create_opportunities(1)
        activity = lead.activity_schedule("sales_cycle_mgmt.mail_activity_type_stalled",
                                          summary="Stalled: call back")
        uninstall_hook(self.env)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(activity.summary, "Stalled: call back")
        self.assertEqual(activity.res_id, lead.id)

    def _xmlid(self, record):
        return record.export_data(["id"])["datas"][0][0]
