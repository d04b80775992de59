from odoo import fields, models


class SalesPulseRoundTeam(models.Model):
    """Result of one sales team in a closed round: response counts always, eNPS
    only when the team's slice may show (see ``sales.pulse.round._visible_slices``).
    The pulse report reads these rows."""

    _name = "sales.pulse.round.team"
    _description = "Sales Pulse Round Team Result"
    _order = "round_id, team_id"

    round_id = fields.Many2one("sales.pulse.round", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="round_id.company_id", store=True, index=True)
    team_id = fields.Many2one("crm.team", "Sales Team", ondelete="set null", index=True)
    invited_count = fields.Integer("Invited", readonly=True)
    responded_count = fields.Integer("Answered", readonly=True)
    answer_count = fields.Integer(
        "eNPS Answers", readonly=True, help="Answers to the eNPS question counted under this team.",
    )
    results_visible = fields.Boolean("Shown", readonly=True)
    promoter_count = fields.Integer("Promoters", readonly=True)
    passive_count = fields.Integer("Passives", readonly=True)
    detractor_count = fields.Integer("Detractors", readonly=True)
    enps = fields.Float("eNPS", readonly=True, digits=(16, 1))

    _round_team_unique = models.UniqueIndex("(round_id, COALESCE(team_id, 0))")
