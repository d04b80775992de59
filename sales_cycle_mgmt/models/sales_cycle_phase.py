from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Stock crm stages and the phase each starts in (post_init_hook, see hooks.py).
DEFAULT_STAGE_PHASES = {
    "crm.stage_lead1": "sales_cycle_mgmt.phase_prospecting",
    "crm.stage_lead2": "sales_cycle_mgmt.phase_qualification",
    "crm.stage_lead3": "sales_cycle_mgmt.phase_proposal",
    "crm.stage_lead4": "sales_cycle_mgmt.phase_closing",
}


class SalesCyclePhase(models.Model):
    _name = "sales.cycle.phase"
    _description = "Sales Cycle Phase"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical key used by reports and imports, e.g. 'proposal'.",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _code_unique = models.Constraint("UNIQUE(code)", "A phase code must be unique.")

    @api.constrains("code")
    def _check_code(self):
        for phase in self:
            if not phase.code.replace("_", "").isalnum() or phase.code != phase.code.lower():
                raise ValidationError(
                    self.env._(
                        "Phase code '%(code)s' may only hold lower-case letters, digits "
                        "and underscores.",
                        code=phase.code,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_by_stages(self):
        # stages keep their phase; uninstalling the addon lets them go (the
        # foreign key sets them empty)
        stages = self.env["crm.stage"].search([("cycle_phase_id", "in", self.ids)])
        if stages:
            raise UserError(self.env._(
                "These stages are in the phases to delete: %(stages)s. Give them another "
                "phase first, or archive the phase.",
                stages=", ".join(stages.mapped("name")),
            ))

    @api.model
    def _assign_default_stage_phases(self):
        """Map stock stages to phases, leaving stages a user already mapped alone."""
        for stage_xmlid, phase_xmlid in DEFAULT_STAGE_PHASES.items():
            stage = self.env.ref(stage_xmlid, raise_if_not_found=False)
            phase = self.env.ref(phase_xmlid, raise_if_not_found=False)
            if stage and phase and "cycle_phase_id" in stage._fields and not stage.cycle_phase_id:
                stage.cycle_phase_id = phase
