from odoo import api, fields, models
from odoo.tools import SQL

# what a stay is summed up by: the fields the time-in-stage pivot and the stage
# report group and filter on, record rules' company included
SUMMARY_KEYS = [
    "stage_id", "next_stage_id", "cycle_phase_id", "team_id", "user_id", "company_id",
    "direction", "next_direction", "lead_status",
]
# what a bucket sums: stays, ended stays with their time, and the entry times
# of the open ones (seconds since the epoch), which give their time until now
SUMMARY_SUMS = "stay_count, days_count, days_sum, days_max, date_in_sum"


def _keys(alias=None):
    return SQL(", ").join(SQL.identifier(alias, key) if alias else SQL.identifier(key)
                          for key in SUMMARY_KEYS)


def _hash_key(alias):
    """The bucket of a row as one hashable value (NULL keys compare equal)."""
    return SQL("concat_ws('|', %s)", SQL(", ").join(
        SQL("COALESCE(%s::text, '')", SQL.identifier(alias, key)) for key in SUMMARY_KEYS
    ))


class SalesCycleStageSummary(models.Model):
    """Stays summed up by stage, next stage, phase, team, salesperson, company,
    directions and the lead's status: what the time-in-stage pivot and the
    stage report read instead of millions of stays when they group and filter
    on those only. Ended stays with their time (count, sum, longest), open ones
    counted with the sum of their entry times.

    Rows are added, never updated, by the statements that write the stays
    (statement triggers on the history, set-based, created in ``init``): a stay
    written adds itself, a stay deleted or changed subtracts itself, and a
    bucket that loses its longest stay is summed again from the stays. So
    concurrent moves never wait on each other here; the hourly compaction
    folds the rows of each bucket into one."""

    _name = "sales.cycle.stage.summary"
    _description = "Lead Stage Stays Summary"
    _log_access = False

    # ids, not many2one: no foreign keys, the history's own (set null, cascade)
    # rewrite the stays and the triggers carry that over
    stage_id = fields.Integer(readonly=True)
    next_stage_id = fields.Integer(readonly=True)
    cycle_phase_id = fields.Integer(readonly=True)
    team_id = fields.Integer(readonly=True)
    user_id = fields.Integer(readonly=True)
    company_id = fields.Integer(readonly=True)
    direction = fields.Char(readonly=True)
    next_direction = fields.Char(readonly=True)
    lead_status = fields.Char(readonly=True)
    stay_count = fields.Integer(readonly=True)
    days_count = fields.Integer(readonly=True, help="Stays with their time: the ended ones.")
    days_sum = fields.Float(readonly=True)
    days_max = fields.Float(readonly=True)
    date_in_sum = fields.Float(readonly=True, help="Entry times of the open stays, in seconds.")

    def init(self):
        for name, body in [
            ("sales_cycle_stage_summary_insert", _add_sql()),
            ("sales_cycle_stage_summary_delete", _remove_sql(with_new=False)),
            # an update takes its rows out of their old buckets, then puts them in the new
            ("sales_cycle_stage_summary_update", SQL("%s %s", _remove_sql(with_new=True), _add_sql())),
        ]:
            self.env.cr.execute(SQL("""
                CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN %s RETURN NULL; END $body$
            """, SQL.identifier(name), body))
        self.env.cr.execute("""
            CREATE OR REPLACE FUNCTION sales_cycle_stage_summary_truncate() RETURNS trigger
            LANGUAGE plpgsql AS $body$ BEGIN TRUNCATE sales_cycle_stage_summary; RETURN NULL; END $body$;
            CREATE OR REPLACE TRIGGER sales_cycle_stage_summary_insert AFTER INSERT
                ON sales_cycle_stage_history REFERENCING NEW TABLE AS new_stays
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_stage_summary_insert();
            CREATE OR REPLACE TRIGGER sales_cycle_stage_summary_update AFTER UPDATE
                ON sales_cycle_stage_history REFERENCING OLD TABLE AS old_stays NEW TABLE AS new_stays
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_stage_summary_update();
            CREATE OR REPLACE TRIGGER sales_cycle_stage_summary_delete AFTER DELETE
                ON sales_cycle_stage_history REFERENCING OLD TABLE AS old_stays
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_stage_summary_delete();
            CREATE OR REPLACE TRIGGER sales_cycle_stage_summary_truncate AFTER TRUNCATE
                ON sales_cycle_stage_history
                FOR EACH STATEMENT EXECUTE FUNCTION sales_cycle_stage_summary_truncate();
        """)
        # a database that had stays before the summary existed, or before the
        # stays had the lead's status and the summary their entry times
        self.env.cr.execute("""
            SELECT (NOT EXISTS (SELECT 1 FROM sales_cycle_stage_summary)
                    OR EXISTS (SELECT 1 FROM sales_cycle_stage_summary WHERE date_in_sum IS NULL))
               AND EXISTS (SELECT 1 FROM sales_cycle_stage_history)
        """)
        if self.env.cr.fetchone()[0]:
            self.env.cr.execute("""
                UPDATE sales_cycle_stage_history h SET lead_status = l.won_status
                  FROM crm_lead l
                 WHERE l.id = h.lead_id AND h.lead_status IS NULL
                   AND (h.date_out IS NULL OR h.next_direction IS NULL OR h.duration_days IS NULL)
            """)
            self._rebuild()

    @api.model
    def _rebuild(self):
        """Sum up every ended stay again, in one statement."""
        self.env["sales.cycle.stage.history"].flush_model()
        self.env.cr.execute(SQL("""
            DELETE FROM sales_cycle_stage_summary;
            INSERT INTO sales_cycle_stage_summary (%(keys)s, %(sums)s)
            SELECT %(keys)s, %(summed)s
              FROM sales_cycle_stage_history h WHERE %(member)s GROUP BY %(keys)s
        """, keys=_keys(), sums=SQL(SUMMARY_SUMS), summed=_summed("h"), member=_member("h")))
        self.invalidate_model()

    @api.model
    def _buckets(self):
        """Query of the buckets that hold stays, one row each, for the reports."""
        return SQL("""
            SELECT %(keys)s, sum(stay_count)::int AS stay_count, sum(days_count)::int AS days_count,
                   sum(days_sum) AS days_sum, max(days_max) AS days_max,
                   sum(date_in_sum) AS date_in_sum
              FROM sales_cycle_stage_summary GROUP BY %(keys)s HAVING sum(stay_count) != 0
        """, keys=_keys())

    @api.model
    def _cron_compact(self):
        """Fold the rows of each bucket into one, dropping the emptied buckets
        (hourly): what the reports read stays as small as the buckets."""
        self.env.cr.execute(SQL("""
            WITH gone AS (DELETE FROM sales_cycle_stage_summary RETURNING *)
            INSERT INTO sales_cycle_stage_summary (%(keys)s, %(sums)s)
            SELECT %(keys)s, sum(stay_count), sum(days_count), sum(days_sum), max(days_max),
                   sum(date_in_sum)
              FROM gone GROUP BY %(keys)s HAVING sum(stay_count) != 0
        """, keys=_keys(), sums=SQL(SUMMARY_SUMS)))
        self.invalidate_model()


