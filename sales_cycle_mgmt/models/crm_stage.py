from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, html2plaintext

from ..cycle_math import MIN_SAMPLE
from .cron_progress import try_cron_lock
from .res_config_settings import get_setting


class CrmStage(models.Model):
    _inherit = "crm.stage"

    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase",
        index=True,
        ondelete="set null",  # a phase in use cannot be deleted but at uninstall
        help="Lifecycle phase this pipeline stage belongs to.",
    )
    rotting_automatic = fields.Boolean(
        "Automatic Days to Rot", default=True,
        help="Days to rot learned from this stage's won deals: the nightly benchmark's 90th "
        "percentile, once enough won deals went through the stage. Until then, and when "
        "off, Days to rot is the number set by hand.",
    )
    guidance = fields.Html(
        translate=True,
        sanitize_style=True,
        help="What good looks like in this stage: shown on the lead form and, as plain "
        "text, as the tooltip of the pipeline column.",
    )
    # stock's tooltip text, written from the guidance: one text for one stage
    requirements = fields.Text(compute="_compute_requirements", store=True, readonly=True)
    checklist_item_ids = fields.One2many(
        "sales.cycle.checklist.item", "stage_id", string="Exit Checklist", copy=True
    )
    checklist_gate = fields.Boolean(
        "Enforce Exit Checklist",
        help="Refuse to move a lead forward out of this stage while a required item "
        "of its checklist is not ticked. Sales managers can still move it after "
        "confirming; the lead's chatter records that they did.",
    )
    benchmark_median_days = fields.Float(
        "Median Days (won deals)", readonly=True, digits=(16, 1), aggregator=None,
        help="Median time won deals spent in this stage. Computed nightly.",
    )
    benchmark_p90_days = fields.Float(
        "90th Percentile Days (won deals)", readonly=True, digits=(16, 1), aggregator=None,
        help="90% of won deals left this stage within this many days. Computed nightly.",
    )
    benchmark_sample_size = fields.Integer(
        "Benchmark Sample", readonly=True,
        help="Number of stays of won deals behind the benchmark.",
    )
    benchmark_min_samples = fields.Integer(compute="_compute_benchmark_min_samples")
    benchmark_enough = fields.Boolean(compute="_compute_benchmark_enough")
    benchmark_note = fields.Char("Benchmark", compute="_compute_benchmark_enough")
    playbook_summary = fields.Char(compute="_compute_playbook_summary")
    content_ids = fields.Many2many(
        "sales.content", "sales_content_crm_stage_rel", "stage_id", "content_id",
        string="Sales Content", groups="sales_team.group_sale_salesman",
        help="Content suggested first on the leads of this stage.",
    )

    def _compute_benchmark_min_samples(self):
        self.benchmark_min_samples = self._benchmark_min_samples()

    @api.depends("benchmark_sample_size")
    def _compute_benchmark_enough(self):
        minimum = self._benchmark_min_samples()
        for stage in self:
            stage.benchmark_enough = stage.benchmark_sample_size >= minimum
            stage.benchmark_note = False if stage.benchmark_enough else self.env._(
                "Not enough data: %(count)s of %(minimum)s won stays",
                count=stage.benchmark_sample_size, minimum=minimum,
            )

    @api.depends("guidance")
    def _compute_requirements(self):
        for stage in self:
            text = html2plaintext(stage.guidance or "").strip()
            stage.requirements = text or False

    @api.depends("cycle_phase_id", "rotting_threshold_days", "rotting_automatic",
                 "checklist_item_ids.name", "checklist_gate")
    def _compute_playbook_summary(self):
        for stage in self:
            parts = []
            if stage.cycle_phase_id:
                parts.append(self.env._("Phase: %(phase)s", phase=stage.cycle_phase_id.name))
            if stage.rotting_threshold_days:
                parts.append(self.env._("Rots after %(days)s days", days=stage.rotting_threshold_days))
            if stage.checklist_item_ids:
                items = ", ".join(
                    self.env._("%(item)s (required)", item=item.name) if item.required else item.name
                    for item in stage.checklist_item_ids
                )
                label = (
                    self.env._("Exit checklist (enforced)")
                    if stage.checklist_gate
                    else self.env._("Exit checklist")
                )
                parts.append(self.env._("%(label)s: %(items)s", label=label, items=items))
            stage.playbook_summary = self.env._(" · ").join(parts)

    @api.constrains("rotting_threshold_days")
    def _check_rotting_threshold_days(self):
        for stage in self:
            if stage.rotting_threshold_days < 0:
                raise ValidationError(self.env._(
                    "Days to rot of stage '%(stage)s' cannot be negative (0: never rots).",
                    stage=stage.name,
                ))

    @api.constrains("checklist_gate", "checklist_item_ids")
    def _check_checklist_gate(self):
        for stage in self:
            if stage.checklist_gate and not stage.checklist_item_ids.filtered("required"):
                raise ValidationError(
                    self.env._(
                        "Stage '%(stage)s' enforces its exit checklist but has no required "
                        "item: add one or turn the gate off.",
                        stage=stage.name,
                    )
                )

    def _is_before(self, other):
        """Pipeline order, the kanban's: by sequence, then id. A move to a stage
        before the current one is a backward move."""
        self.ensure_one()
        return (self.sequence, self.id) < (other.sequence, other.id)

    @api.model
    def _sql_is_before(self, sequence, stage_id, other_sequence, other_stage_id):
        """``_is_before`` in SQL, on columns or expressions."""
        return SQL("(%s, %s) < (%s, %s)", sequence, stage_id, other_sequence, other_stage_id)

    def _benchmark_min_samples(self):
        """Won stays a benchmark needs to show and to set automatic days to rot:
        the setting, and never fewer than the minimum sample of every figure."""
        return max(get_setting(self.env, "benchmark_min_samples"), MIN_SAMPLE)

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _compute_benchmarks(self):
        """Median, 90th percentile and sample size of the closed stays of won leads,
        per stage, in one statement; automatic stages with a large enough sample
        rot after the 90th percentile, rounded up to whole days (nightly cron,
        before the rotting check)."""
        if not try_cron_lock(self.env, "crm.stage._compute_benchmarks"):
            return
        self.env["sales.cycle.stage.history"].flush_model()
        self.env["crm.lead"].flush_model(["won_status"])
        self.env.cr.execute(SQL("""
            WITH bench AS (
                SELECT h.stage_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY h.duration_days) AS median,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY h.duration_days) AS p90,
                       count(*) AS sample
                  FROM sales_cycle_stage_history h
                  JOIN crm_lead l ON l.id = h.lead_id
                 WHERE h.date_out IS NOT NULL
                   AND l.won_status = 'won'
                   AND h.stage_id IS NOT NULL
              GROUP BY h.stage_id
            )
            UPDATE crm_stage s
               SET benchmark_median_days = round(COALESCE(b.median, 0)::numeric, 2),
                   benchmark_p90_days = round(COALESCE(b.p90, 0)::numeric, 2),
                   benchmark_sample_size = COALESCE(b.sample, 0)
              FROM crm_stage s2
         LEFT JOIN bench b ON b.stage_id = s2.id
             WHERE s.id = s2.id
               AND (s.benchmark_sample_size IS DISTINCT FROM COALESCE(b.sample, 0)
                    OR s.benchmark_median_days IS DISTINCT FROM round(COALESCE(b.median, 0)::numeric, 2)
                    OR s.benchmark_p90_days IS DISTINCT FROM round(COALESCE(b.p90, 0)::numeric, 2))
        """))
        self.flush_model(["rotting_automatic", "rotting_threshold_days"])
        self.env.cr.execute(SQL("""
            UPDATE crm_stage
               SET rotting_threshold_days = ceil(benchmark_p90_days)::int
             WHERE rotting_automatic AND benchmark_sample_size >= %s AND benchmark_p90_days > 0
               AND rotting_threshold_days IS DISTINCT FROM ceil(benchmark_p90_days)::int
        """, self._benchmark_min_samples()))
        self.invalidate_model(
            ["benchmark_median_days", "benchmark_p90_days", "benchmark_sample_size", "rotting_threshold_days",
             "benchmark_enough", "benchmark_note"]
        )
