from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SalesFollowupPlan(models.Model):
    _name = "sales.followup.plan"
    _description = "After-sales Follow-up Plan"
    _order = "is_default desc, name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by all companies.")
    team_id = fields.Many2one(
        "crm.team", index=True, ondelete="cascade",
        help="Deals won by this team follow this plan. Empty with 'Default' set: the "
        "plan of every team without one of its own.",
    )
    is_default = fields.Boolean(
        "Default", help="Used for deals won by a team that has no plan of its own."
    )
    step_ids = fields.One2many("sales.followup.plan.step", "plan_id", "Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")

    _team_unique = models.UniqueIndex(
        "(team_id) WHERE active AND team_id IS NOT NULL", "A sales team has one follow-up plan."
    )

    @api.depends("step_ids")
    def _compute_step_count(self):
        for plan in self:
            plan.step_count = len(plan.step_ids)

    @api.constrains("step_ids", "active")
    def _check_steps(self):
        for plan in self:
            if plan.active and not plan.step_ids:
                raise ValidationError(
                    self.env._("Follow-up plan '%(plan)s' needs at least one step.", plan=plan.name)
                )

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for plan in self.filtered(lambda p: p.is_default and p.active):
            others = self.search_count([
                ("id", "!=", plan.id), ("is_default", "=", True),
                ("company_id", "=", plan.company_id.id),
            ])
            if others:
                raise ValidationError(
                    self.env._("There can be only one default follow-up plan per company.")
                )

    @api.model
    def _plans_for_leads(self, leads):
        """{lead: plan}: the active plan of the lead's team, else the default of
        its company, else the shared default; leads without any get none."""
        plans = self.search([("active", "=", True)])
        by_team = {plan.team_id: plan for plan in plans if plan.team_id}
        defaults = {plan.company_id: plan for plan in plans if plan.is_default and not plan.team_id}
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
