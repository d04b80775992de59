from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.value_checks import check_readable, check_readable_links


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
        self._check_links(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_links([vals])
        return super().write(vals)

    def _check_links(self, vals_list):
        check_readable_links(self, vals_list, ["lead_id"])
        # a question picked while nobody had asked it may have been logged on
        # another salesperson's deal since, which hides it: typing it logs it
        check_readable(self.env, self.question_id.browse(
            {vals["question_id"] for vals in vals_list if vals.get("question_id")}
        ), self.env._(
            "This question cannot be picked: it is asked on deals you cannot see (another "
            "salesperson may have just logged it on theirs). Type it again to log it on this "
            "opportunity."
        ))

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
