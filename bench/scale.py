"""Scale benchmark of sales_cycle_mgmt: the install backfill and the cycle reports
on a pipeline of a million leads and ten million stays, generated in SQL.

Builds one throwaway database with ``crm`` and ``sales_cycle_mgmt`` and generates,
in set-based SQL only (``generate_series``, no ORM, no Python loop), ``--leads``
opportunities (1,000,000) of eight salespeople in two teams, with the stored
figures stock crm computes (prorated revenue, days to close), and ``--changes``
tracked stage changes per lead (10: ten million ``mail.tracking.value`` rows,
each with its ``mail.message``, as stock crm writes them), walking the open
stages and ending won, lost or open.

(1) The install backfill: ``sales.cycle.stage.history._backfill_from_tracking()``
    turns that chatter into the stays (leads + changes rows: eleven million),
    against a bare ``INSERT INTO <copy> SELECT * FROM sales_cycle_stage_history``
    of the very rows it wrote into an empty copy of the history table (same
    indexes, same foreign keys). Target: within 2x.
(2) The reports, on the history that backfill wrote: the request (``formatted_read_grouping_sets``) each
    pivot runs by default (time in stage, stage report, funnel, cycle report),
    ``--repeat-read`` times as a sales manager (record rules apply: the company
    rule), against the same request of stock ``crm.lead`` (pipeline analysis: by
    stage, expected and prorated revenue, count) on the same leads, each in turn
    run after run. Targets:
    under 1 s, and within 1.2x of stock on equal row counts (the time per row of
    the report over stock's). As a salesperson, for information.

Exits 0 whatever the figures (a benchmark is not a test), 1 when it could not run.
``.venv/bin/python bench/scale.py --conf .state/odoo.conf [--leads N --changes K]``;
``--keep`` then ``--reuse`` times the reports again without the set-up.
"""

import argparse
import os
import platform
import sys
import time

from stage_history import (
    admin_cursor,
    drop_db,
    env_for,
    explain_statements,
    guarded_run,
    median,
    odoo_install,
    pivot_request,
    say,
    vacuum_analyze,
    verdict,
)

import odoo.modules.registry
from odoo.tools import SQL, config

TARGET_SECONDS = 1.0
TARGET_RATIO = 1.2
TARGET_BACKFILL_RATIO = 2.0

# the reports timed, each with the request its default pivot sends
REPORT_MODELS = [
    "sales.cycle.stage.history",
    "sales.cycle.stage.report",
    "sales.cycle.funnel.report",
    "sales.cycle.report",
]
STOCK = ("crm.lead", ["stage_id"], ["expected_revenue:sum", "prorated_revenue:sum", "__count"])


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--conf", required=True, help="odoo.conf of the server to use")
    p.add_argument("--leads", type=int, default=1_000_000)
    p.add_argument("--changes", type=int, default=10,
                   help="tracked stage changes per lead (stays: leads x (changes + 1))")
    p.add_argument("--repeat-read", type=int, default=5, help="timed runs per report and user (median)")
    p.add_argument("--prefix", default="scm_bench", help="database name prefix (<prefix>_scale)")
    p.add_argument("--keep", action="store_true", help="keep the database at the end")
    p.add_argument("--reuse", action="store_true",
                   help="time the reports again on the database a --keep run left (implies --keep)")
    p.add_argument("--rerun-backfill", action="store_true",
                   help="with --reuse: empty the history and time (1) again on the same chatter")
    p.add_argument("--no-backfill-reference", action="store_true",
                   help="skip the bare INSERT..SELECT reference of (1) (half the set-up time)")
    p.add_argument("--manager-only", action="store_true", help="skip the salesperson's runs")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each report's query")
    args, _unknown = p.parse_known_args(argv)
    return args


