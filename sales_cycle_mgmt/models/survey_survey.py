from odoo import models
from odoo.exceptions import ValidationError

from .sales_pulse_campaign import MAX_QUESTIONS


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    def _check_pulse_survey_size(self):
        """A pulse survey stays short: answered every few weeks, it must take a minute."""
        for survey in self:
            count = self.env["survey.question"].sudo().search_count(
                [("survey_id", "=", survey.id), ("is_page", "=", False)]
            )
            if count > MAX_QUESTIONS:
                raise ValidationError(self.env._(
                    "The survey %(survey)s has %(count)s questions: a pulse survey may have "
                    "%(max)s at most (sections do not count). Remove questions or choose "
                    "another survey.",
                    survey=survey.title, count=count, max=MAX_QUESTIONS,
                ))
