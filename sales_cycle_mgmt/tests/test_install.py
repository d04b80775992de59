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

    def test_links_to_busy_stock_tables_are_indexed(self):
        """Deleting a row of a busy stock table (an activity done, a message,
        a lead) looks up every foreign key to it: without an index on the
        addon's side, each delete anywhere in Odoo scans the addon's table."""
        busy = ["mail_activity", "mail_message", "survey_user_input", "crm_lead"]
        tables = [
            model._table for model in self.env.registry.values()
            if model._original_module == "sales_cycle_mgmt" and model._auto and not model._transient
        ]
        self.env.cr.execute("""
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
               AND c.confrelid::regclass::text = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_index i
                                WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """, [tables, busy])
        self.assertEqual(self.env.cr.fetchall(), [])
        self.assertIn("sales_followup", tables)
