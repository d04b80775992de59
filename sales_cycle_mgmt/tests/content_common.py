import base64

from odoo.tests import new_test_user

from .common import SalesCycleCommon


class SalesContentCommon(SalesCycleCommon):
    """A small content library on sales_team_1's stages, a content manager
    (marketing) and a salesperson's opportunity with a customer email."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Content = cls.env["sales.content"]
        cls.Question = cls.env["sales.customer.question"]
        cls.Usage = cls.env["sales.content.usage"]
        # the library is this one alone, also on a database with demo content
        cls.Content.search([]).action_archive()
        cls.user_content_manager = new_test_user(
            cls.env, login="scm_content_manager", name="Marketing Mia",
            groups="sales_cycle_mgmt.group_sales_content_manager,sales_team.group_sale_salesman_all_leads",
        )
        cls.content_link = cls.Content.create({
            "name": "Product tour",
            "content_type": "link",
            "url": "https://example.com/tour?a=1&b=2",
            "stage_ids": [(4, cls.stage_team1_1.id)],
            "user_id": cls.user_content_manager.id,
        })
        cls.content_doc = cls.Content.create({
            "name": "Security whitepaper",
            "content_type": "document",
            "document_file": base64.b64encode(b"%PDF-1.4 whitepaper"),
            "document_filename": "whitepaper.pdf",
            "phase_ids": [(4, cls.phase_prospecting.id)],
            "user_id": cls.user_content_manager.id,
        })
        cls.template = cls.env["mail.template"].create({
            "name": "Case study",
            "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "subject": "Case study for {{ object.name }}",
            "body_html": "<p>Hello, here is how others did it.</p>",
            "use_default_to": True,
        })
        cls.content_template = cls.Content.create({
            "name": "Case study mail",
            "content_type": "mail_template",
            "mail_template_id": cls.template.id,
            "stage_ids": [(4, cls.stage_team1_2.id)],
        })
        cls.content_article = cls.Content.create({
            "name": "Why switch",
            "content_type": "article",
            "body": "<p>Three reasons customers switch.</p>",
            "phase_ids": [(4, cls.phase_proposal.id)],
        })
        cls.lead = cls._create_opportunities(
            1, email_from="Amy Customer <amy.customer@example.com>"
        )
        cls.lead.name = "Content opportunity"