def generate(registry, args):
    """Users in ORM (nine), then leads, messages and tracking values in SQL."""
    with env_for(registry, context={"tracking_disable": True, "mail_create_nolog": True}) as env:
        cr = env.cr
        salesman = env.ref("sales_team.group_sale_salesman")
        reps = env["res.users"].create([
            {"name": f"Bench Rep {i}", "login": f"bench_rep_{i}", "group_ids": [(6, 0, salesman.ids)]}
            for i in range(1, 9)
        ])
        env["res.users"].create({
            "name": "Bench Manager", "login": "bench_manager",
            "group_ids": [(6, 0, env.ref("sales_team.group_sale_manager").ids)],
        })
        teams = env["crm.team"].search([], order="id", limit=2)
        stages = env["crm.stage"].search([], order="sequence, id")
        open_ids = stages.filtered(lambda s: not s.is_won).ids
        won_id = stages.filtered("is_won")[:1].id
        field_id = env["ir.model.fields"]._get("crm.lead", "stage_id").id
        subtype_id = env.ref("crm.mt_lead_stage").id
        author_id = env.ref("base.partner_admin").id
        params = {
            "n": args.leads, "k": args.changes, "reps": reps.ids, "teams": teams.ids,
            "open": open_ids, "won": won_id, "company": env.company.id, "field": field_id,
            "subtype": subtype_id, "author": author_id,
        }
        env.flush_all()
        # foreign keys are not checked while loading: every id comes from the
        # tables above (a restore does the same)
        cr.execute("SET LOCAL session_replication_role = replica")
        # per lead: creation 30 to 730 days ago, an outcome (5 open, 3 won, 2
        # lost), a first open stage and a step through the open stages (one
        # forward mostly, two back sometimes); every change on the walk, the
        # last onto the won stage for won leads
        cr.execute(SQL("""
            CREATE TEMP TABLE bench_lead AS
            SELECT g AS n, now() AT TIME ZONE 'UTC' - make_interval(
                       secs => (30 + 700 * ((hashint4(g) & 65535) / 65536.0)) * 86400) AS created,
                   CASE WHEN g %% 10 < 5 THEN 'pending' WHEN g %% 10 < 8 THEN 'won' ELSE 'lost' END
                       AS outcome,
                   (hashint4(g + 7) & 255) %% cardinality(%(open)s::int[]) AS first_pos,
                   CASE WHEN (hashint4(g + 13) & 255) < 200 THEN 1
                        ELSE cardinality(%(open)s::int[]) - 1 END AS step
              FROM generate_series(1, %(n)s) g
        """, **params))
        cr.execute(SQL("""
            CREATE TEMP TABLE bench_change AS
            SELECT l.n, j,
                   l.created + (now() AT TIME ZONE 'UTC' - l.created) * j / (%(k)s + 1.0) AS changed_at,
                   (%(open)s::int[])[(l.first_pos + (j - 1) * l.step) %% cardinality(%(open)s::int[]) + 1]
                       AS old_stage,
                   CASE WHEN j = %(k)s AND l.outcome = 'won' THEN %(won)s
                        ELSE (%(open)s::int[])[(l.first_pos + j * l.step) %% cardinality(%(open)s::int[]) + 1]
                   END AS new_stage
              FROM bench_lead l CROSS JOIN generate_series(1, %(k)s) j
        """, **params))
        cr.execute(SQL("""
            INSERT INTO crm_lead (name, type, active, stage_id, team_id, user_id, company_id,
                                  create_date, write_date, create_uid, write_uid,
                                  date_last_stage_update, won_status, probability, expected_revenue,
                                  prorated_revenue, date_closed, date_open, day_open, day_close,
                                  priority, cycle_phase_id)
            SELECT 'Bench scale lead ' || l.n, 'opportunity', l.outcome != 'lost', v.stage_id,
                   (%(teams)s::int[])[l.n %% cardinality(%(teams)s::int[]) + 1],
                   (%(reps)s::int[])[l.n %% cardinality(%(reps)s::int[]) + 1], %(company)s,
                   l.created, l.created, 1, 1, COALESCE(c.changed_at, l.created), l.outcome,
                   v.probability, v.expected_revenue,
                   -- the stored computes stock crm writes with them
                   round(v.expected_revenue * v.probability / 100.0, 2), v.date_closed, l.created, 0,
                   floor(EXTRACT(EPOCH FROM v.date_closed - l.created) / 86400), '0', s.cycle_phase_id
              FROM bench_lead l
              LEFT JOIN bench_change c ON c.n = l.n AND c.j = %(k)s
             CROSS JOIN LATERAL (
                SELECT COALESCE(c.new_stage, (%(open)s::int[])[l.first_pos + 1]) AS stage_id,
                       CASE l.outcome WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE 10 + l.n %% 80 END
                           AS probability,
                       1000 + (hashint4(l.n + 3) & 65535) AS expected_revenue,
                       CASE WHEN l.outcome != 'pending' THEN c.changed_at END AS date_closed
             ) v
              JOIN crm_stage s ON s.id = v.stage_id
          ORDER BY l.n
        """, **params))
        cr.execute("SELECT min(id) - 1 FROM crm_lead WHERE name LIKE 'Bench scale lead %%'")
        offset = cr.fetchone()[0]
        cr.execute(SQL("""
            CREATE TEMP TABLE bench_message AS
            SELECT nextval('mail_message_id_seq') AS id, c.* FROM bench_change c
        """))
        cr.execute(SQL("""
            INSERT INTO mail_message (id, model, res_id, message_type, subtype_id, author_id, body,
                                      date, create_uid, create_date, write_uid, write_date)
            SELECT id, 'crm.lead', n + %(offset)s, 'notification', %(subtype)s, %(author)s, '',
                   changed_at, 2, changed_at, 2, changed_at
              FROM bench_message
        """, offset=offset, **params))
        cr.execute(SQL("""
            INSERT INTO mail_tracking_value (field_id, mail_message_id, old_value_integer,
                                             new_value_integer, old_value_char, new_value_char,
                                             create_uid, create_date, write_uid, write_date)
            SELECT %(field)s, m.id, m.old_stage, m.new_stage, o.name->>'en_US', w.name->>'en_US',
                   2, m.changed_at, 2, m.changed_at
              FROM bench_message m
              JOIN crm_stage o ON o.id = m.old_stage
              JOIN crm_stage w ON w.id = m.new_stage
        """, **params))
        cr.execute("SELECT count(*) FROM bench_message")
        tracking = cr.fetchone()[0]
        cr.execute("DROP TABLE bench_lead, bench_change, bench_message")
        # the install gave nothing its history: the backfill writes it all
        cr.execute("DELETE FROM sales_cycle_stage_history")
        cr.execute("DELETE FROM crm_lead_cycle_phase_reached_rel")
        return tracking


