import hashlib
import secrets

from odoo import SUPERUSER_ID, fields, models
from odoo.tools import SQL


def answer_hash(access_token):
    """One-way link from an invitation to the answer in progress (erased on submit)."""
    return hashlib.sha256(access_token.encode()).hexdigest()


class SalesPulseInvitation(models.Model):
    """Who was asked in a round and whether they answered; never what they answered.
    The personal link's token and the transient answer hash are readable by the
    system only, and are written in SQL so that no write date tells when someone
    opened or submitted the survey."""

    _name = "sales.pulse.invitation"
    _description = "Sales Pulse Invitation"
    _order = "round_id desc, id"
    _rec_name = "user_id"

    round_id = fields.Many2one(
        "sales.pulse.round", required=True, ondelete="cascade", index=True, readonly=True
    )
    campaign_id = fields.Many2one(related="round_id.campaign_id", store=True)
    company_id = fields.Many2one(related="round_id.company_id", store=True)
    round_state = fields.Selection(related="round_id.state", string="Round Status")
    user_id = fields.Many2one("res.users", "Invited", required=True, ondelete="cascade", readonly=True)
    team_id = fields.Many2one(
        "crm.team", "Sales Team", ondelete="set null", readonly=True,
        help="The team this person's answer is counted under, as of the round's opening.",
    )
    responded = fields.Boolean("Answered", readonly=True)
    access_token = fields.Char(
        default=lambda self: secrets.token_urlsafe(24), required=True, copy=False,
        readonly=True, groups="base.group_system",
    )
    answer_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")

    _round_user_unique = models.Constraint(
        "UNIQUE (round_id, user_id)", "A person is invited once per round.",
    )
    _access_token_unique = models.Constraint("UNIQUE (access_token)", "The link must be unique.")

    def _pulse_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/sales_pulse/{self.sudo().access_token}"

    def _send(self, template_xmlid):
        """Mail each invitation its personal link. The mail is attached to no
        record and is written by the system, from OdooBot: only its recipient and
        administrators may read a message that names no record, so neither the
        manager who opened the round nor whoever reads invitations sees the link,
        not even while the mail is queued or after it failed."""
        template = self.env.ref(template_xmlid).with_user(SUPERUSER_ID)
        author = self.env.ref("base.partner_root")
        for invitation in self.filtered(lambda i: i.user_id.email):
            template.send_mail(invitation.id, email_values={
                "model": False, "res_id": False, "author_id": author.id,
                "recipient_ids": [(6, 0, invitation.user_id.partner_id.ids)],
            })

    def _forget_answers(self):
        if self:
            self.env.cr.execute(SQL(
                "UPDATE sales_pulse_invitation SET answer_hash = NULL WHERE id = ANY(%s)", self.ids
            ))
            self.invalidate_recordset(["answer_hash"])

    def _start_answer(self, resume_token=None):
        """The survey answer of this invitation: the one in progress when
        ``resume_token`` is its token (the browser that started it comes back),
        else a new anonymous one (no partner, no email, created by the
        superuser) that replaces the one in progress. So whoever opens a link
        first never sees what its owner answers next."""
        self.ensure_one()
        UserInput = self.env["survey.user_input"].with_user(SUPERUSER_ID).with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True,
        )
        pulse_round = self.sudo().round_id
        known_hash = self.sudo().answer_hash
        if known_hash:
            in_progress = UserInput.search([
                ("sales_pulse_round_id", "=", pulse_round.id), ("state", "!=", "done"),
            ]).filtered(lambda a: answer_hash(a.access_token) == known_hash)
            if resume_token and answer_hash(resume_token) == known_hash and in_progress:
                return in_progress[:1]
            in_progress.unlink()
        answer = pulse_round.survey_id.with_user(SUPERUSER_ID)._create_answer(
            check_attempts=False,
            sales_pulse_round_id=pulse_round.id,
            sales_pulse_team_id=self.sudo().team_id.id or False,
        )
        self.env.cr.execute(SQL(
            "UPDATE sales_pulse_invitation SET answer_hash = %s WHERE id = %s",
            answer_hash(answer.access_token), self.id,
        ))
        self.invalidate_recordset(["answer_hash"])
        return answer

    def _record_answers(self, answers):
        """Submitted pulse answers: their invitations are answered, the hash erased."""
        hashes = [answer_hash(a.access_token) for a in answers if a.sales_pulse_round_id]
        if hashes:
            self.env.cr.execute(SQL(
                """UPDATE sales_pulse_invitation SET responded = TRUE, answer_hash = NULL
                    WHERE answer_hash = ANY(%s)""", hashes,
            ))
            self.invalidate_model(["responded", "answer_hash"])
