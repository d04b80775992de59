from odoo import fields, models


class SalesPulseRoundQuestion(models.Model):
    """Result of one question in a closed round. The average is stored only when
    at least the round's anonymity threshold of people answered the question."""

    _name = "sales.pulse.round.question"
    _description = "Sales Pulse Round Question Result"
    _order = "round_id, sequence, id"

    round_id = fields.Many2one("sales.pulse.round", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="round_id.company_id", store=True, index=True)
    question_id = fields.Many2one("survey.question", ondelete="set null")
    sequence = fields.Integer(related="question_id.sequence")
    question_type = fields.Selection(related="question_id.question_type")
    answer_count = fields.Integer("Answers", readonly=True)
    results_visible = fields.Boolean("Shown", readonly=True)
    average = fields.Float(readonly=True, digits=(16, 2), aggregator="avg")
