from odoo import api, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    @api.constrains("survey_id", "is_page", "question_type", "scale_min", "scale_max")
    def _check_pulse_campaigns(self):
        """Editing a survey a pulse campaign uses keeps it a pulse survey: ten
        questions at most, and its eNPS question a 0-10 scale."""
        campaigns = self.env["sales.pulse.campaign"].sudo().with_context(active_test=False).search(
            [("survey_id", "in", self.survey_id.ids)]
        )
        campaigns._check_survey()
