from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestContentTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env, login="scm_content_rep", name="Content Rep",
            groups="sales_team.group_sale_salesman",
        )
        stage = cls.env.ref("crm.stage_lead1")
        cls.brochure = cls.env["sales.content"].create({
            "name": "SCM Tour Brochure",
            "content_type": "link",
            "url": "https://example.com/brochure",
            "stage_ids": [(4, stage.id)],
            "sequence": 50,
        })
        cls.article = cls.env["sales.content"].create({
            "name": "SCM Phase Article",
            "content_type": "article",
            "body": "<p>Why customers switch.</p>",
            "phase_ids": [(4, stage.cycle_phase_id.id)],
            "sequence": 1,
        })
        cls.lead = cls.env["crm.lead"].create({
            "name": "SCM Content Opportunity",
            "type": "opportunity",
            "user_id": cls.rep.id,
            "team_id": cls.env.ref("sales_team.team_sales_department").id,
            "stage_id": stage.id,
            "partner_id": cls.env["res.partner"].create({
                "name": "Tour Customer", "email": "tour.customer@example.com",
            }).id,
        })

    def test_salesperson_shares_stage_content_and_logs_a_question(self):
        self.start_tour("/odoo/crm", "sales_cycle_mgmt_content_tour", login="scm_content_rep")
        usage = self.lead.content_usage_ids
        self.assertEqual(usage.content_id, self.brochure)
        self.assertEqual((usage.channel, usage.user_id), ("email", self.rep))
        self.assertIn("example.com/brochure", usage.message_id.body)
        question = self.lead.customer_question_ids
        self.assertEqual(question.name, "Does it work offline?")
        self.assertEqual(question.ask_count, 1)
