from markupsafe import Markup
from psycopg2.errors import UniqueViolation

from odoo import Command, api, fields, models
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.tools import mute_logger

from ..cycle_math import normalize_question
from .res_config_settings import get_setting
from .value_checks import check_lengths

GAP_ACTIVITY = "sales_cycle_mgmt.mail_activity_type_content_gap"
# a question is a sentence; even in 4-byte characters it fits an index entry
NAME_LIMITS = {"name": 500}


class SalesCustomerQuestion(models.Model):
    """A question or doubt customers raise, the leads where it was raised, and
    the content that answers it (none: a content gap for marketing)."""

    _name = "sales.customer.question"
    _description = "Customer Question"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "is_answered, ask_count desc, id desc"

    name = fields.Char("Question", required=True, tracking=True)
    normalized_name = fields.Char(
        compute="_compute_normalized_name", store=True, index=True,
        help="The question without case, punctuation and extra spaces: two questions "
        "with the same key are the same question.",
    )
    active = fields.Boolean(default=True)
    phase_id = fields.Many2one(
        "sales.cycle.phase", "Cycle Phase", index=True, ondelete="set null", tracking=True,
        help="Phase of the cycle where customers ask it.",
    )
    lead_ids = fields.Many2many(
        "crm.lead", "sales_customer_question_lead_rel", "question_id", "lead_id",
        string="Asked in", context={"active_test": False},
    )
    ask_count = fields.Integer(
        "Times Asked", compute="_compute_ask_count", store=True, tracking=True,
        help="Leads where customers asked it, lost ones included.",
    )
    date_last_asked = fields.Datetime("Last Asked", readonly=True)
    content_ids = fields.Many2many(
        "sales.content", "sales_content_question_rel", "question_id", "content_id",
        string="Answered by",
    )
    is_answered = fields.Boolean(
        "Answered", compute="_compute_is_answered", store=True, index=True,
        help="Some active content answers it.",
    )
    gap_notified = fields.Boolean(
        "Content Owners Notified", readonly=True, copy=False,
        help="The content owners got an activity when it reached the number of askings "
        "set in the settings without an answer.",
    )
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)

    _normalized_name_uniq = models.UniqueIndex(
        "(normalized_name, COALESCE(company_id, 0)) WHERE active",
        "This question already exists: log it on the lead again instead of creating a duplicate.",
    )

    @api.depends("name")
    def _compute_normalized_name(self):
        for question in self:
            question.normalized_name = normalize_question(question.name)

    # however a lead was linked (the log wizard, a merge, an import, the API);
    # a field of the lead as well, so that deleting a lead recounts: one never
    # written, as winning, losing or archiving a lead changes no count
    @api.depends("lead_ids.create_date")
    def _compute_ask_count(self):
        for question in self:
            question.ask_count = len(question.lead_ids)

    @api.depends("content_ids", "content_ids.active")
    def _compute_is_answered(self):
        for question in self:
            question.is_answered = bool(question.content_ids.filtered("active"))

    @api.constrains("name")
    def _check_name(self):
        for question in self:
            if not question.normalized_name:
                raise ValidationError(self.env._(
                    "Write the customer's question in words, not only punctuation."
                ))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model
    def name_create(self, name):
        """Typing a question that exists (other case, spacing or punctuation)
        picks the existing one: duplicates are merged, never created. One
        only asked on leads the user cannot see stays unreadable to them: they
        get an archived draft of their text, which the question log wizard
        logs on the existing question."""
        # looked for where the new question would go: the unique key's company
        company = self.env["res.company"].browse(self.default_get(["company_id"]).get("company_id"))
        existing = self._find_existing(name, company)
        if existing and existing.has_access("read"):
            return existing.id, existing.display_name
        if existing:
            draft = self.create({"name": name, "active": False})
            return draft.id, draft.display_name
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                return super().name_create(name)
        except UniqueViolation as exc:
            if exc.diag.constraint_name != f"{self._table}_normalized_name_uniq":
                raise
            # not found above, yet there: another request created it after
            # this one began; played again, this one finds it
            raise ConcurrencyError(exc.diag.message_primary) from exc

    @api.model_create_multi
    def create(self, vals_list):
        check_lengths(self, vals_list, NAME_LIMITS)
        questions = super().create(vals_list)
        questions.filtered("is_answered")._close_gap_activities()
        asked = questions.filtered("lead_ids")
        asked.filtered("date_last_asked")._notify_content_gap()
        (asked - asked.filtered("date_last_asked"))._note_askings()
        return questions

    def write(self, vals):
        check_lengths(self, [vals], NAME_LIMITS)
        leads_before = {question.id: question.lead_ids for question in self} if "lead_ids" in vals else None
        res = super().write(vals)
        if "content_ids" in vals:
            self.filtered("is_answered")._close_gap_activities()
        if leads_before is not None:
            asked = self.filtered(lambda q: q.lead_ids - leads_before[q.id])
            if "date_last_asked" in vals:  # the log wizard and a merge date them
                asked._notify_content_gap()
            else:
                asked._note_askings()
        return res

    def init(self):
        res = super().init()
        # counts kept by hand before Times Asked was computed from the leads
        self.env.cr.execute("""
            UPDATE sales_customer_question q SET ask_count = c.leads
              FROM (SELECT q.id, count(r.lead_id) AS leads FROM sales_customer_question q
                      LEFT JOIN sales_customer_question_lead_rel r ON r.question_id = q.id
                  GROUP BY q.id) c
             WHERE c.id = q.id AND q.ask_count IS DISTINCT FROM c.leads
        """)
        return res

    @api.model
    def _find_existing(self, text, company=None):
        """The active question with the same comparison key as ``text`` in the
        company (or shared by all companies), whoever may see it."""
        key = normalize_question(text)
        if not key:
            return self.browse()
        company = company or self.env.company
        return self.sudo().search(
            [("normalized_name", "=", key), ("company_id", "in", [company.id, False])],
            order="company_id desc nulls last, id", limit=1,
        ).sudo(self.env.su)

    # ------------------------------------------------------------
    # ASKINGS AND CONTENT GAPS
    # ------------------------------------------------------------

    def _register_askings(self, leads):
        """Record that the customers of ``leads`` asked this question. A lead
        that already asked it does not count twice. Returns the leads added."""
        self.ensure_one()
        new_leads = leads - self.lead_ids
        if not new_leads:
            return new_leads
        vals = {
            "lead_ids": [Command.link(lead.id) for lead in new_leads],
            "date_last_asked": fields.Datetime.now(),
        }
        if not self.phase_id and new_leads[:1].cycle_phase_id:
            vals["phase_id"] = new_leads[:1].cycle_phase_id.id
        self.write(vals)
        return new_leads

    def _note_askings(self):
        """Questions just linked to leads some other way than the log wizard
        (an import, the API, either side of the link): asked now, and the
        content owners told at the gap threshold."""
        if self:
            self.sudo().date_last_asked = fields.Datetime.now()
            self._notify_content_gap()

    def _gap_threshold(self):
        return get_setting(self.env, "question_gap_threshold")

    def _content_owners(self):
        """Who writes the answer: owners of the content serving the question's
        phase, else every content owner."""
        self.ensure_one()
        Content = self.env["sales.content"].sudo()
        owners = self.env["res.users"]
        if self.phase_id:
            owners = Content.search([
                "|", ("phase_ids", "in", self.phase_id.ids),
                ("stage_ids.cycle_phase_id", "=", self.phase_id.id),
            ]).user_id
        if not owners:
            owners = Content.search([("user_id", "!=", False)]).user_id
        return owners.filtered(lambda u: u.active and not u.share)

    def _notify_content_gap(self):
        """Questions still unanswered after N askings give each content owner
        one activity to write the missing content (once per question)."""
        threshold = self._gap_threshold()
        due = self.filtered(
            lambda q: not q.is_answered and not q.gap_notified and q.ask_count >= threshold
        )
        activity_type = self.env.ref(GAP_ACTIVITY)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list, notified = [], self.browse()
        for question in due:
            owners = question._content_owners()
            if not owners:
                continue  # no library yet: retried at the next asking
            notified |= question
            vals_list += [{
                "res_model_id": model_id,
                "res_id": question.id,
                "activity_type_id": activity_type.id,
                "user_id": owner.id,
                "automated": True,
                "summary": self.env._(
                    "Asked %(count)s times, no content answers it", count=question.ask_count
                ),
            } for owner in owners]
        if vals_list:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
            notified.sudo().gap_notified = True

    def _close_gap_activities(self):
        answered = self.filtered("is_answered")
        if answered:
            answered.sudo().activity_feedback(
                [GAP_ACTIVITY], feedback=self.env._("Answered by linked content.")
            )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_merge(self):
        """Merge the selected questions into the most asked one: leads and
        answering content are united (a lead that asked two of them asked the
        question once), the others deleted."""
        if len(self) < 2:
            raise UserError(self.env._("Select at least two questions to merge."))
        target = self.sorted(lambda q: (-q.ask_count, q.id))[0]
        others = self - target
        if len(self.company_id) > 1:
            raise UserError(self.env._("Only questions of the same company can be merged."))
        dates = [d for d in self.mapped("date_last_asked") if d]
        target.write({
            "lead_ids": [Command.link(lead.id) for lead in others.lead_ids - target.lead_ids],
            "content_ids": [Command.link(c.id) for c in others.content_ids - target.content_ids],
            "date_last_asked": max(dates) if dates else False,
            "phase_id": target.phase_id.id or others.phase_id[:1].id,
        })
        target.message_post(
            body=Markup("%s<ul>%s</ul>") % (
                self.env._("Merged questions:"),
                Markup().join(Markup("<li>%s</li>") % q.name for q in others),
            ),
            subtype_xmlid="mail.mt_note",
        )
        others.unlink()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
