import base64

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .content_common import SalesContentCommon


@tagged("post_install", "-at_install")
class TestSalesContentLibrary(SalesContentCommon):
    def test_link_must_be_http_or_https(self):
        for url in ("javascript:alert(document.cookie)", " javascript:alert(1)", "ftp://example.com/x",
                    "data:text/html,<script>x</script>", "//example.com", "https://"):
            with self.subTest(url=url), self.assertRaisesRegex(ValidationError, "must be a web address"):
                self.Content.create({"name": "Bad", "content_type": "link", "url": url})
        with self.assertRaisesRegex(ValidationError, "must be a web address"):
            self.content_link.url = "javascript:alert(1)"
        ok = self.Content.create({"name": "Ok", "content_type": "link", "url": "HTTP://example.com/a"})
        self.assertEqual(ok.url, "HTTP://example.com/a")

    def test_each_type_needs_its_payload(self):
        with self.assertRaisesRegex(ValidationError, "needs its web address"):
            self.Content.create({"name": "No URL", "content_type": "link"})
        with self.assertRaisesRegex(ValidationError, "Document 'No file' has no file"):
            self.Content.create({"name": "No file", "content_type": "document"})
        with self.assertRaisesRegex(ValidationError, "Article 'Empty' has no body"):
            self.Content.create({"name": "Empty", "content_type": "article", "body": "<p><br></p>"})
        with self.assertRaisesRegex(ValidationError, "Choose the email template"):
            self.Content.create({"name": "No template", "content_type": "mail_template"})
        with self.assertRaisesRegex(ValidationError, "has no file"):
            self.content_doc.document_file = False

    def test_versions_are_one_level_deep(self):
        version = self.Content.create({
            "name": "Tur produk", "content_type": "link", "url": "https://example.com/id",
            "original_id": self.content_link.id,
        })
        with self.assertRaisesRegex(ValidationError, "only be a version of an original"):
            self.Content.create({
                "name": "Version of a version", "content_type": "link",
                "url": "https://example.com/x", "original_id": version.id,
            })
        with self.assertRaisesRegex(ValidationError, "only be a version of an original"):
            self.content_link.original_id = self.content_link
        with self.assertRaisesRegex(ValidationError, "has versions of its own"):
            self.content_link.original_id = self.content_doc

    def test_stage_lists_its_content(self):
        self.assertEqual(self.stage_team1_1.content_ids, self.content_link)
        self.stage_team1_1.content_ids = [(4, self.content_article.id)]
        self.assertIn(self.stage_team1_1, self.content_article.stage_ids)

    def test_access_per_role(self):
        vals = {"name": "Rep content", "content_type": "link", "url": "https://example.com"}
        rep_content = self.Content.with_user(self.user_sales_salesman)
        self.assertEqual(rep_content.browse(self.content_link.id).name, "Product tour")
        with self.assertRaises(AccessError):
            rep_content.create(vals)
        with self.assertRaises(AccessError):
            self.content_link.with_user(self.user_sales_salesman).name = "Renamed"
        with self.assertRaises(AccessError):
            self.env["sales.content.tag"].with_user(self.user_sales_salesman).create({"name": "Rep tag"})
        # marketing and sales managers (who imply the group) keep the library
        self.assertTrue(self.user_sales_manager.has_group("sales_cycle_mgmt.group_sales_content_manager"))
        self.assertFalse(self.user_sales_salesman.has_group("sales_cycle_mgmt.group_sales_content_manager"))
        for user in (self.user_content_manager, self.user_sales_manager):
            content = self.Content.with_user(user).create(vals)
            content.name = "Edited"
            self.env["sales.content.tag"].with_user(user).create({"name": f"Tag {user.login}"})


