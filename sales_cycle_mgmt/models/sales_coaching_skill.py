from odoo import fields, models


class SalesCoachingSkill(models.Model):
    _name = "sales.coaching.skill"
    _description = "Coaching Skill"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    topic_ids = fields.One2many("sales.one.on.one.topic", "skill_id", "Topics")

    _name_unique = models.Constraint("UNIQUE(name)", "A coaching skill with this name already exists.")
