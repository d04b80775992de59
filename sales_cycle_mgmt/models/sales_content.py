import random
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty
from odoo.tools.misc import clean_context

from ..cycle_math import is_web_url
from .value_checks import check_lengths, check_readable_links

LINKS = ("original_id",)
NAME_LIMITS = {"name": 200}


class SalesContent(models.Model):
    """A piece of sales or marketing content that answers what customers ask at
    a stage or phase of the cycle. Salespeople share it from the lead; each
    share or use in a meeting writes a ``sales.content.usage`` row."""

    _name = "sales.content"
    _description = "Sales Content"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    content_type = fields.Selection(
        [("link", "Link"), ("document", "Document"), ("mail_template", "Email Template"),
         ("article", "Article")],
        "Type", required=True, default="link", tracking=True,
    )
    description = fields.Text(help="What it is and when it helps: shown to salespeople on the lead.")
    url = fields.Char("URL", help="Web address (http or https) of a link.")
    document_file = fields.Binary("File", attachment=True)
    document_filename = fields.Char("File Name")
    mail_template_id = fields.Many2one(
        "mail.template", "Email Template", ondelete="restrict",
        domain=[("model", "=", "crm.lead")],
        help="Template rendered on the lead when this content is shared.",
    )
    body = fields.Html("Article Body", sanitize_style=True)
    stage_ids = fields.Many2many(
        "crm.stage", "sales_content_crm_stage_rel", "content_id", "stage_id", string="Stages",
        help="Stages where this content is suggested first.",
    )
    phase_ids = fields.Many2many(
        "sales.cycle.phase", "sales_content_phase_rel", "content_id", "phase_id",
        string="Cycle Phases", help="Phases where this content is suggested, after the stage's own.",
    )
    question_ids = fields.Many2many(
        "sales.customer.question", "sales_content_question_rel", "content_id", "question_id",
        string="Answers Questions",
    )
    tag_ids = fields.Many2many(
        "sales.content.tag", "sales_content_tag_rel", "content_id", "tag_id", string="Tags"
    )
    user_id = fields.Many2one(
        "res.users", "Owner", default=lambda self: self.env.user, tracking=True,
        domain=[("share", "=", False)],
        help="Keeps this content up to date; asked for new content when customers keep "
        "asking a question nothing answers yet.",
    )
    lang_id = fields.Many2one(
        "res.lang", "Language", context={"active_test": False},
        help="Language of this version; leave empty when it suits any customer.",
    )
    original_id = fields.Many2one(
        "sales.content", "Version Of", index="btree_not_null", ondelete="set null",
        domain="[('original_id', '=', False), ('id', '!=', id)]",
        help="The content this is a translation of: a lead is offered the version in its "
        "customer's language, else the original.",
    )
    version_ids = fields.One2many("sales.content", "original_id", "Other Languages")
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    usage_ids = fields.One2many("sales.content.usage", "content_id", "Usages")
    usage_count = fields.Integer("Times Used", compute="_compute_usage_count")

    def _compute_usage_count(self):
        counts = dict(
            self.env["sales.content.usage"]._read_group(
                [("content_id", "in", self.ids)], ["content_id"], ["__count"]
            )
        )
        for content in self:
            content.usage_count = counts.get(content._origin, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("content_type", "url", "document_file", "body", "mail_template_id")
    def _check_content(self):
        for content in self:
            if content.url and not is_web_url(content.url):
                raise ValidationError(self.env._(
                    "The link of '%(name)s' must be a web address starting with http:// or "
                    "https://, not '%(url)s'.",
                    name=content.name, url=content.url,
                ))
            kind = content.content_type
            if kind == "link" and not content.url:
                raise ValidationError(self.env._(
                    "Link '%(name)s' needs its web address (URL).", name=content.name
                ))
            if kind == "document" and not content.document_file:
                raise ValidationError(self.env._(
                    "Document '%(name)s' has no file: upload it.", name=content.name
                ))
            if kind == "article" and is_html_empty(content.body):
                raise ValidationError(self.env._(
                    "Article '%(name)s' has no body: write it.", name=content.name
                ))
            if kind == "mail_template" and not content.mail_template_id:
                raise ValidationError(self.env._(
                    "Choose the email template of '%(name)s'.", name=content.name
                ))

    @api.constrains("original_id")
    def _check_original_id(self):
        for content in self:
            original = content.original_id
            if not original:
                continue
            if original == content or original.original_id:
                raise ValidationError(self.env._(
                    "'%(name)s' can only be a version of an original content, not of itself "
                    "or of another version.", name=content.name,
                ))
            if content.version_ids:
                raise ValidationError(self.env._(
                    "'%(name)s' has versions of its own: it cannot be a version of another content.",
                    name=content.name,
                ))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.filtered("usage_ids")
        if used:
            raise UserError(self.env._(
                "%(names)s was already put in front of customers: archive it instead, so the "
                "effectiveness report keeps its history.",
                names=", ".join(used.mapped("name")),
            ))

    @api.model_create_multi
    def create(self, vals_list):
        check_lengths(self, vals_list, NAME_LIMITS)
        check_readable_links(self, vals_list, LINKS)
        contents = super().create(vals_list)
        contents.question_ids._close_gap_activities()
        return contents

    def write(self, vals):
        check_lengths(self, [vals], NAME_LIMITS)
        check_readable_links(self, [vals], LINKS)
        questions_before = self.question_ids if "question_ids" in vals else None
        res = super().write(vals)
        if questions_before is not None:
            (self.question_ids - questions_before)._close_gap_activities()
        return res

    # ------------------------------------------------------------
    # SUGGESTIONS
    # ------------------------------------------------------------

    def _pick_versions(self, lang):
        """One content per family (an original and its versions), in the order
        of ``self``: the version in ``lang`` when there is one, else the one
        without language, else the original."""
        picked, seen = self.browse(), set()
        for content in self:
            family = content.original_id or content
            if family.id in seen:
                continue
            seen.add(family.id)
            versions = (family | family.version_ids).filtered("active")
            best = (
                versions.filtered(lambda v: lang and v.lang_id == lang)[:1]
                or versions.filtered(lambda v: not v.lang_id)[:1]
                or (versions & family)
                or versions[:1]
            )
            picked |= best
        return picked

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def _lead_from_context(self):
        lead = self.env["crm.lead"].browse(self.env.context.get("sales_content_lead_id")).exists()
        if not lead:
            raise UserError(self.env._("Open an opportunity to share content with its customer."))
        lead.check_access("write")
        return lead

    def _check_shareable(self):
        for content in self:
            if not content.active:
                raise UserError(self.env._(
                    "'%(name)s' is archived: it can no longer be shared.", name=content.name
                ))

    def action_share(self):
        """Open the stock mail composer on the lead with this content in it; the
        usage is written when the message is really sent (mail.compose.message)."""
        self.ensure_one()
        self._check_shareable()
        lead = self._lead_from_context()
        partner = lead._sales_content_recipient()
        ctx = {
            "default_model": "crm.lead",
            "default_res_ids": lead.ids,
            "default_composition_mode": "comment",
            "default_subtype_xmlid": "mail.mt_comment",
            "default_partner_ids": partner.ids,
            "sales_content_share_id": self.id,
        }
        if self.content_type == "mail_template":
            ctx["default_template_id"] = self.mail_template_id.id
        else:
            ctx["default_subject"] = self.name
            ctx["default_body"] = self._share_body()
            if self.content_type == "document":
                ctx["default_attachment_ids"] = [Command.set(self._share_attachment().ids)]
        return {
            "name": self.env._("Share %(content)s", content=self.name),
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": ctx,
        }

    def action_mark_used(self):
        """The salesperson used this content with the customer without sending
        it (shown in a meeting): record the usage only."""
        self.ensure_one()
        self._check_shareable()
        lead = self._lead_from_context()
        self._record_usage(lead, "meeting")
        lead.message_post(
            body=self.env._("Used content %(content)s in a meeting.", content=self.name),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _share_body(self):
        self.ensure_one()
        if self.content_type == "article":
            return self.body
        if self.content_type == "link":
            return Markup('<p>%s</p><p><a href="%s">%s</a></p>') % (
                self.env._("Hello, this should answer your questions:"), self.url, self.name
            )
        return Markup("<p>%s</p>") % self.env._(
            "Hello, please find %(document)s attached.", document=self.name
        )

    def _share_attachment(self):
        """A copy of the document for the composer, owned by the user (the
        composer reattaches it to the lead's message when sent)."""
        self.ensure_one()
        return self.env["ir.attachment"].create({
            "name": self.document_filename or self.name,
            "datas": self.document_file,
            "res_model": "mail.compose.message",
            "res_id": 0,
            "type": "binary",
        })

    def _record_usage(self, leads, channel, messages=None):
        """One usage row per content of ``self`` and lead, with the lead's stage
        at that moment."""
        self._check_shareable()
        message_by_lead = {m.res_id: m.id for m in (messages or [])}
        # no default_* of the composer's context may leak into the rows
        Usage = self.env["sales.content.usage"].with_env(self.env(context=clean_context(self.env.context)))
        return Usage.create([
            {
                "content_id": content.id,
                "lead_id": lead.id,
                "channel": channel,
                "message_id": message_by_lead.get(lead.id, False),
            }
            for content in self
            for lead in leads
        ])

    def action_view_usages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_cycle_mgmt.sales_content_usage_action"
        )
        action["domain"] = [("content_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    @api.model
    def _demo_generate(self):
        """Demo data: content shared in the demo leads' past stays (won deals
        got it more often, so the effectiveness report has a story), and the
        demo questions asked on leads of their phase (the most asked one
        without content becomes a content gap). Deterministic."""
        stays = self.env["sales.cycle.stage.history"].search([("stage_id", "!=", False)], order="id")
        contents = self.search([("company_id", "in", [self.env.company.id, False])])
        now = self.env.cr.now().replace(microsecond=0)
        vals_list = []
        for stay in stays:
            rng = random.Random(stay.id)
            lead, stage = stay.lead_id, stay.stage_id
            serving = contents.filtered(
                lambda c, s=stage: s in c.stage_ids or (s.cycle_phase_id and s.cycle_phase_id in c.phase_ids)
            )._pick_versions(lead.lang_id)
            odds = 0.75 if lead.won_status == "won" else 0.3
            for content in serving:
                if rng.random() >= odds:
                    continue
                end = stay.date_out or now
                vals_list.append({
                    "content_id": content.id,
                    "lead_id": lead.id,
                    "stage_id": stage.id,
                    "cycle_phase_id": stay.cycle_phase_id.id,
                    "user_id": lead.user_id.id or self.env.uid,
                    "date": stay.date_in + (end - stay.date_in) * rng.uniform(0.1, 0.9),
                    "channel": "email" if rng.random() < 0.7 else "meeting",
                })
        self.env["sales.content.usage"].create(vals_list)
        askings = {
            "demo_question_eu_hosting": 5,
            "demo_question_implementation": 4,
            "demo_question_monthly": 3,
            "demo_question_erp": 2,
            "demo_question_trial": 1,
        }
        leads = self.env["crm.lead"].search([("type", "=", "opportunity")], order="id")
        for offset, (xmlid, count) in enumerate(askings.items()):
            question = self.env.ref(f"sales_cycle_mgmt.{xmlid}")
            picked = leads[offset * 2:offset * 2 + count]
            question._register_askings(picked)
            question.date_last_asked = now - timedelta(days=offset * 3)
