from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivityPlan(models.Model):
    """Opportunity plans double as after-sales plans: the plan of a sales team
    (or the default one) turns each deal the team wins into dated follow-ups."""

    _inherit = "mail.activity.plan"

    team_id = fields.Many2one(
        "crm.team", "After-sales for Team", index="btree_not_null", ondelete="set null",
        check_company=True,
        help="Deals won by this team turn into follow-ups from this plan. Empty with "
        "'Default After-sales Plan' set: the plan of every team without one of its own.",
    )
    is_followup_default = fields.Boolean(
        "Default After-sales Plan",
        help="Used for deals won by a team that has no after-sales plan of its own.",
    )

    _team_unique = models.UniqueIndex(
        "(team_id) WHERE active AND team_id IS NOT NULL",
        "A sales team has one after-sales plan.",
    )

    def _is_after_sales(self):
        self.ensure_one()
        return bool(self.team_id or self.is_followup_default)

    @api.constrains("team_id", "is_followup_default", "res_model", "active", "template_ids")
    def _check_after_sales(self):
        for plan in self.filtered(lambda p: p._is_after_sales()):
            if plan.res_model != "crm.lead":
                raise ValidationError(self.env._(
                    "Plan '%(plan)s' applies to %(model)s: only plans for opportunities can be "
                    "after-sales plans.", plan=plan.name, model=plan.res_model_id.name,
                ))
            if plan.active and not plan.template_ids:
                raise ValidationError(self.env._(
                    "After-sales plan '%(plan)s' needs at least one activity.", plan=plan.name
                ))
        self.template_ids._check_after_sales_delay()

    @api.constrains("is_followup_default", "company_id", "active")
    def _check_one_default(self):
        for plan in self.filtered(lambda p: p.is_followup_default and p.active):
            others = self.search_count([
                ("id", "!=", plan.id), ("is_followup_default", "=", True),
                ("company_id", "=", plan.company_id.id),
            ])
            if others:
                raise ValidationError(
                    self.env._("There can be only one default after-sales plan per company.")
                )

    @api.model
    def _plans_for_leads(self, leads):
        """{lead: plan}: the active after-sales plan of the lead's team, else the
        default of its company, else the shared default; leads without any get none."""
        plans = self.search_fetch([
            ("res_model", "=", "crm.lead"),
            "|", ("team_id", "!=", False), ("is_followup_default", "=", True),
        ], ["team_id", "company_id", "is_followup_default"])
        by_team = {plan.team_id: plan for plan in plans if plan.team_id}
        defaults = {plan.company_id: plan for plan in plans if plan.is_followup_default and not plan.team_id}
        result = {}
        for lead in leads:
            plan = (
                by_team.get(lead.team_id)
                or defaults.get(lead.company_id)
                or defaults.get(self.env["res.company"])
            )
            if plan:
                result[lead] = plan
        return result
