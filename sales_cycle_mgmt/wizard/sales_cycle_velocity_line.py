from odoo import api, fields, models


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
    win_rate = fields.Float("Win Rate (%)", digits=(16, 1))
    avg_won_revenue = fields.Float("Average Won Revenue", digits=(16, 2))
    avg_cycle_days = fields.Float("Average Cycle (days)", digits=(16, 1))
    velocity = fields.Float(
        "Velocity (revenue/day)", compute="_compute_velocity", store=True, digits=(16, 2),
        help="Open opportunities x win rate x average won revenue / average cycle days.",
    )

    @api.depends("open_count", "win_rate", "avg_won_revenue", "avg_cycle_days")
    def _compute_velocity(self):
        for line in self:
            line.velocity = (
                line.open_count * line.win_rate / 100.0 * line.avg_won_revenue / line.avg_cycle_days
                if line.avg_cycle_days
                else 0.0
            )
