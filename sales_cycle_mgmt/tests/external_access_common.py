from .content_common import SalesContentCommon
from .http_common import ExternalApiCase


class ExternalAccessCommon(ExternalApiCase, SalesContentCommon):
    """The content fixtures, called through the external API, plus what
    others own: another salesperson's opportunity with a question asked on it,
    another company with its own content and question."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = cls.user_sales_salesman
        cls.other_lead = cls._create_opportunities(1, user=cls.user_sales_leads)
        cls.other_lead.name = "Secret deal of another rep"
        cls.hidden_question = cls.Question.create({"name": "Do you support SSO?"})
        cls.hidden_question._register_askings(cls.other_lead)
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.foreign_question = cls.Question.create({
            "name": "Is there a reseller nearby?", "company_id": cls.other_company.id,
        })
        cls.foreign_content = cls.Content.create({
            "name": "Other company price list",
            "content_type": "link",
            "url": "https://example.com/prices",
            "company_id": cls.other_company.id,
        })

    def assertRefused(self, error, kind="AccessError"):
        self.assertIn(kind, error)
        self.assertNotIn("psycopg2", error)
