from odoo import api, fields, models


class SalesCycleChecklistItem(models.Model):
    _name = "sales.cycle.checklist.item"
    _description = "Stage Exit Criterion"
    _order = "stage_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    stage_id = fields.Many2one("crm.stage", required=True, index=True, ondelete="cascade")
    required = fields.Boolean(
        default=True,
        help="With the stage's exit gate on, a lead cannot move forward until this is ticked.",
    )
    description = fields.Text(translate=True, help="How to tell this criterion is met.")

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.stage_id._check_checklist_gate()
        return items

    def write(self, vals):
        stages = self.stage_id
        res = super().write(vals)
        (stages | self.stage_id)._check_checklist_gate()
        return res

    def unlink(self):
        stages = self.stage_id
        res = super().unlink()
        stages.exists()._check_checklist_gate()
        return res
