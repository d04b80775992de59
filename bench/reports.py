"""Report benchmark of sales_cycle_mgmt: each report's ``_read_group`` against stock
``crm.lead``'s on the same leads, in one run.

Builds a throwaway database with ``crm`` and ``sales_cycle_mgmt``, generates in SQL
(COPY) ``--leads`` opportunities (100,000) of eight salespeople in two teams, a
stage history of ``--history-rows`` stays (1,000,000: about ten per lead, forward
mostly, some backward, won and lost leads closed), five after-sales follow-ups per
won lead and ``--snapshots`` weekly pipeline snapshots (6), then VACUUM ANALYZE.

Then, as a sales manager (all leads) and, for information, as a salesperson (record
rules on), it times the ``_read_group`` a pivot of each report runs by default, and
stock ``crm.lead``'s ``_read_group`` (pipeline analysis: by stage, expected and
prorated revenue, count) on the same leads. Reports have more rows than leads (a
stay, a lead and phase...), so the ratio that meets the target compares time per
row ("on equal row counts"); the raw ratio is printed too. Target: each within 2x.
``--explain`` prints EXPLAIN (ANALYZE, BUFFERS) of every report's query, to check
the indexes it uses.

Exits 0 whatever the figures (a benchmark is not a test), 1 when it could not run.
Run it through ``make bench`` (bench/README.rst) or directly:
``.venv/bin/python bench/reports.py --conf .state/odoo.conf [--leads N ...]``.
"""

import argparse
import io
import os
import platform
import random
import sys
import time
from datetime import datetime, timedelta

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
from odoo.api import SUPERUSER_ID
from odoo.tools import SQL, config

TARGET_RATIO = 2.0

# the reports timed, each with the request its default pivot sends
REPORT_MODELS = [
    "sales.cycle.report",
    "sales.cycle.stage.report",
    "sales.cycle.stage.history",
    "sales.cycle.funnel.report",
    "sales.followup.report",
    "sales.cycle.snapshot",
    "sales.cycle.snapshot.change",
]
STOCK = ("crm.lead", ["stage_id"], ["expected_revenue:sum", "prorated_revenue:sum", "__count"])


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--conf", required=True, help="odoo.conf of the server to use")
    p.add_argument("--leads", type=int, default=100_000)
    p.add_argument("--history-rows", type=int, default=1_000_000, help="stays, about ten per lead")
    p.add_argument("--snapshots", type=int, default=6, help="weekly pipeline snapshots")
    p.add_argument("--repeat-read", type=int, default=5, help="timed runs per report and user (median)")
    p.add_argument("--prefix", default="scm_bench", help="database name prefix (<prefix>_reports)")
    p.add_argument("--keep", action="store_true", help="keep the database at the end")
    p.add_argument("--reuse", action="store_true",
                   help="time again on the database a --keep run left (no set-up; implies --keep)")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each report's query")
    p.add_argument("--seed", type=int, default=42)
    # make bench passes the same arguments to every benchmark: ignore the others'
    args, _unknown = p.parse_known_args(argv)
    return args


def copy_rows(cr, table, columns, rows):
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    cr._obj.copy_from(buf, table, columns=columns)


