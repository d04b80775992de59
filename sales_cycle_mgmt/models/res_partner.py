from odoo import api, fields, models

from .sales_followup import NPS_BUCKETS


class ResPartner(models.Model):
    _inherit = "res.partner"

    nps_last_score = fields.Integer("Last NPS Answer", readonly=True, copy=False)
    nps_last_bucket = fields.Selection(NPS_BUCKETS, "NPS Category", readonly=True, copy=False)
    nps_last_date = fields.Datetime("Last NPS Date", readonly=True, copy=False)
    followup_ids = fields.One2many("sales.followup", "partner_id", "After-sales Follow-ups")
    followup_open_count = fields.Integer("Open Follow-ups", compute="_compute_followup_open_count")

    @api.depends("followup_ids.state")
    def _compute_followup_open_count(self):
        counts = dict(self.env["sales.followup"]._read_group(
            [("partner_id", "in", self.ids), ("state", "=", "planned")], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.followup_open_count = counts.get(partner._origin, 0)

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_cycle_mgmt.sales_followup_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_filter_planned": 1}
        return action
