from odoo.tests import TransactionCase


class TestInstall(TransactionCase):
    def test_stock_stages_get_their_phase_on_install(self):
        expected = {
            "crm.stage_lead1": "prospecting",
            "crm.stage_lead2": "qualification",
            "crm.stage_lead3": "proposal",
            "crm.stage_lead4": "closing",
        }
        for stage_xmlid, code in expected.items():
            self.assertEqual(self.env.ref(stage_xmlid).cycle_phase_id.code, code, stage_xmlid)

    def test_seven_lifecycle_phases_in_order(self):
        phases = self.env["sales.cycle.phase"].search([])
        self.assertEqual(
            phases.mapped("code"),
            [
                "prospecting",
                "qualification",
                "needs_analysis",
                "proposal",
                "negotiation",
                "closing",
                "after_sales",
            ],
        )

    def test_addon_is_an_application_in_apps(self):
        module = self.env["ir.module.module"].search([("name", "=", "sales_cycle_mgmt")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(module.application, "the default 'Apps' filter lists applications")
        self.assertEqual(module.icon, "/sales_cycle_mgmt/static/description/icon.png")
