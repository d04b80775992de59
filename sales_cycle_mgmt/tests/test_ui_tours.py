from datetime import date

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

    def test_manager_reads_time_in_stage_by_stage(self):
        manager = new_test_user(
            self.env, login="scm_tour_manager", name="Tour Manager",
            groups="sales_team.group_sale_manager",
        )
        stage = self.env["crm.stage"].create({"name": "SCM Report Stage", "sequence": 0})
        lead = self.env["crm.lead"].create({
            "name": "SCM Report Lead", "type": "opportunity", "stage_id": stage.id,
            "user_id": manager.id,
        })
        lead.stage_id = self.env.ref("crm.stage_lead2")
        action = self.env.ref("sales_cycle_mgmt.sales_cycle_stage_history_action_report")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_time_in_stage_tour",
                        login=manager.login)

    def test_salesperson_works_the_followups(self):
        lead = self.env["crm.lead"].create({
            "name": "SCM Won Deal",
            "type": "opportunity",
            "user_id": self.rep.id,
            "team_id": self.env.ref("sales_team.team_sales_department").id,
        })
        lead.action_set_won()
        onboarding = lead.followup_ids.filtered(lambda f: f.kind == "onboarding")
        onboarding.date_due = onboarding.date_due.replace(year=onboarding.date_due.year - 1)
        action = self.env.ref("sales_cycle_mgmt.sales_followup_action")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_followup_tour", login="scm_tour_rep")
        self.assertEqual(onboarding.state, "done")

    def test_salesperson_sees_overdue_followups_and_marks_one_done_from_the_opportunity(self):
        leads = self.env["crm.lead"].create([
            {"name": name, "type": "opportunity", "user_id": self.rep.id,
             "team_id": self.env.ref("sales_team.team_sales_department").id}
            for name in ("SCM Overdue Deal", "SCM Future Deal")
        ])
        for lead in leads:  # one by one, as salespeople win them
            lead.action_set_won()
        overdue = leads[0].followup_ids.filtered(lambda f: f.kind == "onboarding")
        overdue.date_due = date(2020, 1, 15)
        self.start_tour("/odoo/crm", "sales_cycle_mgmt_followup_lead_tour", login="scm_tour_rep")
        self.assertEqual(overdue.state, "done")
        self.assertFalse(overdue.activity_id.active)
        self.assertEqual(leads[0].next_followup_date, min(
            leads[0].followup_ids.filtered(lambda f: f.state == "planned").mapped("date_due")
        ))
