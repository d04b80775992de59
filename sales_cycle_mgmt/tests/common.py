from odoo.addons.crm.tests.common import TestCrmCommon
from odoo.tests import new_test_user


class SalesCycleCommon(TestCrmCommon):
    """Stock crm fixtures (teams, stages, users) plus the addon's phases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.phase_prospecting = ref("sales_cycle_mgmt.phase_prospecting")
        cls.phase_qualification = ref("sales_cycle_mgmt.phase_qualification")
        cls.phase_proposal = ref("sales_cycle_mgmt.phase_proposal")
        cls.phase_negotiation = ref("sales_cycle_mgmt.phase_negotiation")
        cls.phase_closing = ref("sales_cycle_mgmt.phase_closing")
        cls.user_rep = new_test_user(
            cls.env,
            login="scm_rep",
            name="Rita Rep",
            groups="sales_team.group_sale_salesman",
            email="rita.rep@example.com",
        )