def bench_backfill(registry, dbname, args):
    with env_for(registry) as env:
        env.cr.execute("""
            CREATE TABLE bench_history_real (LIKE sales_cycle_stage_history INCLUDING ALL);
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'sales_cycle_stage_history'::regclass AND contype = 'f';
        """)
        for (definition,) in env.cr.fetchall():
            env.cr.execute(f"ALTER TABLE bench_history_real ADD {definition}")
    vacuum_analyze(dbname, [])
    res = {}
    say("(1) backfill")
    with env_for(registry) as env:
        t = time.perf_counter()
        res["rows"] = env["sales.cycle.stage.history"]._backfill_from_tracking()
        res["backfill"] = time.perf_counter() - t
    if not args.no_backfill_reference:
        say("(1) bare INSERT..SELECT of the same rows into a copy of the table")
        with env_for(registry) as env:
            t = time.perf_counter()
            env.cr.execute("INSERT INTO bench_history_real SELECT * FROM sales_cycle_stage_history")
            res["bare"] = time.perf_counter() - t
            env.cr.rollback()
    with env_for(registry) as env:
        env.cr.execute("DROP TABLE bench_history_real")
    return res


def read(env, spec):
    """What the pivot asks the server (its sample sizes included, which the
    addon's reports add to every average)."""
    model, groupby, aggregates = spec
    return env[model].with_context(active_test=False).formatted_read_grouping_sets(
        [], [groupby], aggregates)


def count_rows(env, model):
    return env[model].with_context(active_test=False).sudo().search_count([])


def bench_reports(registry, args):
    with env_for(registry) as env:
        users = {
            "sales manager": env["res.users"].search([("login", "=", "bench_manager")]).id,
            "salesperson": env["res.users"].search([("login", "=", "bench_rep_1")]).id,
        }
        reports = [pivot_request(env, model) for model in REPORT_MODELS]
        rows = {spec[0]: count_rows(env, spec[0]) for spec in [STOCK, *reports]}
    if args.manager_only:
        del users["salesperson"]
    if args.explain:
        for spec in reports:
            with (
                env_for(registry, uid=users["sales manager"]) as env,
                explain_statements(env.cr, "SELECT", f"{spec[0]} by {spec[1][0]}"),
            ):
                read(env, spec)
    times = {}
    for label, uid in users.items():
        # the reports and stock in turn, run after run: what else loads the
        # machine hits both alike
        say(f"{', '.join(spec[0] for spec in [STOCK, *reports])} in turn as {label} x{args.repeat_read}")
        for _ in range(args.repeat_read):
            for spec in [STOCK, *reports]:
                with env_for(registry, uid=uid) as env:
                    t = time.perf_counter()
                    read(env, spec)
                    times.setdefault((label, spec[0]), []).append(time.perf_counter() - t)
        for spec in [STOCK, *reports]:
            say(f"  {spec[0]}: {', '.join(f'{t:.3f}' for t in times[label, spec[0]])} s")
    return reports, rows, times


