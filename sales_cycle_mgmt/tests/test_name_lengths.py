from odoo.tests import tagged

from .external_access_common import ExternalAccessCommon


@tagged("post_install", "-at_install")
class TestLengthsExternal(ExternalAccessCommon):
    def test_content_name_length(self):
        marketing = self.user_content_manager
        error = self.call_kw_error(marketing, "sales.content", "create", [{
            "name": "LONG" + "x" * 1_000_000, "content_type": "link", "url": "https://example.com/x",
        }])
        self.assertRefused(error, "ValidationError")
        self.assertFalse(self.Content.with_context(active_test=False).search([("name", "=like", "LONG%")]))
        error = self.call_kw_error(marketing, "sales.content", "write", [
            self.content_link.ids, {"name": "y" * 201},
        ])
        self.assertRefused(error, "ValidationError")
        self.env.invalidate_all()
        self.assertEqual(self.content_link.name, "Product tour")
        self.call_kw(marketing, "sales.content", "write", [self.content_link.ids, {"name": "y" * 200}])

    def test_customer_question_length(self):
        for method, args in (
            ("name_create", ["LONG " + "why " * 6000]),
            ("create", [{"name": "LONG " + "why " * 6000}]),
        ):
            with self.subTest(method=method):
                error = self.call_kw_error(self.rep, "sales.customer.question", method, args)
                self.assertRefused(error, "ValidationError")
        self.assertFalse(self.Question.with_context(active_test=False).search([("name", "=like", "LONG%")]))

    def test_campaign_name_length(self):
        manager = self.user_sales_manager
        campaign = self.env["sales.pulse.campaign"].create({
            "name": "Pulse",
            "survey_id": self.env.ref("sales_cycle_mgmt.survey_sales_pulse").id,
            "enps_question_id": self.env.ref("sales_cycle_mgmt.survey_sales_pulse_q_enps").id,
        })
        Campaign = "sales.pulse.campaign"
        error = self.call_kw_error(manager, Campaign, "write", [campaign.ids, {"name": "z" * 1_000_000}])
        self.assertRefused(error, "ValidationError")
        self.env.invalidate_all()
        self.assertEqual(campaign.name, "Pulse")
        error = self.call_kw_error(manager, Campaign, "copy", [campaign.ids, {"name": "z" * 201}])
        self.assertRefused(error, "ValidationError")
