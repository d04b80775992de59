from odoo import api, models
from odoo.exceptions import ValidationError

from .sales_pulse_campaign import MAX_QUESTIONS

# the settings a pulse survey keeps, or its answers would reach people or records
PULSE_SETTINGS = {
    "access_mode": "token",
    "is_attempts_limited": True,
    "attempts_limit": 1,
    "certification": False,
    "scoring_type": "no_scoring",
}


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    def _pulse_campaigns(self):
        return self.env["sales.pulse.campaign"].sudo().with_context(active_test=False).search(
            [("survey_id", "in", self.ids)]
        )

    @api.constrains(lambda self: list(PULSE_SETTINGS))
    def _check_pulse_settings(self):
        for survey in self._pulse_campaigns().survey_id:
            survey._check_pulse_survey_settings()

    def _check_pulse_survey_settings(self):
        """A pulse survey stays anonymous: answered by personal link only, once,
        with no score, certificate or lead made from the answers."""
        labels = {
            "access_mode": self.env._("access mode: invited people only"),
            "is_attempts_limited": self.env._("limited number of attempts: on, one attempt"),
            "attempts_limit": self.env._("limited number of attempts: on, one attempt"),
            "certification": self.env._("certification: off"),
            "scoring_type": self.env._("scoring: no scoring"),
        }
        # survey_crm (installed with crm and survey) makes a lead of an answer that
        # picks a lead-creating suggested answer, with the answers in its description
        answer_makes_lead = "generate_lead" in self.env["survey.question.answer"]._fields
        for survey in self:
            wrong = [labels[name] for name, value in PULSE_SETTINGS.items() if survey[name] != value]
            if answer_makes_lead and any(
                survey.question_and_page_ids.suggested_answer_ids.mapped("generate_lead")
            ):
                wrong.append(self.env._("no suggested answer that creates a lead"))
            if wrong:
                raise ValidationError(self.env._(
                    "The survey %(survey)s is used by a pulse campaign, whose answers must stay "
                    "anonymous: it needs %(settings)s.",
                    survey=survey.title, settings=", ".join(dict.fromkeys(wrong)),
                ))

    def _has_attempts_left(self, partner, email, invite_token):
        # A pulse answer names nobody, so stock would count every anonymous
        # answer of the survey as the same person's attempt and refuse all but
        # the first respondent; each invitation is answered once instead
        # (sales.pulse.invitation: its answer in progress, then responded).
        if not (partner or email or invite_token) and self._pulse_campaigns():
            return True
        return super()._has_attempts_left(partner, email, invite_token)

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
