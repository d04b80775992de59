from werkzeug.urls import url_encode

from odoo import http
from odoo.addons.survey.controllers.main import Survey
from odoo.http import request


class SalesPulse(http.Controller):
    def _pulse_page(self, title, message, status=200):
        return request.render("sales_cycle_mgmt.sales_pulse_page", {
            "title": title, "message": message,
        }, status=status)

    @http.route("/sales_pulse/<string:token>", type="http", auth="public", website=True, sitemap=False)
    def sales_pulse_start(self, token, **kwargs):
        """Personal link of an invitation: start (or resume, in the browser that
        started it) an anonymous answer of the round's survey and hand over to
        the stock survey pages."""
        invitation = request.env["sales.pulse.invitation"].sudo().search(
            [("access_token", "=", token)], limit=1
        )
        if not invitation:
            return self._pulse_page(request.env._("Unknown link"), request.env._(
                "This survey link is not valid. Use the link of your latest invitation mail."
            ), status=404)
        user = request.env.user
        if not user._is_public() and user != invitation.user_id:
            return self._pulse_page(request.env._("This link is someone else's"), request.env._(
                "This survey link was sent to another person: only they may answer with it."
            ), status=403)
        if invitation.responded:
            return self._pulse_page(request.env._("Already answered"), request.env._(
                "You have already answered this round. Thank you!"
            ))
        if invitation.round_id.state != "open":
            return self._pulse_page(request.env._("This round is closed"), request.env._(
                "This round of the survey is closed: answers are no longer accepted."
            ))
        survey = invitation.round_id.survey_id.sudo()
        answer = invitation._start_answer(
            resume_token=request.cookies.get(f"survey_{survey.access_token}")
        )
        return request.redirect(
            f"/survey/start/{survey.access_token}?{url_encode({'answer_token': answer.access_token})}"
        )


class SurveyPulse(Survey):
    """A pulse answer is reachable only to be filled in, by the token of its
    answer in progress; once submitted, no survey route finds it, and the print
    (review) and retry routes never take one."""

    def _fetch_from_access_token(self, survey_token, answer_token):
        survey_sudo, answer_sudo = super()._fetch_from_access_token(survey_token, answer_token)
        if answer_sudo.sales_pulse_round_id and answer_sudo.state == "done":
            answer_sudo = answer_sudo.browse()
        return survey_sudo, answer_sudo

    def _check_validity(self, survey_sudo, answer_sudo, answer_token, ensure_token=True, check_partner=True):
        # a pulse answer has no partner on purpose: any logged-in user holding its token may fill it
        if answer_sudo and answer_sudo.sales_pulse_round_id:
            check_partner = False
        return super()._check_validity(
            survey_sudo, answer_sudo, answer_token, ensure_token=ensure_token, check_partner=check_partner
        )

    def _is_pulse_answer(self, answer_token):
        return bool(answer_token) and bool(request.env["survey.user_input"].sudo().search_count([
            ("access_token", "=", answer_token), ("sales_pulse_round_id", "!=", False),
        ], limit=1))

    def _pulse_access_error(self):
        return request.render(
            "survey.survey_access_error", {"survey": request.env["survey.survey"]}, status=403
        )

    @http.route()
    def survey_print(self, survey_token, review=False, answer_token=None, **post):
        if self._is_pulse_answer(answer_token):
            return self._pulse_access_error()
        return super().survey_print(survey_token, review=review, answer_token=answer_token, **post)

    @http.route()
    def survey_retry(self, survey_token, answer_token, **post):
        if self._is_pulse_answer(answer_token):
            return self._pulse_access_error()
        return super().survey_retry(survey_token, answer_token, **post)
