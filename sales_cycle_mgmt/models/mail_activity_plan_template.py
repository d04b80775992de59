from odoo import api, fields, models
from odoo.exceptions import ValidationError

KINDS = [
    ("onboarding", "Onboarding"),
    ("check_in", "Check-in"),
    ("satisfaction", "Satisfaction (NPS)"),
    ("upsell", "Upsell"),
    ("renewal", "Renewal"),
]
LEAD_RESPONSIBLE_TYPES = ("salesperson", "team_leader")


class MailActivityPlanTemplate(models.Model):
    """An activity of an opportunity plan is also a step of the after-sales
    plan: its kind, the customer survey it sends and who does it. Its delay
    after the plan date is its delay after the win."""

    _inherit = "mail.activity.plan.template"

    kind = fields.Selection(
        KINDS, "Follow-up Kind", compute="_compute_kind", store=True, readonly=False,
        help="What the after-sales follow-up is for; only opportunity plans have one.",
    )
    survey_id = fields.Many2one(
        "survey.survey", "Customer Survey", ondelete="restrict", index="btree_not_null",
        help="Sent to the customer when a satisfaction follow-up is due; its 0-10 scale "
        "question is the Net Promoter answer.",
    )
    responsible_type = fields.Selection(
        selection_add=[("salesperson", "Salesperson"), ("team_leader", "Team leader")],
        ondelete={"salesperson": "set default", "team_leader": "set default"},
    )

    @api.depends("plan_id.res_model")
    def _compute_kind(self):
        for template in self:
            if template.plan_id.res_model != "crm.lead":
                template.kind = False
            elif not template.kind:
                template.kind = "check_in"

    @api.constrains("plan_id", "responsible_type")
    def _check_responsible_crm(self):
        for template in self.filtered(lambda t: t.plan_id.res_model != "crm.lead"):
            if template.responsible_type in LEAD_RESPONSIBLE_TYPES:
                raise ValidationError(self.env._(
                    "The salesperson and the team leader are responsible only for the "
                    "activities of opportunity plans; '%(activity)s' is not one.",
                    activity=template.summary or template.activity_type_id.name,
                ))

    @api.constrains("delay_count", "delay_from", "plan_id")
    def _check_after_sales_delay(self):
        for template in self.filtered(lambda t: t.plan_id._is_after_sales()):
            if template.delay_count < 0 or (
                template.delay_from == "before_plan_date" and template.delay_count
            ):
                raise ValidationError(self.env._(
                    "Activity '%(activity)s' of the after-sales plan '%(plan)s' cannot be due "
                    "before the win: set it zero or more days after the plan date.",
                    activity=template.summary or template.activity_type_id.name,
                    plan=template.plan_id.name,
                ))

    @api.constrains("kind", "survey_id")
    def _check_survey(self):
        for template in self:
            problem = template._survey_problem()
            if problem:
                raise ValidationError(problem)

    def _survey_problem(self):
        """Why the template may not send its survey, or False."""
        self.ensure_one()
        if not self.survey_id:
            return False
        if self.survey_id._pulse_campaigns():
            return self.env._(
                "Survey '%(survey)s' is the anonymous pulse survey of the sales team: no "
                "after-sales step may send it or read its answers.",
                survey=self.survey_id.title,
            )
        if self.kind == "satisfaction" and not self._nps_question():
            return self.env._(
                "Survey '%(survey)s' has no 0-10 scale question: a satisfaction step "
                "needs one for the Net Promoter answer.",
                survey=self.survey_id.title,
            )
        return False

    def _nps_question(self):
        """The survey's first 0-10 scale question, the NPS answer."""
        self.ensure_one()
        return self.survey_id.question_ids.filtered(
            lambda q: q.question_type == "scale" and q.scale_min == 0 and q.scale_max == 10
        )[:1]

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type not in LEAD_RESPONSIBLE_TYPES or applied_on_record._name != "crm.lead":
            return super()._determine_responsible(on_demand_responsible, applied_on_record)
        lead = applied_on_record
        if self.responsible_type == "team_leader":
            responsible = lead.team_id.user_id or lead.user_id
        else:
            responsible = lead.user_id or lead.team_id.user_id
        error = False
        if not responsible:
            error = self.env._(
                "%(lead)s has neither a salesperson nor a sales team leader to do '%(activity)s'.",
                lead=lead.display_name, activity=self.summary or self.activity_type_id.name,
            )
        return {"responsible": responsible, "error": error, "warning": False}
