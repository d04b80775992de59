from odoo import fields, models
from odoo.tools import SQL


class SalesCycleStageReport(models.Model):
    """One row per stay of a lead in a stage: its time (open stays counted up
    to now), the stage it went to next, and whether it moved forward, went
    back, or was lost or won from there."""

    _name = "sales.cycle.stage.report"
    _description = "Sales Cycle Stage Analysis"
    _inherit = ["sales.cycle.sql.report", "sales.cycle.rollup.mixin"]
    _auto = False
    _order = "date_in desc"
    _sample_fields = {"duration_days": "timed_count", "conversion_rate": "ended_count"}

    history_id = fields.Many2one("sales.cycle.stage.history", "Stay", readonly=True)
    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    next_stage_id = fields.Many2one("crm.stage", readonly=True)
    cycle_phase_id = fields.Many2one("sales.cycle.phase", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_in = fields.Datetime("Entered", readonly=True)
    date_out = fields.Datetime("Left", readonly=True)
    direction = fields.Selection(
        [("first", "First"), ("forward", "Forward"), ("backward", "Backward")],
        "Entered by", readonly=True,
    )
    outcome = fields.Selection(
        [("forward", "Moved forward"), ("backward", "Went back"), ("lost", "Lost here"),
         ("won", "Won"), ("open", "Still here")],
        readonly=True,
    )
    stay_count = fields.Integer("Stays", readonly=True, aggregator="sum")
    timed_count = fields.Integer(
        "Timed Stays", readonly=True, aggregator="sum",
        help="Stays outside a won stage: the sample of the days in stage.",
    )
    ended_count = fields.Integer(
        "Ended Stays", readonly=True, aggregator="sum",
        help="Stays that moved forward, back or were lost: the sample of the conversion.",
    )
    duration_days = fields.Float(
        "Days in Stage", readonly=True, aggregator="avg", digits=(16, 1),
        help="Time of the stay in days, until now for the current one; none in a won stage, "
        "where the deal is no longer in the pipeline.",
    )
    max_duration_days = fields.Float("Longest Stay (days)", readonly=True, aggregator="max", digits=(16, 1))
    conversion_rate = fields.Float(
        "Conversion to Next Stage (%)", readonly=True, aggregator="avg",
        help="Share of the ended stays that moved forward (into a won stage included) "
        "rather than back or lost; stays still open, and stays in a won stage, do not count.",
    )
    lost_count = fields.Integer("Lost Here", readonly=True, aggregator="sum")

    # what the pivot reads from sales.cycle.stage.summary
    _rollup_fields = (
        "stage_id", "next_stage_id", "cycle_phase_id", "team_id", "user_id", "company_id",
        "direction", "outcome",
    )

    def _outcome_sql(self, next_direction, lead_status, is_won):
        """The outcome of a stay from where it led and the lead's status, row
        by row and bucket by bucket alike."""
        return SQL("""CASE WHEN %(next)s = 'backward' THEN 'backward'
                           WHEN %(next)s = 'forward' THEN 'forward'
                           WHEN %(status)s = 'lost' THEN 'lost'
                           WHEN %(status)s = 'won' AND %(is_won)s THEN 'won'
                           ELSE 'open' END""", next=next_direction, status=lead_status, is_won=is_won)

    def _select(self):
        return SQL("""
            h.id AS id, h.id AS history_id, h.lead_id, h.stage_id, h.next_stage_id,
            h.cycle_phase_id, h.team_id, h.user_id, h.company_id, h.date_in, h.date_out,
            h.direction, o.outcome,
            1 AS stay_count,
            (d.days IS NOT NULL)::int AS timed_count,
            (o.outcome IN ('forward', 'backward', 'lost'))::int AS ended_count,
            d.days AS duration_days, d.days AS max_duration_days,
            CASE o.outcome WHEN 'forward' THEN 100.0::float8 WHEN 'backward' THEN 0.0::float8
                           WHEN 'lost' THEN 0.0::float8 END AS conversion_rate,
            (o.outcome = 'lost')::int AS lost_count
        """)

    def _from(self):
        return SQL("""
            sales_cycle_stage_history h
            LEFT JOIN crm_stage s ON s.id = h.stage_id
            CROSS JOIN LATERAL (SELECT CASE WHEN s.is_won IS NOT TRUE THEN COALESCE(
                h.duration_days, date_part('epoch', (now() AT TIME ZONE 'UTC') - h.date_in) / 86400.0
            ) END AS days) d
            CROSS JOIN LATERAL (SELECT %s AS outcome) o
        """, self._outcome_sql(SQL("h.next_direction"), SQL("h.lead_status"), SQL("s.is_won")))

    def _where(self):
        return SQL("TRUE")

    def _rollup_query(self):
        """Stays summed up: those that moved on with their way out as outcome
        and their time (none in a won stage), the open ones with their time
        until now from their entry times and the lead's status as outcome; the
        few ended ones without a way out or a time, row by row."""
        keys = SQL(", ").join(SQL.identifier(f) for f in self._rollup_fields)
        # open stays of a bucket: its stays but the ended ones (see _member)
        open_count = SQL("(su.stay_count - su.days_count)")
        timed = SQL("s.is_won IS NOT TRUE")
        return SQL("""
            SELECT su.stage_id, su.next_stage_id, su.cycle_phase_id, su.team_id, su.user_id,
                   su.company_id, su.direction, su.next_direction AS outcome,
                   su.days_count AS stay_count,
                   CASE WHEN %(timed)s THEN su.days_sum END AS days_sum,
                   CASE WHEN %(timed)s THEN su.days_count ELSE 0 END AS days_count,
                   CASE WHEN su.next_direction = 'forward' THEN 100.0 * su.days_count
                        ELSE 0.0 END::float8 AS conversion_sum,
                   su.days_count AS conversion_count,
                   0 AS lost_count
              FROM (%(buckets)s) su
              LEFT JOIN crm_stage s ON s.id = su.stage_id
             WHERE su.next_direction IS NOT NULL
            UNION ALL
            SELECT su.stage_id, su.next_stage_id, su.cycle_phase_id, su.team_id, su.user_id,
                   su.company_id, su.direction, o.outcome, %(open)s,
                   CASE WHEN %(timed)s THEN (%(open)s * EXTRACT(EPOCH FROM now() AT TIME ZONE 'UTC')
                                             - su.date_in_sum) / 86400.0 END,
                   CASE WHEN %(timed)s THEN %(open)s ELSE 0 END,
                   0.0::float8,
                   CASE WHEN o.outcome = 'lost' THEN %(open)s ELSE 0 END,
                   CASE WHEN o.outcome = 'lost' THEN %(open)s ELSE 0 END
              FROM (%(buckets)s) su
              LEFT JOIN crm_stage s ON s.id = su.stage_id
             CROSS JOIN LATERAL (SELECT %(outcome)s AS outcome) o
             WHERE su.next_direction IS NULL AND %(open)s > 0
            UNION ALL
            SELECT %(keys)s, 1, duration_days, (duration_days IS NOT NULL)::int,
                   COALESCE(conversion_rate, 0.0), (conversion_rate IS NOT NULL)::int, lost_count
              FROM (SELECT %(select)s FROM %(from)s
                     WHERE h.date_out IS NOT NULL
                       AND (h.next_direction IS NULL OR h.duration_days IS NULL)) u
        """, keys=keys, buckets=self.env["sales.cycle.stage.summary"]._buckets(), open=open_count,
            timed=timed, outcome=self._outcome_sql(SQL("NULL"), SQL("su.lead_status"), SQL("s.is_won")),
            select=self._select(), **{"from": self._from()})

    def _rollup_aggregates(self):
        count = self._rollup_total("stay_count")
        return {
            "__count": count,
            "stay_count:sum": count,
            # the sample sizes the report base asks with the averages
            "timed_count:sum": self._rollup_total("days_count"),
            "ended_count:sum": self._rollup_total("conversion_count"),
            "duration_days:avg": self._rollup_average("days_sum", "days_count"),
            "conversion_rate:avg": self._rollup_average("conversion_sum", "conversion_count"),
            "lost_count:sum": self._rollup_total("lost_count"),
        }
