
import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from ..report.sales_cycle_sql_report import disable_jit

# what crm_lead._sync_stage_history keeps on the lead, written here in bulk too
LEAD_FIGURES = ["cycle_stage_count", "cycle_backward_count", "cycle_phase_reached_ids",
                "cycle_phases_reached_key"]


class SalesCycleStageHistory(models.Model):
    """One row per stay of a lead in a stage, written in set-based SQL by crm.lead
    (see crm_lead._sync_stage_history) and by the install backfill."""

    _name = "sales.cycle.stage.history"
    _inherit = ["sales.cycle.rollup.mixin"]
    _description = "Lead Stage Stay"
    _order = "lead_id, date_in desc, id desc"
    _rec_name = "stage_id"
    # written in SQL only, always by the system: who/when columns would add two
    # foreign keys to check on every stay written, and date_in says when
    _log_access = False

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", readonly=True)
    stage_id = fields.Many2one(
        "crm.stage", ondelete="set null", readonly=True,
        help="Empty when the stage was deleted since.",
    )
    cycle_phase_id = fields.Many2one(
        "sales.cycle.phase", ondelete="set null", readonly=True,
        help="Phase of the stage when the lead entered it.",
    )
    team_id = fields.Many2one("crm.team", ondelete="set null", readonly=True)
    user_id = fields.Many2one(
        "res.users", "Salesperson", ondelete="set null", readonly=True
    )
    company_id = fields.Many2one("res.company", ondelete="set null", readonly=True)
    date_in = fields.Datetime("Entered", required=True, readonly=True)
    date_out = fields.Datetime("Left", readonly=True, help="Empty while the lead is in this stage.")
    duration_days = fields.Float(
        "Days in Stage", digits=(16, 2), readonly=True, aggregator="avg",
        help="Time of the stay in days; stored when the lead leaves the stage.",
    )
    direction = fields.Selection(
        [("first", "First"), ("forward", "Forward"), ("backward", "Backward")],
        required=True, readonly=True,
        help="How the lead entered the stage, by stage sequence.",
    )
    next_stage_id = fields.Many2one(
        "crm.stage", ondelete="set null", readonly=True,
        help="The stage the lead went to when it left this one.",
    )
    next_direction = fields.Selection(
        [("forward", "Forward"), ("backward", "Backward")], readonly=True,
        help="How the lead left this stage: the direction of its next stay.",
    )
    lead_status = fields.Selection(
        [("pending", "Open"), ("won", "Won"), ("lost", "Lost")], readonly=True,
        help="The lead's status (as crm's won_status) while it is in this stage, kept when it "
        "leaves: how the stage report tells a current stay from a deal won or lost there.",
    )
    is_current = fields.Boolean(compute="_compute_is_current", search="_search_is_current")
    days = fields.Float(
        compute="_compute_days", digits=(16, 2),
        help="Time of the stay in days; for the current stay, until now.",
    )
    # the same figure again, aggregated by max: pivots take one aggregator per
    # field; written by the same statements as duration_days
    max_duration_days = fields.Float(
        "Longest Stay (days)", digits=(16, 2), readonly=True, aggregator="max"
    )

    _one_open_stay = models.UniqueIndex(
        "(lead_id) WHERE date_out IS NULL",
        "A lead can only have one current stay.",
    )
    # The only other index: it serves lead lookups (form, record rules through
    # lead_id, the cascade on lead deletion) and the latest-stay lookup of each
    # move. Closing a stay changes date_out, which the partial index above
    # filters on, so that UPDATE is never HOT and pays one entry per index: no
    # single-column index on stage/phase/team/user/company, which the reports
    # group on with full scans anyway and which are only deleted rarely.
    _lead_date_in_idx = models.Index("(lead_id, date_in)")
    # The ended stays the summary cannot hold or the stage report cannot take
    # from it (no time stored, or no way out known: their outcome hangs on the
    # lead), read one by one with the open stays. A move never lands here: it
    # closes a stay with both, so this index stays about empty.
    _unsettled_idx = models.Index(
        "(lead_id) WHERE date_out IS NOT NULL AND (next_direction IS NULL OR duration_days IS NULL)"
    )

    # what the time-in-stage pivot reads from sales.cycle.stage.summary
    _rollup_fields = (
        "stage_id", "next_stage_id", "cycle_phase_id", "team_id", "user_id", "company_id",
        "direction", "next_direction", "lead_status",
    )

    @api.depends("date_out")
    def _compute_is_current(self):
        for stay in self:
            stay.is_current = not stay.date_out

    @api.depends("date_in", "date_out", "duration_days")
    def _compute_days(self):
        now = fields.Datetime.now()
        for stay in self:
            if stay.date_out or not stay.date_in:
                stay.days = stay.duration_days
            else:
                stay.days = max((now - stay.date_in).total_seconds() / 86400.0, 0.0)

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        current = (operator == "=") == bool(value)
        return [("date_out", "=" if current else "!=", False)]

    def _rollup_query(self):
        # stays summed up, those ended without their time one by one; the
        # longest stay: duration_days and max_duration_days are written alike
        keys = SQL(", ").join(SQL.identifier(f) for f in self._rollup_fields)
        return SQL("""
            SELECT %(keys)s, stay_count, days_sum, days_count, days_max FROM (%(buckets)s) b
            UNION ALL
            SELECT %(keys)s, 1, duration_days, (duration_days IS NOT NULL)::int, max_duration_days
              FROM sales_cycle_stage_history
             WHERE date_out IS NOT NULL AND duration_days IS NULL
        """, keys=keys, buckets=self.env["sales.cycle.stage.summary"]._buckets())

    def _rollup_aggregates(self):
        longest = SQL("MAX(%s)", SQL.identifier(self._table, "days_max"))
        return {
            "__count": self._rollup_total("stay_count"),
            "duration_days:avg": self._rollup_average("days_sum", "days_count"),
            "duration_days:sum": self._rollup_total("days_sum", "float8"),
            "max_duration_days:max": longest,
            "duration_days:max": longest,
        }

    @api.model
    def _record_moves(self, closes, opens):
        """Close the open stays of ``closes`` [(lead id, stage now, direction,
        moved at, status now)], noting where each lead went and its status, then open the stays of
        ``opens`` [(lead id, stage, phase, team, salesperson, company, date in,
        direction, lead status)] (none where the lead's open stay is in that stage already)
        and note their phase among the phases the lead reached: one statement
        for any number of leads. Returns [(lead id, direction, phase id)] of
        the stays opened."""
        if not opens:
            if closes:
                self.env.cr.execute(SQL("WITH closed AS (%s) SELECT 1", self._close_stays_sql(closes)))
            return []
        # the partial unique index on open stays must see a stay closed before
        # the insert checks it: the insert waits for the close (an InitPlan)
        # and the row the close replaced no longer counts as open
        closed = SQL("closed AS (%s),", self._close_stays_sql(closes)) if closes else SQL()
        after_close = SQL("WHERE (SELECT count(*) FROM closed) >= 0") if closes else SQL()
        self.env.cr.execute(SQL("""
          WITH %s opened AS (
            INSERT INTO sales_cycle_stage_history
                   (lead_id, stage_id, cycle_phase_id, team_id, user_id, company_id,
                    date_in, direction, lead_status)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[],
                                 %s::int[], %s::timestamp[], %s::varchar[], %s::varchar[])
              %s
                ON CONFLICT (lead_id) WHERE date_out IS NULL DO NOTHING
            RETURNING lead_id, cycle_phase_id, direction
          ), reached AS (
            INSERT INTO crm_lead_cycle_phase_reached_rel (lead_id, phase_id)
            SELECT lead_id, cycle_phase_id FROM opened WHERE cycle_phase_id IS NOT NULL
            ON CONFLICT DO NOTHING
          )
            SELECT lead_id, direction, cycle_phase_id FROM opened
        """, closed, *_columns(opens), after_close))
        return self.env.cr.fetchall()

    @api.model
    def _close_stays_sql(self, closes):
        return SQL("""
                UPDATE sales_cycle_stage_history h
                   SET date_out = GREATEST(m.moved_at, h.date_in),
                       duration_days = GREATEST(EXTRACT(EPOCH FROM m.moved_at - h.date_in) / 86400.0, 0),
                       max_duration_days = GREATEST(EXTRACT(EPOCH FROM m.moved_at - h.date_in) / 86400.0, 0),
                       next_stage_id = m.stage_id, next_direction = NULLIF(m.direction, 'first'),
                       lead_status = m.status
                  FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::timestamp[], %s::varchar[])
                       AS m(lead_id, stage_id, direction, moved_at, status)
                 WHERE h.lead_id = ANY(%s::int[]) AND h.date_out IS NULL  -- the open stays' index
                   AND h.lead_id = m.lead_id AND h.stage_id IS DISTINCT FROM m.stage_id
             RETURNING h.id
            """, *_columns(closes), _array(row[0] for row in closes))

    @api.model
    def _record_lead_statuses(self, statuses):
        """Note the new status of each lead of ``statuses`` {lead id: status}
        on its current stay, in one statement."""
        if statuses:
            self.env.cr.execute(SQL("""
                UPDATE sales_cycle_stage_history h SET lead_status = s.status
                  FROM unnest(%s::int[], %s::varchar[]) AS s(lead_id, status)
                 WHERE h.lead_id = ANY(%s::int[]) AND h.date_out IS NULL  -- the open stays' index
                   AND h.lead_id = s.lead_id AND h.lead_status IS DISTINCT FROM s.status
            """, _array(statuses), _array(statuses.values()), _array(statuses)))
            self.invalidate_model(["lead_status"])

    @api.model
    def _last_stages(self, lead_ids):
        """{lead id: stage of its latest stay} for ``lead_ids`` (usually none)."""
        if not lead_ids:
            return {}
        self.env.cr.execute(SQL("""
            SELECT DISTINCT ON (lead_id) lead_id, stage_id FROM sales_cycle_stage_history
             WHERE lead_id = ANY(%s) AND stage_id IS NOT NULL
          ORDER BY lead_id, date_in DESC, id DESC
        """, lead_ids))
        Stage = self.env["crm.stage"]
        return {lead_id: Stage.browse(stage_id) for lead_id, stage_id in self.env.cr.fetchall()}

    @api.model
    def _read_group(self, *args, **kwargs):
        # the Time in Stage pivot aggregates the whole history, as the reports do
        disable_jit(self.env.cr)
        return super()._read_group(*args, **kwargs)

    @api.model
    def _backfill_from_tracking(self):
        """Rebuild the stays of leads that have none from the stage tracking of
        their chatter (and create_date for the first stay), with where each
        stay led to and the leads' stage counts, in one statement.

        Idempotent: leads that already have history are left alone, so a second
        run inserts nothing. A lead without stage tracking gets one open stay in
        its current stage. Durations match stock ``duration_tracking``.
        """
        self.env["crm.lead"].flush_model()
        self.env["mail.tracking.value"].flush_model()
        self.env["mail.message"].flush_model()
        # the plan hinges on how many leads have no history yet: with stale
        # statistics the planner expects one and nests loops over CTE scans,
        # quadratic in the number of leads
        self.env.cr.execute("ANALYZE sales_cycle_stage_history")
        disable_jit(self.env.cr)  # compiling this plan costs more than running it
        # the window over every change sorts them all: in memory rather than on disk
        self.env.cr.execute("SET LOCAL work_mem = '256MB'")
        restore = [*self._drop_keys_while_empty(self._table),
                   *self._drop_keys_while_empty("crm_lead_cycle_phase_reached_rel")]
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        Stage = self.env["crm.stage"]
        self.env.cr.execute(SQL("""
            WITH todo AS (
                SELECT l.id, l.create_date, l.stage_id, l.team_id, l.user_id, l.company_id,
                       l.won_status
                  FROM crm_lead l
                 WHERE l.stage_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM sales_cycle_stage_history h WHERE h.lead_id = l.id)
            ),
            reached_before AS (
                SELECT r.lead_id, array_agg(r.phase_id) AS phases
                  FROM crm_lead_cycle_phase_reached_rel r JOIN todo t ON t.id = r.lead_id
              GROUP BY r.lead_id
            ),
            changes AS (
                SELECT m.res_id AS lead_id, v.id AS tracking_id, v.create_date AS changed_at,
                       v.old_value_integer AS old_stage, v.new_value_integer AS new_stage
                  FROM mail_tracking_value v
                  JOIN mail_message m ON m.id = v.mail_message_id
                  JOIN todo t ON t.id = m.res_id
                 WHERE m.model = 'crm.lead' AND v.field_id = %(field_id)s
            ),
            stays AS (
                -- the stay before the first change, from the lead's creation
                SELECT DISTINCT ON (c.lead_id) c.lead_id, c.old_stage AS stage_id,
                       t.create_date AS date_in
                  FROM changes c JOIN todo t ON t.id = c.lead_id
              ORDER BY c.lead_id, c.changed_at, c.tracking_id
            ),
            all_stays AS (
                SELECT lead_id, stage_id, date_in, 0 AS ord, 0 AS tracking_id FROM stays
                 UNION ALL
                SELECT lead_id, new_stage, changed_at, 1, tracking_id FROM changes
                 UNION ALL
                -- leads without any stage tracking: one open stay since creation
                SELECT t.id, t.stage_id, t.create_date, 0, 0 FROM todo t
                 WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.lead_id = t.id)
            ),
            ordered AS (
                SELECT a.*,
                       lead(a.date_in) OVER w AS date_out,
                       EXTRACT(EPOCH FROM lead(a.date_in) OVER w - a.date_in) / 86400.0 AS days,
                       lag(a.stage_id) OVER w AS prev_stage,
                       lead(a.stage_id) OVER w AS next_stage,
                       row_number() OVER w AS rn
                  FROM all_stays a
                WINDOW w AS (PARTITION BY a.lead_id ORDER BY a.date_in, a.ord, a.tracking_id)
            ),
            inserted AS (
                INSERT INTO sales_cycle_stage_history
                       (lead_id, stage_id, cycle_phase_id, team_id, user_id, company_id,
                        date_in, date_out, duration_days, max_duration_days, direction,
                        next_stage_id, next_direction, lead_status)
                SELECT o.lead_id, s.id, s.cycle_phase_id, t.team_id, t.user_id, t.company_id,
                       o.date_in, o.date_out, o.days, o.days,
                       CASE WHEN o.rn = 1 THEN 'first'
                            WHEN %(came_back)s THEN 'backward'
                            ELSE 'forward' END,
                       -- where it went: the next row's direction, by the same rule
                       ns.id,
                       CASE WHEN o.date_out IS NULL THEN NULL
                            WHEN %(went_back)s THEN 'backward'
                            ELSE 'forward' END,
                       t.won_status
                  FROM ordered o
                  JOIN todo t ON t.id = o.lead_id
             LEFT JOIN crm_stage s ON s.id = o.stage_id
             LEFT JOIN crm_stage ps ON ps.id = o.prev_stage
             LEFT JOIN crm_stage ns ON ns.id = o.next_stage
             RETURNING lead_id, stage_id, cycle_phase_id, direction
            ),
            phases AS (
                INSERT INTO crm_lead_cycle_phase_reached_rel (lead_id, phase_id)
                SELECT DISTINCT lead_id, cycle_phase_id FROM inserted WHERE cycle_phase_id IS NOT NULL
                ON CONFLICT DO NOTHING
            ),
            counts AS (
                SELECT lead_id, count(*) FILTER (WHERE direction != 'first') AS stage_count,
                       count(*) FILTER (WHERE direction = 'backward') AS backward_count,
                       count(*) AS stays,
                       array_to_string(array_agg(DISTINCT cycle_phase_id ORDER BY cycle_phase_id)
                                       FILTER (WHERE cycle_phase_id IS NOT NULL), ',') AS phases
                  FROM inserted GROUP BY lead_id
            ),
            -- the leads' counts (as crm_lead._sync_stage_history keeps them)
            -- and the key of their phases reached, where the rebuilt past
            -- changes them
            updated AS (
                UPDATE crm_lead l
                   SET cycle_stage_count = c.stage_count, cycle_backward_count = c.backward_count,
                       cycle_phases_reached_key = c.phases
                  FROM (SELECT c.lead_id, c.stage_count, c.backward_count,
                               -- with the phases the lead had reached already
                               CASE WHEN b.phases IS NULL THEN c.phases
                                    ELSE (SELECT string_agg(p::text, ',' ORDER BY p) FROM (
                                              SELECT DISTINCT unnest(
                                                  string_to_array(c.phases, ',')::int[] || b.phases) AS p
                                          ) x)
                               END AS phases
                          FROM counts c LEFT JOIN reached_before b ON b.lead_id = c.lead_id) c
                 WHERE l.id = c.lead_id
                   AND (COALESCE(l.cycle_stage_count, 0), COALESCE(l.cycle_backward_count, 0),
                        l.cycle_phases_reached_key)
                       IS DISTINCT FROM (c.stage_count, c.backward_count, c.phases)
            )
            SELECT COALESCE(sum(stays), 0) FROM counts
        """, field_id=field.id, came_back=Stage._sql_is_before(*_stage_columns("s"), *_stage_columns("ps")),
            went_back=Stage._sql_is_before(*_stage_columns("ns"), *_stage_columns("s"))))
        count = int(self.env.cr.fetchone()[0])
        for statement in restore:
            self.env.cr.execute(statement)
        if restore:
            self.env.cr.execute("ANALYZE sales_cycle_stage_history")
            self.env.cr.execute("ANALYZE crm_lead_cycle_phase_reached_rel")
        self.env["crm.lead"].invalidate_model(LEAD_FIGURES)
        self.invalidate_model()
        return count

    @api.model
    def _drop_keys_while_empty(self, table):
        """With ``table`` empty (the install), drop its foreign keys and its
        indexes but those of its constraints, and return the statements that
        put them back: building an index once after the load and checking a
        foreign key in one join cost a fraction of doing both row by row (as a
        restore loads). Nothing else can write the table meanwhile: dropping
        them locks it."""
        self.env.cr.execute(SQL("SELECT EXISTS (SELECT 1 FROM %s)", SQL.identifier(table)))
        if self.env.cr.fetchone()[0]:
            return []
        self.env.cr.execute(SQL("""
            SELECT format('DROP INDEX %%I', c.relname), pg_get_indexdef(c.oid), 1 AS ord
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE i.indrelid = %(table)s::regclass
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
             UNION ALL
            SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', %(table)s, conname),
                   format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', %(table)s, conname,
                          pg_get_constraintdef(oid)), 2
              FROM pg_constraint WHERE conrelid = %(table)s::regclass AND contype = 'f'
          ORDER BY ord, 1
        """, table=table))
        keys = self.env.cr.fetchall()
        for drop, _restore, _ord in keys:
            self.env.cr.execute(drop)
        # the indexes first: a foreign key is checked with the table complete
        return [restore for _drop, restore, _ord in keys]

    @api.model
    def _recompute_lead_figures(self, lead_ids=None):
        """Derive from the stays of ``lead_ids`` what the live path writes move
        by move: where each stay led to (crm_lead._sync_stage_history) and the
        leads' stage-change and backward-move counts and phases reached. For
        stays written in bulk (demo, imports, benchmarks), one statement each,
        whatever the number. Without ``lead_ids``: the leads with stays
        written in bulk since, whose last stay has no direction of exit yet
        while they have left it."""
        self.flush_model()
        if lead_ids is None:
            self.env.cr.execute("""SELECT DISTINCT lead_id FROM sales_cycle_stage_history
                                    WHERE date_out IS NOT NULL AND next_direction IS NULL""")
            lead_ids = [row[0] for row in self.env.cr.fetchall()]
        where = SQL("lead_id = ANY(%s)", list(lead_ids))
        self.env["crm.lead"].flush_model(["stage_id"])
        self.env.cr.execute(SQL("""
            UPDATE crm_lead l
               SET cycle_stage_count = c.stage_count, cycle_backward_count = c.backward_count
              FROM (SELECT lead_id, count(*) FILTER (WHERE direction != 'first') AS stage_count,
                           count(*) FILTER (WHERE direction = 'backward') AS backward_count
                      FROM sales_cycle_stage_history WHERE %s GROUP BY lead_id) c
             WHERE l.id = c.lead_id
        """, where))
        self.env.cr.execute(SQL("""
            UPDATE sales_cycle_stage_history h
               SET next_stage_id = d.next_stage_id, next_direction = d.next_direction
              FROM (SELECT id,
                           CASE WHEN date_out IS NOT NULL THEN lead(stage_id) OVER w END AS next_stage_id,
                           CASE WHEN date_out IS NOT NULL THEN lead(direction) OVER w END AS next_direction
                      FROM sales_cycle_stage_history WHERE %s
                    WINDOW w AS (PARTITION BY lead_id ORDER BY date_in, id)) d
             WHERE h.id = d.id
        """, where))
        self.env.cr.execute(SQL("""
            INSERT INTO crm_lead_cycle_phase_reached_rel (lead_id, phase_id)
            SELECT DISTINCT lead_id, cycle_phase_id FROM sales_cycle_stage_history
             WHERE %s AND cycle_phase_id IS NOT NULL
            ON CONFLICT DO NOTHING
        """, where))
        self.env.cr.execute(SQL("""
            UPDATE crm_lead l SET cycle_phases_reached_key = k.phases
              FROM (SELECT lead_id, string_agg(phase_id::text, ',' ORDER BY phase_id) AS phases
                      FROM crm_lead_cycle_phase_reached_rel WHERE %s GROUP BY lead_id) k
             WHERE l.id = k.lead_id AND l.cycle_phases_reached_key IS DISTINCT FROM k.phases
        """, where))
        self.env["crm.lead"].invalidate_model(LEAD_FIGURES)
        self.invalidate_model()


def _columns(rows):
    """The columns of ``rows`` as array literals (False -> NULL), for unnest()
    parameters."""
    return [_array(column) for column in zip(*rows, strict=True)]


def _array(values):
    """``values`` (integers, strings or datetimes; False or None: NULL) as one
    PostgreSQL array literal, to cast in SQL: psycopg2 would quote each element
    of a list apart, a few milliseconds per thousand."""
    return "{" + ",".join(_array_element(value) for value in values) + "}"


def _array_element(value):
    if value is None or value is False:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.date):
        return f'"{value.isoformat()}"'
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"no array literal for {value!r}")


def _stage_columns(alias):
    """The sequence and id columns of the stage table aliased ``alias``."""
    return SQL.identifier(alias, "sequence"), SQL.identifier(alias, "id")
