from odoo import api, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    @api.constrains(lambda self: ["generate_lead"] if "generate_lead" in self._fields else [])
    def _check_pulse_settings(self):
        """survey_crm's lead-creating answers have no place in a pulse survey."""
        self.question_id.survey_id._pulse_campaigns().survey_id._check_pulse_survey_settings()