def report(args, info, backfill, reports, rows, times):
    lines = [
        "",
        "sales_cycle_mgmt scale benchmark",
        "=" * 32,
        f"machine: {os.cpu_count()} cores, load average {info['load0']:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} at end; Python {platform.python_version()}",
        f"data: {rows['crm.lead']} leads, {info.get('tracking', '?')} tracking values, "
        f"{rows['sales.cycle.stage.history']} stays (install {info.get('install', 0):.0f} s, "
        f"generation {info.get('generate', 0):.0f} s, VACUUM ANALYZE {info.get('vacuum', 0):.0f} s)",
        "",
    ]
    header = ("measure (median of runs)", "rows", "stock s", "addon s", "raw", "per row", "target",
              "result")
    table = []
    if backfill:
        bare = backfill.get("bare")
        ratio = backfill["backfill"] / bare if bare else None
        table.append((
            f"(1) backfill of {info.get('tracking', '?')} tracking values vs bare INSERT..SELECT",
            str(backfill["rows"]), f"{bare:.1f}" if bare else "-", f"{backfill['backfill']:.1f}",
            f"{ratio:.2f}x" if ratio else "-", "-", f"<= {TARGET_BACKFILL_RATIO:.0f}x",
            verdict(ratio <= TARGET_BACKFILL_RATIO) if ratio else "",
        ))
    for label in sorted({label for label, _model in times}, key=("sales manager", "salesperson").index):
        s_time = median(times[label, STOCK[0]])
        table.append((f"stock {STOCK[0]} by {STOCK[1][0]} as {label}", str(rows[STOCK[0]]),
                      f"{s_time:.3f}", "-", "-", "-", "", ""))
        for model, groupby, _aggs in reports:
            r_time = median(times[label, model])
            raw = r_time / s_time
            per_row = raw * rows[STOCK[0]] / max(rows[model], 1)
            target = label == "sales manager"
            ok = r_time < TARGET_SECONDS and per_row <= TARGET_RATIO
            table.append((f"(2) {model} by {groupby[0]} as {label}", str(rows[model]), f"{s_time:.3f}",
                          f"{r_time:.3f}", f"{raw:.2f}x", f"{per_row:.2f}x",
                          f"< {TARGET_SECONDS:.0f} s, <= {TARGET_RATIO}x" if target else "(info)",
                          verdict(ok) if target else ""))
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    sep = "  ".join("-" * w for w in widths)
    lines += [sep, line(header), sep, *map(line, table), sep, "", "details"]
    for (label, model), runs in times.items():
        lines.append(f"  {model} as {label}: " + ", ".join(f"{t:.3f}" for t in runs) + " s")
    print("\n".join(lines), flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    log_dir = os.path.dirname(os.path.abspath(args.conf))
    dbname = f"{args.prefix}_scale"
    args.keep = args.keep or args.reuse
    info = {"load0": os.getloadavg()[0]}

    def bench():
        backfill = None
        if not args.reuse:
            drop_db(dbname)
            say(f"creating {dbname}: crm and sales_cycle_mgmt")
            with admin_cursor() as cr:
                cr.execute(SQL("CREATE DATABASE %s", SQL.identifier(dbname)))
            info["install"] = odoo_install(args.conf, dbname, "crm,sales_cycle_mgmt", log_dir)
            registry = odoo.modules.registry.Registry(dbname)
            say(f"generating {args.leads} leads x {args.changes} tracked changes (SQL)")
            t = time.perf_counter()
            info["tracking"] = generate(registry, args)
            info["generate"] = time.perf_counter() - t
            backfill = bench_backfill(registry, dbname, args)
            say("VACUUM ANALYZE")
            t = time.perf_counter()
            vacuum_analyze(dbname, [])
            info["vacuum"] = time.perf_counter() - t
        registry = odoo.modules.registry.Registry(dbname)
        if args.reuse and args.rerun_backfill:
            with env_for(registry) as env:
                env.cr.execute("TRUNCATE sales_cycle_stage_history, crm_lead_cycle_phase_reached_rel")
                env.cr.execute("SELECT count(*) FROM mail_tracking_value")
                info["tracking"] = env.cr.fetchone()[0]
            backfill = bench_backfill(registry, dbname, args)
            say("VACUUM ANALYZE")
            t = time.perf_counter()
            vacuum_analyze(dbname, ["sales_cycle_stage_history", "sales_cycle_stage_summary", "crm_lead",
                                    "crm_lead_cycle_phase_reached_rel"])
            info["vacuum"] = time.perf_counter() - t
        reports, rows, times = bench_reports(registry, args)
        report(args, info, backfill, reports, rows, times)

    return guarded_run(bench, [dbname], args.keep)


if __name__ == "__main__":
    sys.exit(main())
