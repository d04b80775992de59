from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUiTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="scm_tour_rep", name="Tour Rep",
            groups="sales_team.group_sale_salesman",
        )
        stage_new = cls.env.ref("crm.stage_lead1")
        stage_new.write({
            "guidance": "<p>Ask who signs and when.</p>",
            "checklist_item_ids": [(0, 0, {"name": "Decision maker identified"})],
            "checklist_gate": True,
        })
        cls.lead = cls.env["crm.lead"].create({
            "name": "SCM Tour Opportunity",
            "type": "opportunity",
            "user_id": cls.rep.id,
            "team_id": cls.env.ref("sales_team.team_sales_department").id,
            "stage_id": stage_new.id,
        })

    def test_salesperson_works_a_lead_through_its_stage_playbook(self):
        self.start_tour("/odoo/crm", "sales_cycle_mgmt_pipeline_tour", login="scm_tour_rep")
        self.assertEqual(self.lead.stage_id, self.env.ref("crm.stage_lead2"))
        self.assertEqual(len(self.lead.stage_history_ids), 2)
