from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase",
        index=True,
        ondelete="restrict",
        help="Lifecycle phase this pipeline stage belongs to.",
    )