def generate(registry, args):
    """Leads, their stays, follow-ups and snapshots, in SQL: what months of use of
    the addon leave behind, coherent enough for every report to compute."""
    rng = random.Random(args.seed)
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    with env_for(registry, context=ctx) as env:
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
        open_stages = stages.filtered(lambda s: not s.is_won)
        won_stage = stages.filtered("is_won")[:1]
        phase_of = {s.id: s.cycle_phase_id.id or None for s in stages}
        company = env.company.id
        now = datetime.utcnow().replace(microsecond=0)
        stays_per_lead = max(1, args.history_rows // args.leads)
        lead_rows, plans = [], []
        for i in range(args.leads):
            created = now - timedelta(days=rng.uniform(30, 730))
            outcome = rng.choices(["pending", "won", "lost"], [5, 3, 2])[0]
            # a walk through the open stages, forward mostly
            path, pos = [], 0
            for _k in range(stays_per_lead - (outcome == "won")):
                path.append(open_stages[pos].id)
                pos = min(len(open_stages) - 1, pos + 1) if rng.random() < 0.75 else max(0, pos - 1)
            if outcome == "won":
                path.append(won_stage.id)
            durations = [rng.expovariate(1 / 9) + 0.1 for _ in path]
            scale = min(1.0, (now - created).days / (sum(durations) + 1))
            durations = [d * scale for d in durations]
            closed = created + timedelta(days=sum(durations[:-1])) if outcome != "pending" else None
            rep = reps[i % len(reps)]
            team = teams[i % len(teams)]
            last_in = created + timedelta(days=sum(durations[:-1]))
            revenue = rng.randrange(1000, 100000)
            probability = 100 if outcome == "won" else 0 if outcome == "lost" else rng.randrange(10, 90)
            # with the stored figures stock crm computes for them
            lead_rows.append((
                f"Bench report lead {i}", "opportunity", outcome != "lost", path[-1], team.id, rep.id,
                company, created, created, SUPERUSER_ID, SUPERUSER_ID, last_in, outcome, probability,
                revenue, round(revenue * probability / 100.0, 2), closed, created, 0, 0,
                (closed - created).days if closed else None, phase_of[path[-1]],
            ))
            plans.append((path, durations, created, outcome))
        copy_rows(cr, "crm_lead", (
            "name", "type", "active", "stage_id", "team_id", "user_id", "company_id", "create_date",
            "write_date", "create_uid", "write_uid", "date_last_stage_update", "won_status", "probability",
            "expected_revenue", "prorated_revenue", "date_closed", "date_open", "priority", "day_open",
            "day_close", "cycle_phase_id",
        ), lead_rows)
        cr.execute("""SELECT id, team_id, user_id FROM crm_lead
                       WHERE name LIKE 'Bench report lead %%' ORDER BY id""")
        leads = cr.fetchall()
        seq_of = {s.id: (s.sequence, s.id) for s in stages}
        history, followups, snapshots = [], [], []
        kinds = ["onboarding", "check_in", "satisfaction", "upsell", "renewal"]
        snapshot_dates = [(now - timedelta(weeks=w)).date() for w in range(args.snapshots)]
        for lead, plan in zip(leads, plans, strict=True):
            (lead_id, team_id, user_id), (path, durations, created, outcome) = lead, plan
            date_in = created
            for k, stage_id in enumerate(path):
                last = k == len(path) - 1
                date_out = None if last else date_in + timedelta(days=durations[k])
                direction = ("first" if not k else
                             "backward" if seq_of[stage_id] < seq_of[path[k - 1]] else "forward")
                days = None if last else round(durations[k], 4)
                history.append((lead_id, stage_id, phase_of[stage_id], team_id, user_id, company,
                                date_in, date_out, days, days, direction))
                if date_out:
                    date_in = date_out
            if outcome == "won":
                for n, kind in enumerate(kinds):
                    due = (date_in + timedelta(days=7 + 30 * n)).date()
                    done = due < now.date() and rng.random() < 0.8
                    score = rng.randrange(0, 11) if kind == "satisfaction" and done else None
                    bucket = (None if score is None else
                              "promoter" if score >= 9 else "passive" if score >= 7 else "detractor")
                    followups.append((lead_id, f"{kind} {lead_id}", kind, "done" if done else "planned",
                                      due, due if done else None, team_id, user_id, company, score, bucket))
            if outcome == "pending":
                for w, day in enumerate(snapshot_dates):
                    snapshots.append((day, lead_id, path[max(0, len(path) - 1 - w)], team_id, user_id,
                                      company, rng.randrange(1000, 100000), rng.randrange(10, 90),
                                      day + timedelta(days=rng.randrange(10, 60))))
        copy_rows(cr, "sales_cycle_stage_history", (
            "lead_id", "stage_id", "cycle_phase_id", "team_id", "user_id", "company_id", "date_in",
            "date_out", "duration_days", "max_duration_days", "direction"), history)
        copy_rows(cr, "sales_followup", (
            "lead_id", "name", "kind", "state", "date_due", "date_done", "team_id", "user_id",
            "company_id", "nps_score", "nps_bucket"), followups)
        cr.execute("SELECT id, sequence FROM crm_stage")
        seq = dict(cr.fetchall())
        copy_rows(cr, "sales_cycle_snapshot", (
            "date", "lead_id", "stage_id", "stage_sequence", "team_id", "user_id", "company_id",
            "expected_revenue", "probability", "date_deadline"),
            [(d, lid, sid, seq[sid], t, u, c, rev, p, dl) for d, lid, sid, t, u, c, rev, p, dl in snapshots])
        # what _cron_take copies from each lead's previous snapshot
        cr.execute("""
            UPDATE sales_cycle_snapshot s
               SET previous_date = p.pdate, previous_stage_id = p.pstage,
                   previous_stage_sequence = p.pseq, previous_revenue = p.prev,
                   previous_deadline = p.pdeadline
              FROM (SELECT id, lag(date) OVER w AS pdate, lag(stage_id) OVER w AS pstage,
                           lag(stage_sequence) OVER w AS pseq, lag(expected_revenue) OVER w AS prev,
                           lag(date_deadline) OVER w AS pdeadline
                      FROM sales_cycle_snapshot WINDOW w AS (PARTITION BY lead_id ORDER BY date)) p
             WHERE s.id = p.id AND p.pdate IS NOT NULL
        """)
        # what the addon derives from the stays, as after a backfill
        env["sales.cycle.stage.history"]._recompute_lead_figures()
        return {"leads": len(leads), "stays": len(history), "followups": len(followups),
                "snapshots": len(snapshots)}


def read(env, spec):
    """What the pivot asks the server (its sample sizes included, which the
    addon's reports add to every average)."""
    model, groupby, aggregates = spec
    return env[model].with_context(active_test=False).formatted_read_grouping_sets(
        [], [groupby], aggregates)


def count_rows(env, model):
    return env[model].with_context(active_test=False).sudo().search_count([])


def run(args, dbname, log_dir):
    if args.reuse:
        registry = odoo.modules.registry.Registry(dbname)
        with env_for(registry) as env:
            sizes = {"leads": count_rows(env, "crm.lead"),
                     "stays": count_rows(env, "sales.cycle.stage.history"),
                     "followups": count_rows(env, "sales.followup"),
                     "snapshots": count_rows(env, "sales.cycle.snapshot"), "generate": 0}
    else:
        say(f"creating {dbname}: crm and sales_cycle_mgmt (about two minutes)")
        with admin_cursor() as cr:
            cr.execute(SQL("CREATE DATABASE %s", SQL.identifier(dbname)))
        odoo_install(args.conf, dbname, "crm,sales_cycle_mgmt", log_dir)
        registry = odoo.modules.registry.Registry(dbname)
        say(f"generating {args.leads} leads and {args.history_rows} stays (COPY)")
        t = time.perf_counter()
        sizes = generate(registry, args)
        sizes["generate"] = time.perf_counter() - t
        say("VACUUM ANALYZE")
        vacuum_analyze(dbname, [])
    with env_for(registry) as env:
        users = {
            "sales manager": env["res.users"].search([("login", "=", "bench_manager")]).id,
            "salesperson": env["res.users"].search([("login", "=", "bench_rep_1")]).id,
        }
        reports = [pivot_request(env, model) for model in REPORT_MODELS]
        rows = {spec[0]: count_rows(env, spec[0]) for spec in [STOCK, *reports]}
    if args.explain:
        for spec in reports:
            with env_for(registry, uid=users["sales manager"]) as env:
                table = env[spec[0]]._table
                with explain_statements(env.cr, f'"{table}"', f"{spec[0]} by {spec[1][0]}"):
                    read(env, spec)
    times = {}
    for label, uid in users.items():
        for spec in [STOCK, *reports]:
            say(f"{spec[0]} as {label} x{args.repeat_read}")
            runs = []
            for _ in range(args.repeat_read):
                with env_for(registry, uid=uid) as env:
                    t = time.perf_counter()
                    read(env, spec)
                    runs.append(time.perf_counter() - t)
            times[label, spec[0]] = median(runs)
    return sizes, reports, rows, times


def report(args, sizes, reports, rows, times):
    stock_model = STOCK[0]
    lines = [
        "",
        "sales_cycle_mgmt report benchmark",
        "=" * 33,
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"Python {platform.python_version()}",
        f"data: {sizes['leads']} leads, {sizes['stays']} stays, {sizes['followups']} follow-ups, "
        f"{sizes['snapshots']} snapshot rows (generated in {sizes['generate']:.0f} s)",
        f"reference: stock {stock_model} _read_group by {STOCK[1][0]} ({', '.join(STOCK[2])}), "
        f"{rows[stock_model]} rows",
        "",
    ]
    header = ("report (_read_group, median of runs)", "rows", "stock s", "report s", "raw",
              "per row", "target", "result")
    table = []
    for label in ("sales manager", "salesperson"):
        s_time = times[label, stock_model]
        table.append((f"stock {stock_model} as {label}", str(rows[stock_model]), f"{s_time:.3f}",
                      "-", "-", "-", "", ""))
        for model, groupby, _aggs in reports:
            r_time = times[label, model]
            raw = r_time / s_time
            per_row = raw * rows[stock_model] / max(rows[model], 1)
            is_target = label == "sales manager"
            table.append((f"{model} by {groupby[0]} as {label}", str(rows[model]), f"{s_time:.3f}",
                          f"{r_time:.3f}", f"{raw:.2f}x", f"{per_row:.2f}x",
                          f"<= {TARGET_RATIO:.0f}x" if is_target else "(info)",
                          verdict(per_row <= TARGET_RATIO) if is_target else ""))
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    sep = "  ".join("-" * w for w in widths)
    lines += [sep, line(header), sep, *map(line, table), sep, ""]
    print("\n".join(lines), flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    log_dir = os.path.dirname(os.path.abspath(args.conf))
    dbname = f"{args.prefix}_reports"
    args.keep = args.keep or args.reuse

    def bench():
        if not args.reuse:
            drop_db(dbname)
        sizes, reports, rows, times = run(args, dbname, log_dir)
        report(args, sizes, reports, rows, times)

    return guarded_run(bench, [dbname], args.keep)


if __name__ == "__main__":
    sys.exit(main())
