from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .cron_progress import try_cron_lock


class CrmStage(models.Model):
    _inherit = "crm.stage"

    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase",
        index=True,
        ondelete="set null",  # a phase in use cannot be deleted but at uninstall
        help="Lifecycle phase this pipeline stage belongs to.",
    )
    target_days = fields.Integer(
        help="How long a deal should stay in this stage. Used to flag stalled deals "
        "until the stage has enough won deals for its own benchmark.",
    )
    guidance = fields.Html(
        translate=True,
        sanitize_style=True,
        help="What good looks like in this stage: shown on the lead form.",
    )
    checklist_item_ids = fields.One2many(
        "sales.cycle.checklist.item", "stage_id", string="Exit Checklist", copy=True
    )
    checklist_gate = fields.Boolean(
        "Enforce Exit Checklist",
        help="Refuse to move a lead forward out of this stage while a required item "
        "of its checklist is not ticked. Sales managers can still move it; the "
        "lead's chatter records that they did.",
    )
    benchmark_median_days = fields.Float(
        "Median Days (won deals)", readonly=True, digits=(16, 1),
        help="Median time won deals spent in this stage. Computed nightly.",
    )
    benchmark_p90_days = fields.Float(
        "90th Percentile Days (won deals)", readonly=True, digits=(16, 1),
        help="90% of won deals left this stage within this many days. Computed nightly.",
    )
    benchmark_sample_size = fields.Integer(
        "Benchmark Sample", readonly=True,
        help="Number of stays of won deals behind the benchmark.",
    )
    stall_threshold_days = fields.Float(
        "Stalled After (days)", compute="_compute_stall_threshold_days", digits=(16, 1),
        help="A deal staying longer than this is flagged as stalled: the 90th percentile "
        "of won deals when the sample is large enough, else the target days.",
    )
    playbook_summary = fields.Char(compute="_compute_playbook_summary")
    content_ids = fields.Many2many(
        "sales.content", "sales_content_crm_stage_rel", "stage_id", "content_id",
        string="Sales Content", groups="sales_team.group_sale_salesman",
        help="Content suggested first on the leads of this stage.",
    )

    @api.depends("target_days", "benchmark_p90_days", "benchmark_sample_size")
    def _compute_stall_threshold_days(self):
        min_samples = self._benchmark_min_samples()
        for stage in self:
            stage.stall_threshold_days = stage._stall_threshold(min_samples)

    @api.depends("cycle_phase_id", "target_days", "checklist_item_ids.name", "checklist_gate")
    def _compute_playbook_summary(self):
        for stage in self:
            parts = []
            if stage.cycle_phase_id:
                parts.append(self.env._("Phase: %(phase)s", phase=stage.cycle_phase_id.name))
            if stage.target_days:
                parts.append(self.env._("Target: %(days)s days", days=stage.target_days))
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

    @api.constrains("target_days")
    def _check_target_days(self):
        for stage in self:
            if stage.target_days < 0:
                raise ValidationError(
                    self.env._(
                        "Target days of stage '%(stage)s' cannot be negative.", stage=stage.name
                    )
                )

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

    def _benchmark_min_samples(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("sales_cycle_mgmt.benchmark_min_samples", 10)
        )

    def _stall_threshold(self, min_samples):
        """Days after which a stay in this stage is stalled; 0 means never."""
        self.ensure_one()
        if self.benchmark_sample_size >= min_samples and self.benchmark_p90_days > 0:
            return max(self.benchmark_p90_days, self.target_days)
        return self.target_days

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _compute_benchmarks(self):
        """Median, 90th percentile and sample size of the closed stays of won leads,
        per stage, in one statement (nightly cron, before the stalled-deal check)."""
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
        self.invalidate_model(
            ["benchmark_median_days", "benchmark_p90_days", "benchmark_sample_size"]
        )
