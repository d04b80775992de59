from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestListHeaders(HttpCase):
    """The addon's lists, in Chromium at the test browser's size: no column
    header is cut short."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="scm_headers_manager", groups="sales_team.group_sale_manager",
        )
        rep = new_test_user(cls.env, login="scm_headers_rep", groups="sales_team.group_sale_salesman")
        team = cls.env.ref("sales_team.team_sales_department")
        leads = cls.env["crm.lead"].create([
            {"name": f"SCM Headers Deal {i}", "type": "opportunity", "user_id": rep.id, "team_id": team.id}
            for i in range(3)
        ])
        leads[0].action_set_won()
        cls.env["sales.customer.question"].create({"name": "Does it work offline?"})
        cls.env["sales.one.on.one"].create({
            "manager_id": cls.manager.id, "member_id": rep.id, "team_id": team.id,
        })

    def test_list_headers_read_in_full(self):
        for xmlid in (
            "sales_cycle_mgmt.crm_stage_action_playbooks",
            "sales_cycle_mgmt.sales_customer_question_action",
            "sales_cycle_mgmt.sales_followup_action",
            "sales_cycle_mgmt.sales_one_on_one_action",
        ):
            with self.subTest(action=xmlid):
                action = self.env.ref(xmlid)
                self.start_tour(f"/odoo/action-{action.id}?view_type=list",
                                "sales_cycle_mgmt_list_headers_tour", login=self.manager.login)

    def test_sales_velocity_headers_read_in_full(self):
        action = self.env.ref("sales_cycle_mgmt.sales_cycle_velocity_action")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_velocity_headers_tour",
                        login=self.manager.login)
