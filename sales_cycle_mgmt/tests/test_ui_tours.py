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
        cls.lead = cls.env["crm.lead"].create({
            "name": "SCM Tour Opportunity",
            "type": "opportunity",
            "user_id": cls.rep.id,
            "team_id": cls.env.ref("sales_team.team_sales_department").id,
            "stage_id": cls.env.ref("crm.stage_lead1").id,
        })

    def test_salesperson_opens_pipeline_and_lead_form(self):
        self.start_tour("/odoo/crm", "sales_cycle_mgmt_pipeline_tour", login="scm_tour_rep")
