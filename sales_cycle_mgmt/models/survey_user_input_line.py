from odoo import SUPERUSER_ID, api, models


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    @api.model_create_multi
    def create(self, vals_list):
        # lines of pulse answers are created by the superuser: create_uid names nobody
        if self.env.uid != SUPERUSER_ID and self.env["survey.user_input"]._pulse_answer_ids(
            [vals.get("user_input_id") for vals in vals_list if vals.get("user_input_id")]
        ):
            lines = super(SurveyUserInputLine, self.with_user(SUPERUSER_ID)).create(vals_list)
            return lines.with_env(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.uid != SUPERUSER_ID and self.env["survey.user_input"]._pulse_answer_ids(
            self.sudo().user_input_id.ids
        ):
            return super(SurveyUserInputLine, self.with_user(SUPERUSER_ID)).write(vals)
        return super().write(vals)
