from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .value_checks import check_readable_links

ORIGINS = [
    ("manual", "Added"),
    ("stalled_deal", "Rotting Deal"),
    ("overdue_followup", "Overdue Follow-up"),
]
LINKS = ("series_id", "session_id", "lead_id", "followup_id")


class SalesOneOnOneTopic(models.Model):
    """An agenda topic of a series: added by either side, discussed in a
    session, carried to the next planned session until it is done."""

    _name = "sales.one.on.one.topic"
    _description = "One-on-one Topic"
    _order = "done, sequence, id"

    name = fields.Char("Topic", required=True)
    sequence = fields.Integer(default=10)
    series_id = fields.Many2one(
        "sales.one.on.one", required=True, index=True, ondelete="cascade",
        compute="_compute_series_id", store=True, readonly=False, precompute=True,
    )
    session_id = fields.Many2one(
        "sales.one.on.one.session", index=True, ondelete="set null",
        domain="[('series_id', '=', series_id)]",
    )
    session_date = fields.Datetime(related="session_id.date", store=True, string="Session Date")
    manager_id = fields.Many2one(related="series_id.manager_id", store=True, index=True)
    member_id = fields.Many2one(related="series_id.member_id", store=True, index=True)
    team_id = fields.Many2one(related="series_id.team_id", store=True)
    company_id = fields.Many2one(related="series_id.company_id", store=True)
    author_id = fields.Many2one(
        "res.users", "Added by", default=lambda self: self.env.user, ondelete="set null",
        help="Empty for the topics suggested by the scheduling.",
    )
    skill_id = fields.Many2one("sales.coaching.skill", "Coaching Skill", index=True,
                               ondelete="restrict")
    origin = fields.Selection(ORIGINS, required=True, default="manual")
    lead_id = fields.Many2one("crm.lead", "Opportunity", index="btree_not_null", ondelete="set null")
    followup_id = fields.Many2one("sales.followup", "Follow-up", index="btree_not_null",
                                  ondelete="set null")
    notes = fields.Text()
    done = fields.Boolean(index=True)
    done_date = fields.Date(readonly=True, copy=False)
    carried_count = fields.Integer(
        "Carried Over", readonly=True, copy=False,
        help="How many times the topic moved to a next session without being done.",
    )
    topic_count = fields.Integer("Topics", default=1, readonly=True, aggregator="sum",
                                 help="1 per topic: what the coaching report counts.")

    @api.depends("session_id")
    def _compute_series_id(self):
        for topic in self:
            if topic.session_id:
                topic.series_id = topic.session_id.series_id

    @api.constrains("session_id", "series_id")
    def _check_session_series(self):
        for topic in self:
            if topic.session_id and topic.session_id.series_id != topic.series_id:
                raise ValidationError(self.env._(
                    "The topic %(topic)s must belong to the series of its session.",
                    topic=topic.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        check_readable_links(self, vals_list, LINKS)
        topics = super().create(vals_list)
        # added on the series (or on a held session): goes to the next planned session
        topics.filtered(lambda t: not t.done and t.session_id.state != "planned").series_id.sudo(
        )._carry_open_topics()
        return topics

    def write(self, vals):
        check_readable_links(self, [vals], LINKS)
        self._check_series_kept(vals)
        if "done" in vals:
            vals = dict(vals, done_date=fields.Date.context_today(self) if vals["done"] else False)
        return super().write(vals)

    def _check_series_kept(self, vals):
        """A topic stays in its series (the scheduling only carries it from
        session to session within it): moved, it would change hands."""
        if self.env.su:
            return
        if "series_id" in vals:
            series_id = vals["series_id"]
        elif vals.get("session_id"):
            series_id = self.env["sales.one.on.one.session"].browse(vals["session_id"]).series_id.id
        else:
            return
        if any(topic.series_id.id != series_id for topic in self):
            raise AccessError(self.env._(
                "A one-on-one topic cannot move to another series: add it to that series instead."
            ))

    @api.model
    def _resolve_followups(self, followups):
        """Follow-ups done or cancelled leave the agendas: their open suggested
        topics go, or are done when someone wrote notes or a skill on them."""
        if not followups:
            return
        topics = self.sudo().search([
            ("followup_id", "in", followups.ids), ("origin", "=", "overdue_followup"),
            ("done", "=", False),
        ])
        worked_on = topics.filtered(lambda t: t.notes or t.skill_id)
        worked_on.write({"done": True})
        (topics - worked_on).unlink()