@tagged("post_install", "-at_install")
class TestSuggestedContent(SalesContentCommon):
    def test_stage_content_first_then_phase(self):
        lead = self.lead.with_user(self.user_sales_salesman)
        self.assertEqual(lead.suggested_content_ids.ids, [self.content_link.id, self.content_doc.id])
        lead.stage_id = self.stage_team1_2
        self.assertEqual(lead.suggested_content_ids.ids, [self.content_template.id, self.content_article.id])
        self.content_article.stage_ids = [(4, self.stage_team1_2.id)]
        self.content_article.sequence = 1
        lead.invalidate_recordset(["suggested_content_ids"])
        self.assertEqual(
            lead.suggested_content_ids.ids, [self.content_article.id, self.content_template.id],
            "content of the stage itself comes first, in library order",
        )
        self.content_article.active = False
        lead.invalidate_recordset(["suggested_content_ids"])
        self.assertEqual(lead.suggested_content_ids, self.content_template)

    def test_version_in_the_customers_language(self):
        indonesian = self.env["res.lang"]._activate_lang("id_ID")
        english = self.env.ref("base.lang_en")
        self.content_link.lang_id = english
        version = self.Content.create({
            "name": "Tur produk", "content_type": "link", "url": "https://example.com/id",
            "original_id": self.content_link.id, "lang_id": indonesian.id,
        })
        self.assertFalse(self.lead.lang_id)
        self.assertEqual(self.lead.suggested_content_ids, self.content_link | self.content_doc,
                         "no language: the original")
        self.lead.lang_id = indonesian
        self.assertEqual(
            self.lead.suggested_content_ids.ids, [version.id, self.content_doc.id],
            "one version per content: the customer's language replaces the original",
        )
        version.active = False
        self.lead.invalidate_recordset(["suggested_content_ids"])
        self.assertEqual(self.lead.suggested_content_ids, self.content_link | self.content_doc)

    def test_suggestions_cost_the_same_for_many_leads(self):
        version = self.Content.create({
            "name": "Tur produk", "content_type": "link", "url": "https://example.com/id",
            "original_id": self.content_link.id,
        })
        self.assertTrue(version)

        def queries(leads):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            leads.mapped("suggested_content_ids.name")
            return self.env.cr.sql_log_count - before

        few = self._create_opportunities(2) | self._create_opportunities(1, stage=self.stage_team1_2)
        many = self._create_opportunities(20) | self._create_opportunities(10, stage=self.stage_team1_2)
        self.env.flush_all()
        self.assertGreater(queries(few), 0)
        self.assertEqual(queries(many), queries(few))

    def test_no_stage_no_suggestion(self):
        lead = self.env["crm.lead"].new({"name": "No stage"})
        lead.stage_id = False
        self.assertFalse(lead.suggested_content_ids)


