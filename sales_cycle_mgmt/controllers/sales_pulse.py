from werkzeug.urls import url_encode

from odoo import http
from odoo.addons.survey.controllers.main import Survey
from odoo.http import request


class SalesPulse(http.Controller):
    @http.route("/sales_pulse/<string:token>", type="http", auth="public", website=True, sitemap=False)
    def sales_pulse_start(self, token, **kwargs):
        """Personal link of an invitation: start (or resume) an anonymous answer
        of the round's survey and hand over to the stock survey pages."""
        invitation = request.env["sales.pulse.invitation"].sudo().search(
            [("access_token", "=", token)], limit=1
        )
        if not invitation:
            return request.render("sales_cycle_mgmt.sales_pulse_page", {
                "title": request.env._("Unknown link"),
                "message": request.env._(
                    "This survey link is not valid. Use the link of your latest invitation mail."
                ),
            }, status=404)
        if invitation.responded:
            return request.render("sales_cycle_mgmt.sales_pulse_page", {
                "title": request.env._("Already answered"),
                "message": request.env._("You have already answered this round. Thank you!"),
            })
        if invitation.round_id.state != "open":
            return request.render("sales_cycle_mgmt.sales_pulse_page", {
                "title": request.env._("This round is closed"),
                "message": request.env._(
                    "This round of the survey is closed: answers are no longer accepted."
                ),
            })
        answer = invitation._start_answer()
        survey = answer.survey_id.sudo()
        return request.redirect(
            f"/survey/start/{survey.access_token}?{url_encode({'answer_token': answer.access_token})}"
        )


class SurveyPulse(Survey):
    def _check_validity(self, survey_sudo, answer_sudo, answer_token, ensure_token=True, check_partner=True):
        # a pulse answer has no partner on purpose: any logged-in user holding its token may fill it
        if answer_sudo and answer_sudo.sales_pulse_round_id:
            check_partner = False
        return super()._check_validity(
            survey_sudo, answer_sudo, answer_token, ensure_token=ensure_token, check_partner=check_partner
        )
