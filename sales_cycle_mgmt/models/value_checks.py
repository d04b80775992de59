"""Checks of the values a client sends to ``create`` and ``write``, made before
the database sees them."""

from collections import defaultdict

from odoo.exceptions import AccessError, ValidationError


def check_readable(env, records, message=None):
    """Refuse ``records`` unless the current user may read them all, saying
    ``message`` if given. The superuser may link anything."""
    if env.su or not records:
        return
    records = records.with_env(env)
    forbidden = records - records._filtered_access("read")
    if forbidden and message:
        raise AccessError(message)
    if forbidden:
        raise AccessError(env._(
            "You cannot link %(model)s records you are not allowed to read (ids %(ids)s).",
            model=env["ir.model"]._get(records._name).sudo().name,
            ids=", ".join(str(record_id) for record_id in forbidden.ids),
        ))


def check_readable_links(model, vals_list, fnames):
    """The many2one values of ``fnames`` in ``vals_list`` must name records
    the current user may read: whoever reads a many2one gets the name of the
    record it names, whatever that record's own rules (many2many links are
    checked by the ORM itself)."""
    if model.env.su:
        return
    ids = defaultdict(set)
    for vals in vals_list:
        for fname in fnames:
            if vals.get(fname):
                ids[model._fields[fname].comodel_name].add(vals[fname])
    for comodel, record_ids in ids.items():
        check_readable(model.env, model.env[comodel].browse(record_ids))


def check_lengths(model, vals_list, limits):
    """Refuse the text values of ``vals_list`` longer than ``limits``
    ({field name: characters}) with a readable message, not the database's
    (an index cannot hold an entry of more than about 2,700 bytes)."""
    for vals in vals_list:
        for fname, limit in limits.items():
            value = vals.get(fname)
            if isinstance(value, str) and len(value) > limit:
                raise ValidationError(model.env._(
                    "%(field)s can be at most %(limit)s characters long, not %(length)s.",
                    field=model._fields[fname]._description_string(model.env),
                    limit=limit, length=len(value),
                ))
