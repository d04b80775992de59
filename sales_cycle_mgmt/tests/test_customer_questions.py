from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..cycle_math import is_web_url, normalize_question
from .content_common import SalesContentCommon

GAP = "sales_cycle_mgmt.mail_activity_type_content_gap"


@tagged("post_install", "-at_install")
class TestContentHelpers(SalesContentCommon):
    def test_normalize_question(self):
        self.assertEqual(
            normalize_question("  Does it   integrate with SAP?? "),
            normalize_question("does it integrate, with sap"),
        )
        full_width = "\uff26\uff55\uff4c\uff4c\u3000width_ok?"
        self.assertEqual(normalize_question(full_width), "full width ok")
        self.assertEqual(normalize_question("?!..."), "")
        self.assertEqual(normalize_question(None), "")

    def test_is_web_url(self):
        self.assertTrue(is_web_url("https://example.com/a?b=1#c"))
        self.assertTrue(is_web_url("HTTP://example.com"))
        for url in ("javascript:alert(1)", "JavaScript://example.com/%0Aalert(1)", "http://exa mple.com",
                    "http://\texample.com", "mailto:a@b.c", "http://[::1", "", None, "example.com"):
            with self.subTest(url=url):
                self.assertFalse(is_web_url(url))


@tagged("post_install", "-at_install")
class TestCustomerQuestions(SalesContentCommon):
    def _log(self, text_or_question, lead=None, user=None):
        user = user or self.user_sales_salesman
        lead = (lead or self.lead).with_user(user)
        action = lead.action_log_customer_question()
        self.assertEqual(action["res_model"], "sales.customer.question.log")
        Log = self.env["sales.customer.question.log"].with_user(user)
        wizard = Form(Log.with_context(**action["context"]))
        if isinstance(text_or_question, str):
            # what the many2one's "Create ..." does when the user types a new question
            question_id, _name = self.Question.with_user(user).name_create(text_or_question)
            wizard.question_id = self.Question.browse(question_id)
        else:
            wizard.question_id = text_or_question
        log = wizard.save()
        log.action_log()
        # the question logged on: the one the customer asked, whatever its spelling
        return self.Question.browse(log.question_id.id)

    def test_log_creates_then_reuses_the_question(self):
        question = self._log("Does it integrate with SAP?")
        self.assertRecordValues(question, [{
            "name": "Does it integrate with SAP?", "ask_count": 1, "is_answered": False,
            "phase_id": self.phase_prospecting.id,
        }])
        self.assertEqual(question.lead_ids, self.lead)
        self.assertEqual(self.lead.customer_question_ids, question)
        self.assertIn("Customer question logged", self.lead.message_ids[0].body)
        # the same question, typed differently, on another lead: merged, not repeated
        other = self._create_opportunities(1)
        again = self._log("  does it integrate with sap ", lead=other)
        self.assertEqual(again, question)
        self.assertEqual(question.ask_count, 2)
        self.assertEqual(question.lead_ids, self.lead | other)
        key = "does it integrate with sap"
        self.assertEqual(self.Question.search_count([("normalized_name", "=", key)]), 1)

    def test_logging_twice_on_the_same_lead_counts_once(self):
        question = self._log("Is there a free trial for a pilot team?")
        self._log(question)
        self._log("is there a FREE trial for a pilot team")
        self.assertEqual(question.ask_count, 1)
        self.assertEqual(question.lead_ids, self.lead)
        self.assertEqual(
            len(self.lead.message_ids.filtered(lambda m: "Customer question logged" in (m.body or ""))), 1
        )

    def test_a_deleted_opportunity_no_longer_counts_a_lost_one_does(self):
        leads = self._create_opportunities(3)
        question = self.Question.create({"name": "Do you offer a discount for NGOs?"})
        question._register_askings(leads)
        leads[0].unlink()
        leads[1].action_set_lost()
        self.env.flush_all()
        self.assertEqual(question.ask_count, 2)
        self.assertEqual(question.lead_ids, leads[1:])

    def test_winning_losing_or_archiving_a_deal_reads_none_of_its_questions(self):
        leads = self._create_opportunities(3)
        question = self.Question.create({"name": "Can we start with one team?"})
        question._register_askings(leads)
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        with self.env.cr._enable_logging(), self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            leads[0].action_set_won()
            leads[1].action_set_lost()
            leads[2].action_archive()
            leads[2].action_unarchive()
            self.env.flush_all()
            self.env.cr.precommit.run()
        queries = [line for line in logs.output if "sales_customer_question_lead_rel" in line]
        self.assertEqual(queries, [], "a deal's status does not change how often its questions were asked")
        self.assertEqual(leads.mapped("won_status"), ["won", "lost", "pending"])
        self.assertEqual(question.ask_count, 3)

    def test_a_duplicate_cannot_be_created_directly(self):
        self.Question.create({"name": "Can we pay monthly by direct debit?"})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.Question.create({"name": "can we pay monthly by direct debit"})
        with self.assertRaisesRegex(ValidationError, "in words"):
            self.Question.create({"name": "???"})

    def test_typing_a_question_finds_it_in_the_company_it_would_be_created_in(self):
        """name_create looks for the question where the new one would go (the
        unique key's company), so a question of that company is picked, not
        refused as a duplicate."""
        other = self.env["res.company"].create({"name": "Twin Questions Ltd"})
        existing = self.Question.create({"name": "Is there a free trial?", "company_id": other.id})
        picked, _name = self.Question.with_context(default_company_id=other.id).name_create(
            "is there a free trial")
        self.assertEqual(picked, existing.id)
        self.assertEqual(self.Question.search_count([("normalized_name", "=", existing.normalized_name),
                                                     ("active", "in", (True, False))]), 1)

    def test_question_of_a_lead_i_cannot_see(self):
        other = self._create_opportunities(1, user=self.user_sales_leads)
        hidden = self._log("Do you support SSO?", lead=other, user=self.user_sales_leads)
        Question = self.Question.with_user(self.user_sales_salesman)
        self.assertFalse(Question.search([("id", "=", hidden.id)]), "asked only on a lead I cannot see")
        # typing it again finds it anyway: one question, now also mine
        logged = self._log("do you support sso", lead=self.lead)
        self.assertEqual(logged, hidden)
        self.assertEqual(hidden.ask_count, 2)
        self.assertEqual(Question.search([("id", "=", hidden.id)]), hidden)
        # a question asked on no lead yet is visible to all salespeople
        open_question = self.Question.create({"name": "What about training?"})
        self.assertEqual(Question.search([("id", "=", open_question.id)]), open_question)

    def test_salesperson_cannot_log_on_leads_of_others(self):
        other = self._create_opportunities(1, user=self.user_sales_leads)
        question = self.Question.create({"name": "Is support 24/7?"})
        with self.assertRaises(AccessError):
            self.env["sales.customer.question.log"].with_user(self.user_sales_salesman).create({
                "lead_id": other.id, "question_id": question.id,
            }).action_log()
        self.assertFalse(question.lead_ids)

    def test_content_manager_sees_questions_of_the_leads_they_see(self):
        marketing = self.user_content_manager.copy({"login": "scm_content_own", "name": "Own Docs Olga"})
        marketing.group_ids = self.env.ref("sales_cycle_mgmt.group_sales_content_manager")
        self.assertFalse(marketing.has_group("sales_team.group_sale_salesman_all_leads"))
        mine = self._log("Is onboarding included?")
        unasked = self.Question.create({"name": "Is there a mobile app?"})
        Question = self.Question.with_user(marketing)
        self.assertEqual(Question.search([("id", "in", (mine | unasked).ids)]), unasked)
        Question.browse(unasked.id).content_ids = [(4, self.content_doc.id)]
        self.assertTrue(unasked.is_answered)

    def test_salesperson_cannot_edit_questions(self):
        question = self.Question.create({"name": "Is support 24/7?"})
        with self.assertRaises(AccessError):
            question.with_user(self.user_sales_salesman).content_ids = [(4, self.content_link.id)]
        question.with_user(self.user_content_manager).content_ids = [(4, self.content_link.id)]
        self.assertTrue(question.is_answered)

    def test_unanswered_and_most_asked_first(self):
        leads = self._create_opportunities(3)
        once = self.Question.create({"name": "Asked once"})
        thrice = self.Question.create({"name": "Asked three times"})
        answered = self.Question.create({"name": "Answered", "content_ids": [(4, self.content_doc.id)]})
        once._register_askings(leads[:1])
        thrice._register_askings(leads)
        answered._register_askings(leads)
        found = self.Question.search([("id", "in", (once | thrice | answered).ids)])
        self.assertEqual(found.ids, [thrice.id, once.id, answered.id])

    def test_linking_content_marks_answered_from_either_side(self):
        q1 = self.Question.create({"name": "How secure is it?"})
        q2 = self.Question.create({"name": "Where is the data?"})
        q1.content_ids = [(4, self.content_doc.id)]
        self.assertTrue(q1.is_answered)
        self.content_link.question_ids = [(4, q2.id)]
        self.assertTrue(q2.is_answered)
        self.content_link.active = False
        self.assertFalse(q2.is_answered, "archived content answers nothing")

    def test_content_gap_activity_at_the_threshold(self):
        self.env["ir.config_parameter"].set_param("sales_cycle_mgmt.question_gap_threshold", 2)
        leads = self._create_opportunities(3)
        question = self._log("Can it run on premise?", lead=leads[0])
        self.assertFalse(question.activity_ids)
        self._log("can it run on-premise", lead=leads[1])
        activity = question.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref(GAP))
        self.assertEqual(activity.user_id, self.user_content_manager,
                         "the owners of the content of the question's phase")
        self.assertTrue(question.gap_notified)
        self._log(question, lead=leads[2])
        self.assertEqual(len(question.activity_ids), 1, "one activity per gap, not per asking")
        # writing the answer closes it
        question.with_user(self.user_content_manager).content_ids = [(4, self.content_link.id)]
        self.assertFalse(question.activity_ids)
        self.assertIn("Answered by linked content", question.message_ids[0].body)

    def test_gap_without_phase_content_goes_to_every_owner(self):
        self.env["ir.config_parameter"].set_param("sales_cycle_mgmt.question_gap_threshold", 1)
        self.content_article.user_id = self.user_sales_manager
        lead = self._create_opportunities(1, stage=self.stage_team1_won)
        question = self._log("Who do we call for support?", lead=lead)
        self.assertEqual(question.phase_id, self.phase_closing)
        self.assertEqual(question.activity_ids.user_id, self.user_content_manager | self.user_sales_manager)

    def test_gap_threshold_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.sales_content_question_gap_threshold, 3)
        with self.assertRaisesRegex(ValidationError, "at least one asking"):
            self.env["res.config.settings"].create({"sales_content_question_gap_threshold": 0})
        self.env["res.config.settings"].create({"sales_content_question_gap_threshold": 5}).execute()
        self.assertEqual(self.Question._gap_threshold(), 5)

    def test_merge_questions(self):
        leads = self._create_opportunities(3)
        a = self.Question.create({"name": "Is it GDPR compliant?"})
        b = self.Question.create({"name": "GDPR?", "content_ids": [(4, self.content_doc.id)]})
        a._register_askings(leads[:2])
        b._register_askings(leads[1:])
        with self.assertRaisesRegex(UserError, "at least two"):
            a.with_user(self.user_content_manager).action_merge()
        with self.assertRaises(AccessError):
            (a | b).with_user(self.user_sales_salesman).action_merge()
        action = (a | b).with_user(self.user_content_manager).action_merge()
        self.assertEqual(action["res_id"], a.id)
        self.assertFalse(b.exists())
        # the lead that asked both asked the question once
        self.assertRecordValues(a, [{"ask_count": 3, "is_answered": True}])
        self.assertEqual(a.lead_ids, leads)
        self.assertEqual(a.content_ids, self.content_doc)
        self.assertIn("GDPR?", a.message_ids[0].body)
