import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.tests import HttpCase, tagged

from .pulse_common import PulseCommon


@tagged("post_install", "-at_install")
class TestPulseLink(PulseCommon, HttpCase):
    """The personal link, then the stock survey pages, as the logged-in salesperson."""

    def setUp(self):
        super().setUp()
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        self.round = self.campaign.round_ids
        self.rep = self.reps_a[0]
        self.invitation = self._invitation(self.round, self.rep)
        self.url = f"/sales_pulse/{self.invitation.sudo().access_token}"

    def _submit_through_the_survey_pages(self, start_url, scores):
        response = self.url_open(start_url)  # follows /survey/start/... to the survey page
        self.assertEqual(response.status_code, 200)
        answer_token = re.search(r"answer_token=([0-9a-f-]+)", start_url).group(1)
        csrf = re.search(r'csrf_token.+value="([a-f0-9]{40}o[0-9]*)"', response.text).group(1)
        base = self.survey.get_base_url()
        response = self.url_open(f"{base}/survey/begin/{self.survey.access_token}/{answer_token}",
                                 json={"params": {"lang_code": "en_US"}})
        self.assertEqual(response.status_code, 200)
        post = {"csrf_token": csrf, "token": answer_token, "button_submit": "next",
                **{str(q.id): str(v) for q, v in scores.items()}}
        response = self.url_open(f"{base}/survey/submit/{self.survey.access_token}/{answer_token}",
                                 json={"params": post})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json().get("result", [{}, {}])[1])
        return answer_token

    def test_link_answer_as_logged_in_salesperson(self):
        self.authenticate(self.rep.login, self.rep.login)
        response = self.url_open(self.url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        start_url = response.headers["Location"]
        self.assertIn(f"/survey/start/{self.survey.access_token}?answer_token=", start_url)
        self.assertTrue(self.invitation.sudo().answer_hash)
        scores = {self.q_enps: 9, self.q_workload: 4}
        for question in self.survey.question_ids - self.q_enps - self.q_workload - self.q_comment:
            scores[question] = 3
        answer_token = self._submit_through_the_survey_pages(start_url, scores)

        self.env.invalidate_all()
        answer = self.env["survey.user_input"].sudo().search([("sales_pulse_round_id", "=", self.round.id)])
        self.assertEqual(answer.state, "done")
        self.assertNotEqual(answer.access_token, answer_token, "the token used to answer is dead")
        self.assertFalse(answer.partner_id or answer.email)
        self.assertEqual(answer.sales_pulse_round_id, self.round)
        self.assertTrue(self.invitation.responded)
        self.assertFalse(self.invitation.sudo().answer_hash)
        self.env.cr.execute(
            """SELECT create_uid, write_uid FROM survey_user_input WHERE id = %s
               UNION SELECT create_uid, write_uid FROM survey_user_input_line WHERE user_input_id = %s""",
            [answer.id, answer.id],
        )
        self.assertEqual(set(self.env.cr.fetchall()), {(SUPERUSER_ID, SUPERUSER_ID)})
        self.assertFalse(self.env["mail.message"].sudo().search_count([
            ("model", "=", "survey.user_input"), ("res_id", "=", answer.id),
        ]))

        # second use of the same link
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Already answered", response.text)
        self.assertEqual(self.env["survey.user_input"].sudo().search_count(
            [("sales_pulse_round_id", "=", self.round.id)]), 1)

    def test_invitees_answering_at_the_same_time_are_all_counted(self):
        """Three invitees open their links, then submit one after the other:
        an answer submitted while others are in progress does not use up
        their one attempt (pulse answers name nobody)."""
        reps = self.reps_a[:3]
        started = {}
        for rep in reps:
            self.authenticate(rep.login, rep.login)
            link = f"/sales_pulse/{self._invitation(self.round, rep).sudo().access_token}"
            response = self.url_open(link, allow_redirects=False)
            self.assertEqual(response.status_code, 303, rep.login)
            started[rep] = response.headers["Location"]
        scores = {q: 7 if q == self.q_enps else 3 for q in self.survey.question_ids - self.q_comment}
        for rep in reps:
            self.authenticate(rep.login, rep.login)
            self._submit_through_the_survey_pages(started[rep], scores)
        self.env.invalidate_all()
        self.assertEqual(self.round.invitation_ids.filtered("responded").user_id, reps)
        self.assertEqual(self.env["survey.user_input"].sudo().search_count(
            [("sales_pulse_round_id", "=", self.round.id), ("state", "=", "done")]), 3)

    def test_survey_results_page_does_not_show_pulse_answers(self):
        self._answer(self.round, self.rep, 2, comment="Pulse comment nobody may read")
        # a plain answer of the same survey does show: the page works, pulse answers are left out
        plain = self.survey._create_answer(email="plain@example.com", check_attempts=False)
        plain._save_lines(self.q_comment, "Plain comment anyone may read")
        plain._mark_done()
        self.authenticate(self.survey_manager.login, self.survey_manager.login)
        response = self.url_open(f"/survey/results/{self.survey.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.q_comment.title, response.text)
        self.assertIn("Plain comment anyone may read", response.text)
        self.assertNotIn("Pulse comment nobody may read", response.text)

    def test_unknown_link(self):
        response = self.url_open("/sales_pulse/not-a-token")
        self.assertEqual(response.status_code, 404)
        self.assertIn("Unknown link", response.text)

    def test_closed_round_link(self):
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        self.assertEqual(self.round.state, "closed")
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("This round is closed", response.text)
        self.assertFalse(self.env["survey.user_input"].sudo().search_count(
            [("sales_pulse_round_id", "=", self.round.id)]))

    def test_public_visitor_with_the_link_can_answer(self):
        response = self.url_open(self.url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        scores = {q: 5 if q == self.q_enps else 3 for q in self.survey.question_ids - self.q_comment}
        self._submit_through_the_survey_pages(response.headers["Location"], scores)
        self.assertTrue(self.invitation.responded)
