from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        result = super()._mark_done()
        self.env["sales.followup"].sudo()._record_survey_answers(self)
        return result
