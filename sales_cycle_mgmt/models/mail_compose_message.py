from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """A composer opened by ``sales.content.action_share`` records the
        content's usage on the lead once the message is really posted; closing
        the composer or scheduling the message records nothing."""
        content_id = self.env.context.get("sales_content_share_id")
        sharing = self.filtered(
            lambda c: c.model == "crm.lead" and c.composition_mode == "comment"
        ) if content_id else self.browse()
        content = self.env["sales.content"].browse(content_id).exists() if sharing else None
        if content:
            content._check_shareable()
        result_mails_su, result_messages = super()._action_send_mail(auto_commit=auto_commit)
        if content:
            for composer in sharing:
                leads = self.env["crm.lead"].browse(composer._evaluate_res_ids())
                messages = result_messages.filtered(
                    lambda m, c=composer, ids=leads.ids: m.model == c.model and m.res_id in ids
                )
                content._record_usage(leads, "email", messages)
        return result_mails_su, result_messages
