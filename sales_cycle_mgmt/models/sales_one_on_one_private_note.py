from odoo import api, fields, models
from odoo.exceptions import AccessError

from .value_checks import check_readable_links

LINKS = ("session_id",)


class SalesOneOnOnePrivateNote(models.Model):
    """A manager's private notes on a session, in a model of its own: a global
    record rule limits every note to its author, whatever their groups, so the
    team member can never read it (ORM, web client or RPC alike)."""

    _name = "sales.one.on.one.private.note"
    _description = "One-on-one Private Note"
    _order = "id"

    session_id = fields.Many2one(
        "sales.one.on.one.session", required=True, index=True, ondelete="cascade",
    )
    series_id = fields.Many2one(related="session_id.series_id", store=True, index=True)
    author_id = fields.Many2one(
        "res.users", required=True, index=True, readonly=True,
        default=lambda self: self.env.user, ondelete="cascade",
    )
    body = fields.Html(sanitize=True)

    _session_author_unique = models.Constraint(
        "UNIQUE(session_id, author_id)", "One private note per session and author.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_readable_links(self, vals_list, LINKS)
        for vals in vals_list:
            session = self.env["sales.one.on.one.session"].sudo().browse(vals.get("session_id"))
            if not self.env.su or not vals.get("author_id"):
                vals["author_id"] = self.env.uid
            if vals["author_id"] != session.manager_id.id:
                raise AccessError(self.env._(
                    "Only the manager of a one-on-one keeps private notes on it."
                ))
        return super().create(vals_list)

    def write(self, vals):
        vals.pop("author_id", None)
        check_readable_links(self, [vals], LINKS)
        return super().write(vals)
