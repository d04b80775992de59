from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a follow-up's activity done marks the follow-up done, with
        the feedback as its outcome."""
        followups = self.env["sales.followup"]
        if not self.env.context.get("sales_followup_syncing"):
            followups = followups.sudo().search(
                [("activity_id", "in", self.ids), ("state", "=", "planned")]
            )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if followups:
            followups._mark_done(feedback)
        return result
