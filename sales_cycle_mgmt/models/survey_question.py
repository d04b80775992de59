from odoo import api, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    @api.constrains("survey_id", "is_page")
    def _check_pulse_survey_size(self):
        """Questions added to a survey a pulse campaign uses keep it within ten questions."""
        surveys = self.survey_id
        used = self.env["sales.pulse.campaign"].sudo().with_context(active_test=False).search(
            [("survey_id", "in", surveys.ids)]
        ).survey_id
        used._check_pulse_survey_size()
