import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .http_common import ExternalApiCase
from .pulse_common import PulseCommon


@tagged("post_install", "-at_install")
class TestPulseAnonymityHttp(PulseCommon, ExternalApiCase):
    """Anonymity of pulse answers against users of Odoo's external interfaces and
    of the survey routes, each as the role that would try to break it."""

    def setUp(self):
        super().setUp()
        self.rep = self.reps_a[0]

    def _open_round(self):
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        return self.campaign.round_ids

    def _link(self, pulse_round, user):
        return f"/sales_pulse/{self._invitation(pulse_round, user).sudo().access_token}"

    def _close(self):
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()

    def _start(self, link):
        """Open a personal link: the answer token it hands over."""
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        return re.search(r"answer_token=([0-9a-f-]+)", response.headers["Location"]).group(1)

    def _submit(self, answer_token, scores):
        """Fill and submit an answer through the stock survey pages: the end page."""
        survey_token = self.survey.access_token
        page = self.url_open(f"/survey/start/{survey_token}?answer_token={answer_token}")
        csrf = re.search(r'csrf_token.+value="([a-f0-9]{40}o[0-9]*)"', page.text).group(1)
        self.url_open(f"/survey/begin/{survey_token}/{answer_token}", json={"params": {"lang_code": "en_US"}})
        post = {"csrf_token": csrf, "token": answer_token, "button_submit": "next",
                **{str(q.id): str(v) for q, v in scores.items()}}
        response = self.url_open(f"/survey/submit/{survey_token}/{answer_token}", json={"params": post})
        result = response.json()["result"][1]
        self.assertNotIn("error", result)
        return result["survey_content"]

    def assertNoSurveyShown(self, response, url):
        """Neither the survey form nor its printed answers: an error page."""
        self.assertNotIn("o_survey_form", response.text, url)
        self.assertNotIn("o_survey_print", response.text, url)

    def _scores(self, comment):
        scores = dict.fromkeys(self.survey.question_ids - self.q_comment, 3)
        scores.update({self.q_enps: 4, self.q_comment: comment})
        return scores

    def test_manager_who_opens_a_round_cannot_read_the_links(self):
        self.call_kw(self.manager, "sales.pulse.campaign", "action_open_round_now", [self.campaign.ids])
        pulse_round = self.campaign.round_ids
        self.assertEqual(len(pulse_round.invitation_ids), 7)
        mails = self.env["mail.mail"].search([("body_html", "like", "/sales_pulse/")])
        self.assertEqual(len(mails), 7, "the invitations are queued")
        domain = [("body", "ilike", "/sales_pulse/")]
        self.assertEqual(self.call_kw(self.manager, "mail.message", "search_read", [domain],
                                      {"fields": ["body"]}), [])
        self.assertEqual(set(mails.mapped("create_uid")), {self.env.ref("base.user_root")})
        status, found = self.json2(self.manager, "mail.message", "search_read",
                                   {"domain": domain, "fields": ["body"]})
        self.assertEqual((status, found), (200, []))
        error = self.call_kw_error(self.manager, "mail.mail", "search_read", [[]], {"fields": ["body_html"]})
        self.assertIn("AccessError", error)
        # a failed mail keeps its body: still not for the manager
        mails.write({"state": "exception"})
        self.assertEqual(self.call_kw(self.manager, "mail.message", "search_count", [domain]), 0)
        # each link goes to its invitee only
        own = mails.filtered(lambda m: self._link(pulse_round, self.rep) in m.body_html)
        self.assertEqual(own.recipient_ids, self.rep.partner_id)

    def test_someone_elses_link_is_refused_to_a_logged_in_user(self):
        pulse_round = self._open_round()
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open(self._link(pulse_round, self.rep), allow_redirects=False)
        self.assertEqual(response.status_code, 403)
        self.assertIn("someone else", response.text)
        self.assertFalse(self.env["survey.user_input"].sudo().search_count(
            [("sales_pulse_round_id", "=", pulse_round.id)]))

    def test_first_opener_of_a_link_never_sees_the_invitees_answer(self):
        pulse_round = self._open_round()
        link = self._link(pulse_round, self.rep)
        captured = self._start(link)  # someone holding the link, not logged in, opens it first
        self.authenticate(self.rep.login, self.rep.login)
        own = self._start(link)
        self.assertNotEqual(own, captured, "the invitee gets an answer of their own")
        survey_token = self.survey.access_token
        for url in (f"/survey/{survey_token}/{captured}", f"/survey/print/{survey_token}?answer_token={own}"):
            self.assertNoSurveyShown(self.url_open(url), url)
        self._submit(own, self._scores("Comment of the invitee only"))
        self.assertTrue(self._invitation(pulse_round, self.rep).responded)

        self.logout()
        for url in (
            f"/survey/print/{survey_token}?answer_token={own}",
            f"/survey/print/{survey_token}?answer_token={own}&review=True",
            f"/survey/print/{survey_token}?answer_token={captured}",
            f"/survey/{survey_token}/{own}",
            f"/survey/start/{survey_token}?answer_token={own}",
            f"/survey/retry/{survey_token}/{own}",
        ):
            response = self.url_open(url)
            self.assertNotIn("Comment of the invitee only", response.text, url)
            self.assertNoSurveyShown(response, url)
        self.assertEqual(self.env["survey.user_input"].sudo().search_count(
            [("survey_id", "=", self.survey.id)]), 1, "no answer was made by the routes")
        # a survey manager reading the results page does not see it either
        self.authenticate(self.survey_manager.login, self.survey_manager.login)
        results = self.url_open(f"/survey/results/{self.survey.id}")
        self.assertEqual(results.status_code, 200)
        self.assertNotIn("Comment of the invitee only", results.text)

    def test_end_page_offers_no_retake_and_retry_makes_no_answer(self):
        pulse_round = self._open_round()
        self.authenticate(self.rep.login, self.rep.login)
        end_page = self._submit(self._start(self._link(pulse_round, self.rep)), self._scores("Bye"))
        self.assertIn("Thank you", end_page)
        self.assertNotIn("/survey/retry/", end_page)
        self.assertNotIn("/survey/print/", end_page)
        answer = self.env["survey.user_input"].sudo().search([("sales_pulse_round_id", "=", pulse_round.id)])
        self.url_open(f"/survey/retry/{self.survey.access_token}/{answer.access_token}")
        self.assertEqual(
            self.env["survey.user_input"].sudo().search_count([("survey_id", "=", self.survey.id)]), 1,
            "Take Again made no answer in the employee's name",
        )

    def test_no_follow_up_may_point_at_the_pulse_survey_or_its_answers(self):
        pulse_round = self._open_round()
        answer = self._answer(pulse_round, self.rep, 3, comment="Private pulse comment")
        lead = self.env["crm.lead"].create({"name": "Pulse probe", "type": "opportunity"})
        plan = self.env["mail.activity.plan"].create({
            "name": "Probe plan", "res_model": "crm.lead",
            "template_ids": [(0, 0, {"summary": "Call", "kind": "check_in"})],
        })
        step_vals = {"plan_id": plan.id, "summary": "Check in", "kind": "check_in",
                     "survey_id": self.survey.id, "delay_count": 1, "delay_from": "after_plan_date"}
        error = self.call_kw_error(self.manager, "mail.activity.plan.template", "create", [step_vals])
        self.assertIn("pulse survey", error)
        followup_vals = {"name": "Probe", "lead_id": lead.id, "kind": "check_in", "date_due": "2026-03-10"}
        error = self.call_kw_error(self.manager, "sales.followup", "create",
                                   [{**followup_vals, "user_input_id": answer.id}])
        self.assertIn("never by hand", error)
        followup_id = self.call_kw(self.manager, "sales.followup", "create", [followup_vals])
        for vals in ({"user_input_id": answer.id}, {"nps_score": 10}):
            error = self.call_kw_error(self.manager, "sales.followup", "write", [[followup_id], vals])
            self.assertIn("never by hand", error)
        status, body = self.json2(self.manager, "sales.followup", "write",
                                  {"ids": [followup_id], "vals": {"user_input_id": answer.id}})
        self.assertEqual(status, 403, body)
        followup = self.env["sales.followup"].browse(followup_id)
        self.assertFalse(followup.user_input_id)
        # nor does code that would: the lead's chatter never gets the pulse answer
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            followup.write({"user_input_id": answer.id})
        self.assertNotIn("Private pulse comment", str(lead.message_ids.mapped("body")))

    def test_no_answer_joins_a_round_through_the_api(self):
        pulse_round = self._open_round()
        own = self.env["survey.user_input"].with_user(self.survey_manager).create({
            "survey_id": self.survey.id, "email": "tester@example.com",
        })
        for method, args in (
            ("create", [{"survey_id": self.survey.id, "sales_pulse_round_id": pulse_round.id}]),
            ("write", [own.ids, {"sales_pulse_round_id": pulse_round.id}]),
            ("write", [own.ids, {"sales_pulse_team_id": self.team_a.id}]),
        ):
            error = self.call_kw_error(self.survey_manager, "survey.user_input", method, args)
            self.assertIn("AccessError", error, method)
        self.assertFalse(self.env["survey.user_input"].sudo().search_count(
            [("sales_pulse_round_id", "=", pulse_round.id)]))

    def test_threshold_holds_for_each_question(self):
        pulse_round = self._open_round()
        # three answers; only one answers the eNPS question, two leave a comment
        for rep, comment in zip(self.reps_a[:3], ("First comment", "Second comment", None), strict=True):
            answer = self._invitation(pulse_round, rep).sudo()._start_answer()
            answer._save_lines(self.q_workload, "4")
            if rep == self.reps_a[0]:
                answer._save_lines(self.q_enps, "2")
            if comment:
                answer._save_lines(self.q_comment, comment)
            answer._mark_done()
        self._close()
        fields = ["enps", "promoter_count", "passive_count", "detractor_count", "comments", "answer_count"]
        [values] = self.call_kw(self.manager, "sales.pulse.round", "read", [pulse_round.ids, fields])
        self.assertEqual(
            [values[name] for name in fields], [False, 0, 0, 0, False, 3],
            "one eNPS answer and two comments are under the threshold of 3",
        )
        self.assertFalse(pulse_round.enps_visible)
        teams = self.call_kw(self.manager, "sales.pulse.round.team", "search_read",
                             [[("round_id", "=", pulse_round.id)]], {"fields": ["enps", "detractor_count"]})
        self.assertTrue(teams)
        self.assertEqual({(t["enps"], t["detractor_count"]) for t in teams}, {(False, 0)})
        rows = self.call_kw(self.manager, "sales.pulse.report", "search_read",
                            [[("round_id", "=", pulse_round.id)]], {"fields": ["enps", "detractor_count"]})
        self.assertEqual({(r["enps"], r["detractor_count"]) for r in rows}, {(False, False)})
        questions = {
            q["question_id"][0]: q for q in self.call_kw(
                self.manager, "sales.pulse.round.question", "search_read",
                [[("round_id", "=", pulse_round.id)]], {"fields": ["question_id", "average", "answer_count"]})
        }
        self.assertEqual(questions[self.q_workload.id]["average"], 4.0, "three answers: shown")
        self.assertEqual(questions[self.q_enps.id]["answer_count"], 1)
        self.assertFalse(questions[self.q_enps.id]["average"])

    def test_pulse_survey_settings_that_would_break_anonymity_are_refused(self):
        self._open_round()
        survey_id = [self.survey.id]
        for vals in (
            {"access_mode": "public"},
            {"is_attempts_limited": False},
            {"attempts_limit": 3},
            {"scoring_type": "scoring_with_answers"},
            {"scoring_type": "scoring_without_answers", "certification": True},
        ):
            error = self.call_kw_error(self.survey_manager, "survey.survey", "write", [survey_id, vals])
            self.assertIn("pulse campaign", error, vals)
        self.assertEqual(
            (self.survey.access_mode, self.survey.is_attempts_limited, self.survey.attempts_limit,
             self.survey.scoring_type, self.survey.certification),
            ("token", True, 1, "no_scoring", False),
        )
        if "generate_lead" in self.env["survey.question.answer"]._fields:  # survey_crm
            question = self.env["survey.question"].create({
                "survey_id": self.survey.id, "title": "Pick one", "question_type": "simple_choice",
                "suggested_answer_ids": [(0, 0, {"value": "Yes"}), (0, 0, {"value": "No"})],
            })
            error = self.call_kw_error(self.survey_manager, "survey.question.answer", "write",
                                       [question.suggested_answer_ids[:1].ids, {"generate_lead": True}])
            self.assertIn("creates a lead", error)
            self.assertFalse(question.suggested_answer_ids.filtered("generate_lead"))