def _member(alias):
    """Whether a stay of ``alias`` belongs in the summary: open, or ended with
    its time stored."""
    return SQL("(%s IS NULL OR %s IS NOT NULL)",
               SQL.identifier(alias, "date_out"), SQL.identifier(alias, "duration_days"))


def _ended(alias):
    """Whether a stay of ``alias`` is ended, with its time: one that may be the
    longest of its bucket."""
    return SQL("%s IS NOT NULL AND %s IS NOT NULL",
               SQL.identifier(alias, "date_out"), SQL.identifier(alias, "duration_days"))


def _summed(alias, taken=False):
    """What the stays of ``alias`` add to their bucket, or take from it
    (``taken``: then no longest, see _remove_sql)."""
    sign = SQL("-" if taken else "")
    days = SQL.identifier(alias, "duration_days")
    return SQL("""%(sign)scount(*), %(sign)scount(%(days)s), %(sign)ssum(%(days)s), %(longest)s,
                  %(sign)sCOALESCE(sum(EXTRACT(EPOCH FROM %(date_in)s))
                                   FILTER (WHERE %(date_out)s IS NULL), 0)""",
               sign=sign, days=days, longest=SQL("NULL") if taken else SQL("max(%s)", days),
               date_in=SQL.identifier(alias, "date_in"), date_out=SQL.identifier(alias, "date_out"))


def _add_sql():
    """Statement of the triggers: the stays of ``new_stays`` into their buckets."""
    return SQL("""
        INSERT INTO sales_cycle_stage_summary (%(keys)s, %(sums)s)
        SELECT %(keys)s, %(summed)s FROM new_stays n WHERE %(member)s GROUP BY %(keys)s;
    """, keys=_keys(), sums=SQL(SUMMARY_SUMS), summed=_summed("n"), member=_member("n"))


def _remove_sql(with_new):
    """Statements of the triggers: the stays of ``old_stays`` out of their
    buckets; a bucket whose longest stay left it (and no stay as long came in
    with ``new_stays``) is summed again from the stays. A move takes an open
    stay out, which is never the longest: no more than one statement."""
    came_in = SQL("""AND NOT EXISTS (SELECT 1 FROM new_stays n
                                      WHERE %s AND %s = g.bucket AND n.duration_days >= g.days)""",
                  _ended("n"), _hash_key("n")) if with_new else SQL()
    # the stays of new_stays are added after this: not summed here as well
    not_new = SQL("AND NOT EXISTS (SELECT 1 FROM new_stays n WHERE n.id = h.id)") if with_new else SQL()
    return SQL("""
        INSERT INTO sales_cycle_stage_summary (%(keys)s, %(sums)s)
        SELECT %(keys)s, %(taken)s FROM old_stays o WHERE %(old_member)s GROUP BY %(keys)s;
        IF EXISTS (SELECT 1 FROM old_stays o WHERE %(old_ended)s) THEN
            WITH gone AS (
                SELECT %(old_key)s AS bucket, max(o.duration_days) AS days
                  FROM old_stays o WHERE %(old_ended)s GROUP BY 1
            ), longest AS (
                SELECT %(summary_key)s AS bucket, max(s.days_max) AS days
                  FROM sales_cycle_stage_summary s GROUP BY 1
            ), lost AS (
                SELECT g.bucket FROM gone g JOIN longest l ON l.bucket = g.bucket
                 WHERE g.days >= l.days %(came_in)s
            ), dropped AS (
                DELETE FROM sales_cycle_stage_summary s USING lost WHERE %(summary_key)s = lost.bucket
            )
            INSERT INTO sales_cycle_stage_summary (%(keys)s, %(sums)s)
            SELECT %(h_keys)s, %(h_summed)s
              FROM sales_cycle_stage_history h
             WHERE %(h_member)s AND %(h_key)s IN (SELECT bucket FROM lost) %(not_new)s
          GROUP BY %(h_keys)s;
        END IF;
    """, keys=_keys(), sums=SQL(SUMMARY_SUMS), taken=_summed("o", taken=True), h_summed=_summed("h"),
        old_member=_member("o"), old_ended=_ended("o"), old_key=_hash_key("o"),
        summary_key=_hash_key("s"),
        came_in=came_in, not_new=not_new, h_keys=_keys("h"), h_key=_hash_key("h"), h_member=_member("h"))
