from odoo import api, fields, models
from odoo.exceptions import ValidationError

KINDS = [
    ("onboarding", "Onboarding"),
    ("check_in", "Check-in"),
    ("satisfaction", "Satisfaction (NPS)"),
    ("upsell", "Upsell"),
    ("renewal", "Renewal"),
]


class SalesFollowupPlanStep(models.Model):
    _name = "sales.followup.plan.step"
    _description = "After-sales Follow-up Step"
    _order = "plan_id, sequence, offset_days, id"

    plan_id = fields.Many2one("sales.followup.plan", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(KINDS, required=True, default="check_in")
    offset_days = fields.Integer(
        "Days after Win", required=True, default=7, help="When the follow-up is due, counted from the win."
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type", required=True, ondelete="restrict",
        default=lambda self: self.env.ref(
            "sales_cycle_mgmt.mail_activity_type_followup", raise_if_not_found=False
        ),
    )
    summary = fields.Char(translate=True, help="Summary of the activity; the step name when empty.")
    note = fields.Html(translate=True, help="Instructions given with the activity.")
    responsible = fields.Selection(
        [("salesperson", "Salesperson"), ("team_leader", "Team leader"), ("user", "A named user")],
        required=True, default="salesperson",
    )
    responsible_user_id = fields.Many2one("res.users", domain=[("share", "=", False)])
    survey_id = fields.Many2one(
        "survey.survey", "Customer Survey", ondelete="restrict",
        help="Sent to the customer when the follow-up is due; its 0-10 scale question "
        "is the Net Promoter answer.",
    )

    @api.constrains("offset_days")
    def _check_offset_days(self):
        for step in self:
            if step.offset_days < 0:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' cannot be due before the win: days after win must be "
                        "zero or more.", step=step.name,
                    )
                )

    @api.constrains("responsible", "responsible_user_id")
    def _check_responsible(self):
        for step in self:
            if step.responsible == "user" and not step.responsible_user_id:
                raise ValidationError(
                    self.env._("Step '%(step)s' needs the user who is responsible.", step=step.name)
                )

    @api.constrains("kind", "survey_id")
    def _check_survey(self):
        for step in self:
            if step.survey_id._pulse_campaigns():
                raise ValidationError(self.env._(
                    "Survey '%(survey)s' is the anonymous pulse survey of the sales team: no "
                    "after-sales step may send it or read its answers.",
                    survey=step.survey_id.title,
                ))
            if step.kind == "satisfaction" and step.survey_id and not step._nps_question():
                raise ValidationError(
                    self.env._(
                        "Survey '%(survey)s' has no 0-10 scale question: a satisfaction step "
                        "needs one for the Net Promoter answer.",
                        survey=step.survey_id.title,
                    )
                )

    def _nps_question(self):
        """The survey's first 0-10 scale question, the NPS answer."""
        self.ensure_one()
        return self.survey_id.question_ids.filtered(
            lambda q: q.question_type == "scale" and q.scale_min == 0 and q.scale_max == 10
        )[:1]