@tagged("post_install", "-at_install")
class TestCompanyIsolationHttp(PulseCommon, ExternalApiCase):
    """A sales manager of another company reads no row of the first company's
    pulse rounds, one-on-ones or plans, whatever model they ask."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Pulse Company B"})
        cls.manager_b = mail_new_test_user(
            cls.env, login="pulse_manager_b", groups="sales_team.group_sale_manager,base.group_user",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.company_a = cls.env.company
        cls.campaign.company_id = cls.company_a
        cls.env["mail.activity.plan"].create({
            "name": "Company A plan", "res_model": "crm.lead", "company_id": cls.company_a.id,
            "template_ids": [(0, 0, {"summary": "Call", "kind": "check_in"})],
        })
        cls.env["sales.one.on.one"].create({
            "manager_id": cls.leader.id, "member_id": cls.reps_a[0].id, "first_date": "2030-01-07 09:00:00",
        })

    def test_every_company_row_is_hidden_from_another_companys_manager(self):
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        for rep in self.reps_a[:3]:
            self._answer(self.campaign.round_ids, rep, 9)
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        models = [
            "sales.pulse.campaign", "sales.pulse.round", "sales.pulse.invitation", "sales.pulse.round.team",
            "sales.pulse.round.question", "sales.pulse.report", "mail.activity.plan",
            "mail.activity.plan.template", "sales.one.on.one", "sales.one.on.one.session",
        ]
        for model in models:
            company_field = "plan_id.company_id" if model == "mail.activity.plan.template" else "company_id"
            ids = self.env[model].sudo().search([(company_field, "=", self.company_a.id)]).ids
            self.assertTrue(ids, f"{model}: nothing to hide")
            domain = [("id", "in", ids)]
            self.assertEqual(self.call_kw(self.manager_b, model, "search_count", [domain]), 0, model)
            status, count = self.json2(self.manager_b, model, "search_count", {"domain": domain})
            self.assertEqual((status, count), (200, 0), model)
            error = self.call_kw_error(self.manager_b, model, "read", [ids[:1], ["display_name"]])
            self.assertIn("AccessError", error, model)
        # the first company's own manager still reads them
        self.assertTrue(self.call_kw(self.manager, "sales.pulse.invitation", "search_count", [[]]))

    def test_every_model_with_a_company_has_a_company_rule(self):
        addon_models = self.env["ir.model.data"].search([
            ("module", "=", "sales_cycle_mgmt"), ("model", "=", "ir.model"),
        ]).mapped("res_id")
        rules = self.env["ir.rule"].sudo().search([("global", "=", True)])
        for ir_model in self.env["ir.model"].browse(addon_models):
            model = self.env[ir_model.model]
            field = model._fields.get("company_id")
            if model._transient or not field or not field.store:
                continue
            self.assertTrue(
                rules.filtered(lambda r, m=ir_model: r.model_id == m and "company_ids" in r.domain_force),
                f"{ir_model.model} has no multi-company rule",
            )
