import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..cycle_math import MIN_SAMPLE

_logger = logging.getLogger(__name__)

# The addon's settings, stored as ir.config_parameter "sales_cycle_mgmt.<name>",
# and their defaults: the settings form and every reader take them from here.
SETTING_DEFAULTS = {
    "benchmark_min_samples": 10,
    "followup_horizon_days": 7,
    "question_gap_threshold": 3,
}


def setting_key(name):
    """The ir.config_parameter key of the setting ``name``."""
    if name not in SETTING_DEFAULTS:
        raise KeyError(f"unknown sales_cycle_mgmt setting {name!r}")
    return f"sales_cycle_mgmt.{name}"


def get_setting(env, name):
    """The value (a whole number) of the setting ``name``: its default when it
    is not set, or not a whole number (the settings form reads it so too)."""
    value = env["ir.config_parameter"].sudo().get_param(setting_key(name))
    if not value:
        return SETTING_DEFAULTS[name]
    try:
        return int(value)
    except ValueError:
        _logger.warning("setting %s is not a whole number (%r): using %s",
                        setting_key(name), value, SETTING_DEFAULTS[name])
        return SETTING_DEFAULTS[name]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_cycle_benchmark_min_samples = fields.Integer(
        "Won Deals to Learn From",
        config_parameter=setting_key("benchmark_min_samples"),
        default=SETTING_DEFAULTS["benchmark_min_samples"],
        help="A stage's benchmark shows, and a stage with automatic days to rot rots after "
        "the 90th percentile of its won deals' stays, once it has this many (at least the "
        "minimum sample of every report); before that, after the days set by hand.",
    )
    sales_cycle_followup_horizon_days = fields.Integer(
        "Follow-up Horizon (days)",
        config_parameter=setting_key("followup_horizon_days"),
        default=SETTING_DEFAULTS["followup_horizon_days"],
        help="A planned follow-up gets its activity this many days before it is due.",
    )

    # sales content and customer questions
    sales_content_question_gap_threshold = fields.Integer(
        "Askings for a Content Gap",
        config_parameter=setting_key("question_gap_threshold"),
        default=SETTING_DEFAULTS["question_gap_threshold"],
        help="A customer question nothing answers gives the content owners an activity "
        "once it has been asked this many times.",
    )

    @api.constrains("sales_cycle_benchmark_min_samples", "sales_cycle_followup_horizon_days")
    def _check_sales_cycle_settings(self):
        for settings in self:
            if settings.sales_cycle_benchmark_min_samples < MIN_SAMPLE:
                raise ValidationError(self.env._(
                    "A benchmark needs at least %(minimum)s won stays, the minimum sample of "
                    "every figure.", minimum=MIN_SAMPLE,
                ))
            if settings.sales_cycle_followup_horizon_days < 0:
                raise ValidationError(self.env._("The follow-up horizon cannot be negative."))

    def set_values(self):
        res = super().set_values()
        # stock stores a 0 as no parameter at all, which reads back as the default
        Param = self.env["ir.config_parameter"].sudo()
        for field in self._fields.values():
            key = getattr(field, "config_parameter", None)
            if key and key.removeprefix("sales_cycle_mgmt.") in SETTING_DEFAULTS and self[field.name] == 0:
                Param.set_param(key, "0")
        return res

    @api.constrains("sales_content_question_gap_threshold")
    def _check_sales_content_settings(self):
        for settings in self:
            if settings.sales_content_question_gap_threshold < 1:
                raise ValidationError(
                    self.env._("A content gap needs at least one asking of the question.")
                )
