from odoo import api, fields, models

from ..cycle_math import MIN_SAMPLE, enough_data


class SalesCycleVelocityLine(models.TransientModel):
    _name = "sales.cycle.velocity.line"
    _description = "Sales Velocity Line"
    _order = "velocity desc"

    velocity_id = fields.Many2one("sales.cycle.velocity", required=True, ondelete="cascade")
    team_id = fields.Many2one("crm.team", "Sales Team")
    user_id = fields.Many2one("res.users", "Salesperson")
    open_count = fields.Integer("Open Opportunities")
    closed_count = fields.Integer(
        "Closed in Period", help="Opportunities won or lost in the period: the win rate's sample."
    )
    won_count = fields.Integer(
        "Won in Period", help="Opportunities won in the period: the sample of the average won "
        "revenue and cycle.",
    )
    win_rate = fields.Float("Win Rate (%)", digits=(16, 1))
    avg_won_revenue = fields.Float("Average Won Revenue", digits=(16, 2))
    avg_cycle_days = fields.Float("Average Cycle (days)", digits=(16, 1))
    rate_enough = fields.Boolean(compute="_compute_velocity", store=True)
    won_enough = fields.Boolean(compute="_compute_velocity", store=True)
    velocity_enough = fields.Boolean(compute="_compute_velocity", store=True)
    velocity = fields.Float(
        "Velocity (revenue/day)", compute="_compute_velocity", store=True, digits=(16, 2),
        help="Open opportunities x win rate x average won revenue / average cycle days; "
        "0 when too few deals were closed or won in the period to tell.",
    )
    sample_note = fields.Char("Sample", compute="_compute_velocity", store=True)

    @api.depends("open_count", "closed_count", "won_count", "win_rate", "avg_won_revenue", "avg_cycle_days")
    def _compute_velocity(self):
        for line in self:
            line.rate_enough = enough_data(line.closed_count)
            line.won_enough = enough_data(line.won_count)
            # no won deal out of enough closed ones: a velocity of 0 is a fact
            line.velocity_enough = line.rate_enough and (line.won_enough or not line.won_count)
            line.velocity = (
                line.open_count * line.win_rate / 100.0 * line.avg_won_revenue / line.avg_cycle_days
                if line.velocity_enough and line.avg_cycle_days
                else 0.0
            )
            line.sample_note = False if line.velocity_enough and line.won_enough else self.env._(
                "Not enough data: %(closed)s closed, %(won)s won (minimum %(minimum)s)",
                closed=line.closed_count, won=line.won_count, minimum=MIN_SAMPLE,
            )
