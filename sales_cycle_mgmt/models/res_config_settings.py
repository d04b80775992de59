from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_cycle_benchmark_min_samples = fields.Integer(
        "Won Stays for a Benchmark",
        config_parameter="sales_cycle_mgmt.benchmark_min_samples",
        default=10,
        help="A stage with automatic days to rot rots after the 90th percentile of its won "
        "deals' stays once it has this many; before that, after the days set by hand.",
    )
    sales_cycle_followup_horizon_days = fields.Integer(
        "Follow-up Horizon (days)",
        config_parameter="sales_cycle_mgmt.followup_horizon_days",
        default=7,
        help="A planned follow-up gets its activity this many days before it is due.",
    )

    # sales content and customer questions
    sales_content_question_gap_threshold = fields.Integer(
        "Askings for a Content Gap",
        config_parameter="sales_cycle_mgmt.question_gap_threshold",
        default=3,
        help="A customer question nothing answers gives the content owners an activity "
        "once it has been asked this many times.",
    )

    @api.constrains("sales_cycle_benchmark_min_samples", "sales_cycle_followup_horizon_days")
    def _check_sales_cycle_settings(self):
        for settings in self:
            if settings.sales_cycle_benchmark_min_samples < 1:
                raise ValidationError(self.env._("A benchmark needs at least one won stay."))
            if settings.sales_cycle_followup_horizon_days < 0:
                raise ValidationError(self.env._("The follow-up horizon cannot be negative."))

    @api.constrains("sales_content_question_gap_threshold")
    def _check_sales_content_settings(self):
        for settings in self:
            if settings.sales_content_question_gap_threshold < 1:
                raise ValidationError(
                    self.env._("A content gap needs at least one asking of the question.")
                )
