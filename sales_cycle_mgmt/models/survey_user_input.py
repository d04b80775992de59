from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    # A pulse answer belongs to a round and a team, never to a person (see sales.pulse.invitation).
    sales_pulse_round_id = fields.Many2one(
        "sales.pulse.round", "Pulse Round", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    sales_pulse_team_id = fields.Many2one("crm.team", "Pulse Team", readonly=True, ondelete="set null")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_pulse_link_untouched(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_pulse_link_untouched([vals])
        # The survey pages save pulse answers as the logged-in respondent:
        # write them as the superuser so that write_uid does not name them.
        if self.env.uid != SUPERUSER_ID and any(self.sudo().mapped("sales_pulse_round_id")):
            pulse = self.sudo().filtered("sales_pulse_round_id")
            vals = {k: v for k, v in vals.items() if k not in ("partner_id", "email", "nickname")}
            super(SurveyUserInput, pulse.with_user(SUPERUSER_ID)).write(vals)
            return super(SurveyUserInput, self - pulse).write(vals) if self - pulse else True
        return super().write(vals)

    def _check_pulse_link_untouched(self, vals_list):
        """Only a pulse invitation makes a pulse answer: no answer joins a round
        (and its results) through the API."""
        if not self.env.su and any(
            vals.get("sales_pulse_round_id") or vals.get("sales_pulse_team_id") for vals in vals_list
        ):
            raise AccessError(self.env._(
                "Pulse answers are made by the personal links of a pulse round only."
            ))

    def _mark_done(self):
        result = super()._mark_done()
        self.env["sales.followup"].sudo()._record_survey_answers(self)
        pulse = self.sudo().filtered("sales_pulse_round_id")
        if pulse:
            self.env["sales.pulse.invitation"].sudo()._record_answers(pulse)
            pulse.sales_pulse_round_id._scrub_answers(pulse)
        return result

    def _notify_new_participation_subscribers(self):
        # "X just participated" would be posted with the respondent as author
        return super(SurveyUserInput, self.sudo().filtered(lambda a: not a.sales_pulse_round_id)
                     .with_env(self.env))._notify_new_participation_subscribers()

    @api.model
    def _pulse_answer_ids(self, ids):
        return set(self.sudo().browse(ids).filtered("sales_pulse_round_id").ids)
