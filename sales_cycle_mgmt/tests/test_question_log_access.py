from odoo.tests import tagged

from .external_access_common import ExternalAccessCommon


@tagged("post_install", "-at_install")
class TestQuestionLogExternal(ExternalAccessCommon):
    def _log_by_id_error(self, question):
        """What any client can send: the log wizard with a question id of its
        choosing (then its button, were the wizard accepted)."""
        return self.call_kw_error(self.rep, "sales.customer.question.log", "create", [{
            "lead_id": self.lead.id, "question_id": question.id,
        }])

    def test_question_of_a_lead_i_cannot_see_is_refused(self):
        error = self._log_by_id_error(self.hidden_question)
        self.assertRefused(error)
        self.assertNotIn("SSO", error)
        self.env.invalidate_all()
        self.assertEqual(self.hidden_question.lead_ids, self.other_lead)
        self.assertEqual(self.hidden_question.ask_count, 1)
        self.assertFalse(self.lead.customer_question_ids)

    def test_question_of_another_company_is_refused(self):
        self.assertRefused(self._log_by_id_error(self.foreign_question))
        self.env.invalidate_all()
        self.assertFalse(self.foreign_question.lead_ids)
        self.assertEqual(self.foreign_question.ask_count, 0)
        self.assertFalse(self.lead.customer_question_ids)

    def test_typing_the_text_of_a_hidden_question_still_logs_it(self):
        """The web client's "Create" on the question: the salesperson knows the
        text, so the asking still goes to the one existing question."""
        question_id, name = self.call_kw(
            self.rep, "sales.customer.question", "name_create", ["do you support sso"],
        )
        self.assertEqual(name, "do you support sso", "the existing question's spelling is not shown")
        Log = "sales.customer.question.log"
        wizard_id = self.call_kw(self.rep, Log, "create", [{
            "lead_id": self.lead.id, "question_id": question_id,
        }])
        self.call_kw(self.rep, Log, "action_log", [[wizard_id]])
        self.env.invalidate_all()
        self.assertEqual(self.hidden_question.lead_ids, self.other_lead | self.lead)
        self.assertEqual(self.hidden_question.ask_count, 2)
        self.assertEqual(self.lead.customer_question_ids, self.hidden_question)
        key = "do you support sso"
        all_questions = self.Question.with_context(active_test=False)
        self.assertEqual(all_questions.search_count([("normalized_name", "=", key)]), 1, "no draft left")

    def test_question_linked_on_the_lead_directly_is_refused(self):
        status, body = self.json2(self.rep, "crm.lead", "write", {
            "ids": self.lead.ids, "vals": {"customer_question_ids": [[4, self.hidden_question.id]]},
        })
        self.assertEqual(status, 403, body)
        self.env.invalidate_all()
        self.assertFalse(self.lead.customer_question_ids)
        self.assertEqual(self.hidden_question.lead_ids, self.other_lead)

    def _link_through_json2(self, commands):
        """The salesperson edits their deal's questions through /json/2."""
        status, body = self.json2(self.rep, "crm.lead", "write", {
            "ids": self.lead.ids, "vals": {"customer_question_ids": commands},
        })
        self.assertEqual(status, 200, body)
        self.env.invalidate_all()

    def test_times_asked_counts_the_deals_however_the_question_was_linked(self):
        """Linked on the lead through the API (or an import) rather than the
        wizard, a question is asked on that deal all the same."""
        question = self.Question.create({"name": "Is there a mobile app?"})
        self._link_through_json2([[4, question.id]])
        self.assertEqual(question.lead_ids, self.lead)
        self.assertEqual(question.ask_count, 1)
        self.assertTrue(question.date_last_asked)
        # logged on the wrong deal and taken off it: no longer asked there
        self._link_through_json2([[3, question.id]])
        self.assertFalse(question.lead_ids)
        self.assertEqual(question.ask_count, 0)

    def test_a_question_linked_through_the_api_at_the_threshold_tells_the_content_owners(self):
        self.env["ir.config_parameter"].set_param("sales_cycle_mgmt.question_gap_threshold", 1)
        question = self.Question.create({"name": "Is there an offline mode?"})
        self.assertFalse(question.activity_ids)
        self._link_through_json2([[4, question.id]])
        self.assertTrue(question.gap_notified)
        self.assertEqual(question.activity_ids.activity_type_id,
                         self.env.ref("sales_cycle_mgmt.mail_activity_type_content_gap"))

    def test_a_question_just_asked_on_another_reps_deal_says_to_type_it_again(self):
        """Two salespeople log the same new question at once: the one who saves
        second picked it while nobody had asked it; it is now hidden to them."""
        Log = "sales.customer.question.log"
        question = self.Question.create({"name": "Can we pay yearly?"})
        found = self.call_kw(self.rep, "sales.customer.question", "web_name_search", [], {
            "name": "pay yearly", "specification": {"display_name": {}}, "limit": 8,
        })
        self.assertIn(question.id, [record["id"] for record in found])
        question._register_askings(self.other_lead)  # the other salesperson saves first
        error = self.call_kw_error(self.rep, Log, "web_save", [[], {
            "lead_id": self.lead.id, "question_id": question.id,
        }], {"specification": {}})
        self.assertRefused(error)
        self.assertIn("Type it again", error)
        self.assertNotIn(self.other_lead.name, error)
        # as told: typing the text logs it on the one question
        question_id, _name = self.call_kw(self.rep, "sales.customer.question", "name_create",
                                          ["can we pay yearly"])
        [wizard] = self.call_kw(self.rep, Log, "web_save", [[], {
            "lead_id": self.lead.id, "question_id": question_id,
        }], {"specification": {}})
        self.call_kw(self.rep, Log, "action_log", [[wizard["id"]]])
        self.env.invalidate_all()
        self.assertEqual(question.lead_ids, self.other_lead | self.lead)
        self.assertEqual(question.ask_count, 2)
