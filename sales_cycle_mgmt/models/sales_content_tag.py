from random import randint

from odoo import fields, models


class SalesContentTag(models.Model):
    _name = "sales.content.tag"
    _description = "Sales Content Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))

    _name_uniq = models.Constraint("UNIQUE(name)", "A content tag with this name already exists.")
