from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExitGateTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="scm_gate_tour_rep", name="Gate Rep", groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env, login="scm_gate_tour_mgr", name="Gate Manager", groups="sales_team.group_sale_manager",
        )
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_new.write({
            "checklist_item_ids": [
                (0, 0, {"name": "Decision maker identified", "sequence": 1}),
                (0, 0, {"name": "Budget known", "sequence": 2}),
                (0, 0, {"name": "Competitors known", "sequence": 3, "required": False}),
            ],
            "checklist_gate": True,
        })
        cls.decision_maker, cls.budget, cls.competitors = cls.stage_new.checklist_item_ids
        cls.lead = cls.env["crm.lead"].create({
            "name": "SCM Gate Opportunity",
            "type": "opportunity",
            "user_id": cls.rep.id,
            "team_id": cls.env.ref("sales_team.team_sales_department").id,
            "stage_id": cls.stage_new.id,
        })

    def _url(self):
        return f"/odoo/crm/{self.lead.id}"

    def test_refused_move_leaves_the_form_on_its_saved_stage(self):
        self.start_tour(self._url(), "sales_cycle_mgmt_exit_gate_refusal_tour", login=self.rep.login)
        self.assertEqual(self.lead.stage_id, self.stage_new)
        self.assertEqual(self.lead.checklist_done_ids, self.decision_maker)
        self.assertEqual(len(self.lead.stage_history_ids), 1)

    def test_manager_confirms_a_move_past_the_gate(self):
        self.start_tour(self._url(), "sales_cycle_mgmt_exit_gate_manager_tour", login=self.manager.login)
        self.assertEqual(self.lead.stage_id, self.env.ref("crm.stage_lead2"))
        note = self.lead.message_ids.filtered(lambda m: "past the exit checklist" in (m.body or ""))
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertIn("Budget known", note.body)

    def test_salesperson_ticks_from_the_kanban_card(self):
        self.start_tour("/odoo/crm", "sales_cycle_mgmt_exit_gate_kanban_tour", login=self.rep.login)
        self.assertEqual(self.lead.checklist_done_ids, self.budget)
        self.assertEqual(self.lead.stage_id, self.stage_new)
