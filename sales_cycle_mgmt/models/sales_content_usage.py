from odoo import api, fields, models

from .value_checks import check_readable_links

LINKS = ("content_id", "lead_id", "message_id")


class SalesContentUsage(models.Model):
    """One row each time a salesperson put a content in front of a customer:
    sent by email from the lead, or used in a meeting. Written by
    ``sales.content._record_usage``; read by the effectiveness report."""

    _name = "sales.content.usage"
    _description = "Sales Content Usage"
    _order = "date desc, id desc"
    _rec_name = "content_id"

    content_id = fields.Many2one(
        "sales.content", required=True, index=True, ondelete="cascade", readonly=True
    )
    content_type = fields.Selection(related="content_id.content_type")
    lead_id = fields.Many2one(
        "crm.lead", "Opportunity", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Customer")
    stage_id = fields.Many2one(
        "crm.stage", "Stage at the Time", index=True, ondelete="set null", readonly=True
    )
    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase", index=True, ondelete="set null", readonly=True
    )
    team_id = fields.Many2one("crm.team", "Sales Team", ondelete="set null", readonly=True)
    user_id = fields.Many2one(
        "res.users", "Used by", index=True, ondelete="set null", readonly=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one("res.company", index=True, ondelete="set null", readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    channel = fields.Selection(
        [("email", "Email"), ("meeting", "Meeting")], required=True, readonly=True
    )
    message_id = fields.Many2one("mail.message", ondelete="set null", readonly=True,
                                 index="btree_not_null")

    _lead_stage_idx = models.Index("(lead_id, stage_id)")

    @api.model_create_multi
    def create(self, vals_list):
        check_readable_links(self, vals_list, LINKS)
        # the lead's situation at the time of use, frozen on the row
        leads = self.env["crm.lead"].browse([vals["lead_id"] for vals in vals_list if vals.get("lead_id")])
        leads.fetch(["stage_id", "cycle_phase_id", "team_id", "company_id"])
        for vals in vals_list:
            lead = self.env["crm.lead"].browse(vals.get("lead_id"))
            vals.setdefault("stage_id", lead.stage_id.id)
            vals.setdefault("cycle_phase_id", lead.stage_id.cycle_phase_id.id)
            vals.setdefault("team_id", lead.team_id.id)
            vals.setdefault("company_id", lead.company_id.id)
        return super().create(vals_list)
