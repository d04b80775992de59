from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.value_checks import check_readable_links

LINKS = ("lead_id", "question_id")


class SalesCustomerQuestionLog(models.TransientModel):
    """From the lead: pick the question the customer asked (search as you
    type) or type a new one; an existing question is reused, never repeated."""

    _name = "sales.customer.question.log"
    _description = "Log a Customer Question"

    lead_id = fields.Many2one("crm.lead", "Opportunity", required=True, ondelete="cascade")
    question_id = fields.Many2one(
        "sales.customer.question", ondelete="cascade",
        help="Start typing: pick the question if it is listed, else create it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_readable_links(self, vals_list, LINKS)
        return super().create(vals_list)

    def write(self, vals):
        check_readable_links(self, [vals], LINKS)
        return super().write(vals)

    def action_log(self):
        self.ensure_one()
        if not self.question_id:
            raise UserError(self.env._("Pick or type the question the customer asked."))
        lead = self.lead_id
        lead.check_access("write")
        # the question may exist under another spelling, or be asked on leads
        # this salesperson cannot see (name_create then gave an archived draft
        # of the typed text): log on the existing one, as superuser
        question = self.question_id.sudo()
        existing = question._find_existing(question.name, lead.company_id)
        if existing and existing != question:
            draft = question if not question.active and not question.lead_ids else question.browse()
            question = existing.sudo()
            self.sudo().question_id = question
            draft.unlink()
        if question._register_askings(lead):
            lead.message_post(
                body=Markup("%s <i>%s</i>") % (
                    self.env._("Customer question logged:"), question.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {"type": "ir.actions.act_window_close"}
