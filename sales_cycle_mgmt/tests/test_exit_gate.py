from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..exceptions import ExitCriteriaMissing
from .common import SalesCycleCommon
from .http_common import ExternalApiCase

BYPASS = {"sales_cycle_gate_bypass": True}


class ExitGateMixin:
    @classmethod
    def _gate_stage(cls, stage):
        stage.write({
            "checklist_item_ids": [
                (0, 0, {"name": "Budget confirmed", "sequence": 1}),
                (0, 0, {"name": "Decision maker met", "sequence": 2}),
                (0, 0, {"name": "Competitors known", "sequence": 3, "required": False}),
            ],
            "checklist_gate": True,
        })
        return stage.checklist_item_ids


@tagged("post_install", "-at_install")
class TestExitGate(ExitGateMixin, SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.budget, cls.decision_maker, cls.competitors = cls._gate_stage(cls.stage_team1_1)

    def test_refusal_is_its_own_error_naming_stage_and_items(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        with self.assertRaises(ExitCriteriaMissing) as err:
            lead.write({"stage_id": self.stage_team1_2.id})
        message = err.exception.args[0]
        self.assertIn(self.stage_team1_2.name, message)
        self.assertIn("Budget confirmed", message)
        self.assertIn("Decision maker met", message)
        self.assertNotIn("Competitors known", message)
        self.assertEqual(lead.stage_id, self.stage_team1_1)

    def test_manager_passes_only_when_confirming_and_chatter_names_the_items(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_manager)
        lead.checklist_done_ids = self.budget
        with self.assertRaisesRegex(ExitCriteriaMissing, "move a lead anyway from its form"):
            lead.write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(lead.stage_id, self.stage_team1_1)
        lead.with_context(**BYPASS).write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(lead.stage_id, self.stage_team1_2)
        note = lead.message_ids.filtered(lambda m: "past the exit checklist" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Decision maker met", note.body)
        self.assertNotIn("Budget confirmed", note.body, "only what was not ticked")
        self.assertEqual(note.author_id, self.user_sales_manager.partner_id)

    def test_salesperson_cannot_pass_with_the_confirmation_key(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        with self.assertRaises(ExitCriteriaMissing) as err:
            lead.with_context(**BYPASS).write({"stage_id": self.stage_team1_2.id})
        self.assertNotIn("anyway", err.exception.args[0], "no offer a salesperson cannot take")
        self.assertEqual(lead.stage_id, self.stage_team1_1)

    def test_gate_status_tells_the_form_before_anything_moves(self):
        lead = self._create_opportunities(1)
        lead.checklist_done_ids = self.budget
        status = lead.with_user(self.user_sales_salesman).sales_cycle_exit_gate_status(self.stage_team1_2.id)
        self.assertFalse(status["can_bypass"])
        self.assertEqual(status["missing"], ["Decision maker met"])
        self.assertIn("Decision maker met", status["message"])
        status = lead.with_user(self.user_sales_manager).sales_cycle_exit_gate_status(self.stage_team1_2.id)
        self.assertTrue(status["can_bypass"])
        # backward, same stage, or all ticked: nothing to say
        self.assertFalse(lead.sales_cycle_exit_gate_status(self.stage_team1_1.id))
        lead.checklist_done_ids = self.budget | self.decision_maker
        self.assertFalse(lead.sales_cycle_exit_gate_status(self.stage_team1_2.id))
        self.assertEqual(lead.stage_id, self.stage_team1_1, "asking moves nothing")

    def test_ticking_and_unticking_is_tracked_in_the_chatter(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        # ticks of another stage stay out of the tracked values
        other = self.env["sales.cycle.checklist.item"].create({
            "name": "Proposal sent", "stage_id": self.stage_team1_2.id,
        })
        lead.sudo().checklist_done_ids = other
        self.env.flush_all()
        self.env.cr.precommit.run()

        def last_tracking():
            self.env.flush_all()
            self.env.cr.precommit.run()
            tracking = lead.sudo().message_ids[0].tracking_value_ids.filtered(
                lambda t: t.field_id.name == "checklist_done_ids"
            )
            return tracking.old_value_char or "", tracking.new_value_char or ""

        lead.checklist_done_ids |= self.budget
        self.assertEqual(last_tracking(), ("", "Budget confirmed"))
        lead.checklist_done_ids |= self.decision_maker
        self.assertEqual(
            last_tracking(),
            ("Budget confirmed", "Budget confirmed, Decision maker met"),
        )
        lead.checklist_done_ids -= self.budget
        self.assertEqual(
            last_tracking(),
            ("Budget confirmed, Decision maker met", "Decision maker met"),
        )
        self.assertEqual(lead.message_ids[0].author_id, self.user_sales_salesman.partner_id)

    def test_ticks_saved_with_the_stage_are_tracked_with_it(self):
        lead = self._create_opportunities(1).with_user(self.user_sales_salesman)
        self.env.flush_all()
        self.env.cr.precommit.run()  # a lead is not tracked in the transaction creating it
        # the form saves the ticks and the statusbar's stage in one write
        lead.write({
            "checklist_done_ids": [(6, 0, (self.budget | self.decision_maker).ids)],
            "stage_id": self.stage_team1_2.id,
        })
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = lead.sudo().message_ids[0].tracking_value_ids
        self.assertEqual(
            sorted(tracked.field_id.mapped("name")), ["checklist_done_ids", "stage_id"]
        )
        ticks = tracked.filtered(lambda t: t.field_id.name == "checklist_done_ids")
        self.assertEqual(ticks.new_value_char, "Budget confirmed, Decision maker met")

    def test_a_tracked_move_out_of_an_ungated_stage_reads_no_ticks(self):
        lead = self._create_opportunities(1, stage=self.stage_gen_1)
        lead.checklist_done_ids = self.budget
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        with self.env.cr._enable_logging(), self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            lead.write({"stage_id": self.stage_team1_2.id})
            self.env.flush_all()
            self.env.cr.precommit.run()
        queries = [line for line in logs.output if "crm_lead_checklist_item_done_rel" in line]
        self.assertEqual(queries, [], "the ticks are read by the writes that change them only")
        self.assertEqual(lead.stage_id, self.stage_team1_2)

    def test_days_in_stage_is_never_negative(self):
        lead = self._create_opportunities(1)
        # the form's onchange stamps the stage date after the compute's "now"
        lead.date_last_stage_update = fields.Datetime.now() + timedelta(seconds=5)
        self.assertEqual(lead.days_in_stage, 0)


@tagged("post_install", "-at_install")
class TestExitGateExternalApi(ExitGateMixin, ExternalApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(cls.env, login="scm_gate_rep", groups="sales_team.group_sale_salesman")
        cls.manager = new_test_user(cls.env, login="scm_gate_mgr", groups="sales_team.group_sale_manager")
        cls.stage_from = cls.env["crm.stage"].create({"name": "SCM Gate From", "sequence": 1})
        cls.stage_to = cls.env["crm.stage"].create({"name": "SCM Gate To", "sequence": 2})
        cls._gate_stage(cls.stage_from)
        cls.lead = cls.env["crm.lead"].create({
            "name": "SCM Gate Lead", "type": "opportunity", "user_id": cls.rep.id,
            "stage_id": cls.stage_from.id,
        })

    def test_salesperson_cannot_pass_the_confirmation_key_through_call_kw(self):
        args = [[self.lead.id], {"stage_id": self.stage_to.id}]
        error = self.call_kw_error(self.rep, "crm.lead", "write", args, {"context": BYPASS})
        self.assertIn("ExitCriteriaMissing", error)
        self.assertIn("Budget confirmed", error)
        self.assertEqual(self.lead.stage_id, self.stage_from)

    def test_salesperson_cannot_pass_the_confirmation_key_through_json2(self):
        status, body = self.json2(self.rep, "crm.lead", "write", {
            "ids": [self.lead.id], "vals": {"stage_id": self.stage_to.id}, "context": BYPASS,
        })
        self.assertNotEqual(status, 200, body)
        self.assertIn("ExitCriteriaMissing", body["name"])
        self.assertEqual(self.lead.stage_id, self.stage_from)

    def test_manager_passes_through_call_kw_only_when_confirming(self):
        args = [[self.lead.id], {"stage_id": self.stage_to.id}]
        self.assertIn("ExitCriteriaMissing", self.call_kw_error(self.manager, "crm.lead", "write", args))
        self.assertEqual(self.lead.stage_id, self.stage_from)
        self.call_kw(self.manager, "crm.lead", "write", args, {"context": BYPASS})
        self.assertEqual(self.lead.stage_id, self.stage_to)
        note = self.lead.message_ids.filtered(lambda m: "past the exit checklist" in (m.body or ""))
        self.assertIn("Decision maker met", note.body)