@tagged("post_install", "-at_install")
class TestShareContent(SalesContentCommon):
    def _composer(self, content, lead=None, user=None):
        user = user or self.user_sales_salesman
        action = content.with_user(user).with_context(
            sales_content_lead_id=(lead or self.lead).id
        ).action_share()
        self.assertEqual(action["res_model"], "mail.compose.message")
        return self.env["mail.compose.message"].with_user(user).with_context(**action["context"]).create({})

    def test_share_link_writes_usage_when_sent(self):
        composer = self._composer(self.content_link)
        self.assertEqual(composer.composition_mode, "comment")
        self.assertEqual(composer.model, "crm.lead")
        self.assertIn('href="https://example.com/tour?a=1&amp;b=2"', composer.body)
        self.assertEqual(composer.subject, "Product tour")
        self.assertEqual(composer.partner_ids.email, "amy.customer@example.com",
                         "the lead's email becomes the recipient, as the chatter does")
        self.assertFalse(self.lead.content_usage_ids, "opening the composer records nothing")
        with self.mock_mail_gateway():
            composer.action_send_mail()
        usage = self.lead.content_usage_ids
        self.assertEqual(len(usage), 1)
        self.assertRecordValues(usage, [{
            "content_id": self.content_link.id,
            "stage_id": self.stage_team1_1.id,
            "cycle_phase_id": self.phase_prospecting.id,
            "user_id": self.user_sales_salesman.id,
            "channel": "email",
            "team_id": self.sales_team_1.id,
        }])
        self.assertEqual(usage.message_id.model, "crm.lead")
        self.assertEqual(usage.message_id.res_id, self.lead.id)
        self.assertIn("example.com/tour", usage.message_id.body)
        # later stage changes do not rewrite history
        self.lead.stage_id = self.stage_team1_2
        self.assertEqual(usage.stage_id, self.stage_team1_1)

    def test_share_document_attaches_the_file(self):
        composer = self._composer(self.content_doc)
        self.assertEqual(composer.attachment_ids.name, "whitepaper.pdf")
        self.assertEqual(base64.b64decode(composer.attachment_ids.datas), b"%PDF-1.4 whitepaper")
        with self.mock_mail_gateway():
            composer.action_send_mail()
        usage = self.lead.content_usage_ids
        self.assertEqual(usage.content_id, self.content_doc)
        self.assertEqual(usage.message_id.attachment_ids.name, "whitepaper.pdf")

    def test_share_template_uses_it(self):
        self.lead.partner_id = self.contact_1
        composer = self._composer(self.content_template)
        self.assertEqual(composer.template_id, self.template)
        self.assertEqual(composer.subject, f"Case study for {self.lead.name}")
        with self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertEqual(self.lead.content_usage_ids.content_id, self.content_template)

    def test_share_article_prefills_its_body(self):
        composer = self._composer(self.content_article)
        self.assertIn("Three reasons customers switch.", composer.body)

    def test_ordinary_composer_records_nothing(self):
        composer = self.env["mail.compose.message"].with_context(
            default_model="crm.lead", default_res_ids=self.lead.ids, default_composition_mode="comment",
        ).create({"body": "<p>Hello</p>"})
        with self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertFalse(self.Usage.search([("lead_id", "=", self.lead.id)]))

    def test_archived_content_cannot_be_shared(self):
        composer = self._composer(self.content_link)
        self.content_link.active = False
        with self.assertRaisesRegex(UserError, "archived: it can no longer be"), self.mock_mail_gateway():
            composer.action_send_mail()
        self.assertFalse(self.lead.content_usage_ids)
        self.assertFalse(self.lead.message_ids.filtered(lambda m: "example.com/tour" in (m.body or "")),
                         "nothing half-written: no message either")
        with self.assertRaisesRegex(UserError, "archived"):
            self._composer(self.content_link)
        with self.assertRaisesRegex(UserError, "archived"):
            self.content_link.with_user(self.user_sales_salesman).with_context(
                sales_content_lead_id=self.lead.id
            ).action_mark_used()

    def test_lead_without_email_is_refused(self):
        lead = self._create_opportunities(1)
        self.assertFalse(lead.email_from)
        with self.assertRaisesRegex(UserError, "has no email address"):
            self._composer(self.content_link, lead=lead)
        lead.partner_id = self.env["res.partner"].create({"name": "No Mail Ltd"})
        with self.assertRaisesRegex(UserError, "has no email address"):
            self._composer(self.content_template, lead=lead)
        self.assertFalse(lead.content_usage_ids)

    def test_used_in_a_meeting(self):
        self.content_doc.with_user(self.user_sales_salesman).with_context(
            sales_content_lead_id=self.lead.id
        ).action_mark_used()
        self.assertRecordValues(self.lead.content_usage_ids, [{
            "content_id": self.content_doc.id, "channel": "meeting", "stage_id": self.stage_team1_1.id,
            "message_id": False,
        }])
        self.assertIn("Used content Security whitepaper in a meeting", self.lead.message_ids[0].body)

    def test_salesperson_cannot_use_content_on_leads_of_others(self):
        other = self._create_opportunities(1, user=self.user_sales_leads, email_from="x@example.com")
        content = self.content_link.with_user(self.user_sales_salesman).with_context(
            sales_content_lead_id=other.id
        )
        with self.assertRaises(AccessError):
            content.action_mark_used()
        with self.assertRaises(AccessError):
            content.action_share()

    def test_usage_rows_follow_lead_visibility(self):
        other = self._create_opportunities(1, user=self.user_sales_leads, email_from="x@example.com")
        self.content_link._record_usage(self.lead | other, "meeting")
        Usage = self.Usage.with_user(self.user_sales_salesman)
        self.assertEqual(Usage.search([]).lead_id, self.lead)
        self.assertEqual(self.Usage.with_user(self.user_sales_leads).search([]).lead_id, self.lead | other)
        with self.assertRaises(AccessError):
            Usage.create({"content_id": self.content_link.id, "lead_id": other.id, "channel": "meeting"})
        with self.assertRaises(AccessError):
            Usage.search([]).write({"channel": "email"})
        with self.assertRaises(AccessError):
            Usage.search([]).unlink()

    def test_used_content_cannot_be_deleted(self):
        self.content_link._record_usage(self.lead, "meeting")
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.content_link.unlink()
        self.content_link.active = False
        self.assertTrue(self.lead.content_usage_ids, "archiving keeps the history")
