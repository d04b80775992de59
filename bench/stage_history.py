"""Stage-history benchmark of sales_cycle_mgmt against stock crm, in one run.

Builds two throwaway databases from the same template, so both hold the very same
generated pipeline: ``<prefix>_stock`` with stock ``crm`` only and ``<prefix>_addon``
with ``sales_cycle_mgmt`` installed on top of it. Then it measures

(a) stage moves between open stages through the ORM (``crm.lead.write({'stage_id':
    ...})`` in batches, one transaction per batch as a request would do), both
    databases interleaved batch by batch, in writes of ``--batch`` leads (a mass
    edit) and of one lead (a kanban drag), tracking disabled (the one-lead writes
    again with the history's triggers off, for information: the floor of writing
    the stays), then tracking enabled on a subset, each with its target; after
    them (a win changes the addon's database only), winning ``--batch`` leads per write, with its
    target, then for information the addon's planning cron on the deals won and
    the way back from Won;
(b) ``sales.cycle.stage.history._backfill_from_tracking()`` on leads with stage
    tracking and no history, against a bare ``INSERT INTO ... SELECT`` of the same
    rows into an empty copy of the history table (its indexes and foreign keys:
    the floor of any implementation), and for information into a plain table;
(c) the time-in-stage ``_read_group`` on a history grown to ``--history-rows`` rows;
(d) reading the statusbar's time per stage (``duration_tracking``) of a kanban page
    of ``--kanban-cards`` cards: stock from the chatter's tracking values, the addon
    from the stored history.

It prints a table with medians, ratios and PASS/MISS against the targets, and exits
0 whatever the figures (a benchmark is not a test); it exits 1 only when it could
not run. Run it through ``make bench`` (see bench/README.rst), or directly:
``.venv/bin/python bench/stage_history.py --conf .state/odoo.conf [--leads N ...]``.
"""

import argparse
import contextlib
import datetime
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2.errors
from lxml import etree

import odoo.init  # Odoo's core set-up (monkeypatches) comes first, as in odoo-bin

# isort: split
import odoo.api
import odoo.modules.registry
import odoo.sql_db
from odoo.api import SUPERUSER_ID
from odoo.tools import SQL, config

# stage moves against stock crm: (leads per write, tracking) -> at most this ratio
TARGET_MOVE_RATIOS = {("batch", "off"): 1.5, ("one", "off"): 1.3, ("batch", "on"): 1.15, ("one", "on"): 1.10}
TARGET_WIN_RATIO = 2.0
TARGET_BACKFILL_RATIO = 3.0
TARGET_READ_GROUP_SECONDS = 2.0
TARGET_DURATION_RATIO = 1.0


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--conf", required=True, help="odoo.conf of the server to use")
    p.add_argument("--leads", type=int, default=20000, help="leads generated in both databases")
    p.add_argument("--batch", type=int, default=500, help="leads per write in (a)")
    p.add_argument("--rounds", type=int, default=4,
                   help="(a) rounds with tracking off; every round moves every lead once")
    p.add_argument("--single-leads", type=int, default=500,
                   help="(a) leads also moved one per write, as a kanban drag does (0: skip)")
    p.add_argument("--tracking-leads", type=int, default=1000,
                   help="(a) leads moved with tracking on (the first ones)")
    p.add_argument("--tracking-rounds", type=int, default=2, help="(a) rounds with tracking on")
    p.add_argument("--changes", type=int, default=5,
                   help="(b) stage changes tracked per lead (mail.tracking.value rows)")
    p.add_argument("--history-rows", type=int, default=1_000_000,
                   help="(c) size of the stage history for the read_group")
    p.add_argument("--repeat", type=int, default=3, help="(b) repetitions (median)")
    p.add_argument("--repeat-read", type=int, default=5, help="(c) repetitions per user (median)")
    p.add_argument("--kanban-cards", type=int, default=80,
                   help="(d) cards whose time per stage is read, as a kanban page")
    p.add_argument("--salespeople", type=int, default=8, help="salespeople owning the leads")
    p.add_argument("--prefix", default="scm_bench",
                   help="database name prefix; <prefix>_stock and <prefix>_addon are dropped "
                   "first when they exist")
    p.add_argument("--keep", action="store_true", help="keep the databases at the end")
    p.add_argument("--explain", action="store_true",
                   help="print EXPLAIN ANALYZE of the addon's SQL (one move batch, the backfill, "
                   "the read_group); slows the run a little")
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args(argv)
    if min(args.leads, args.batch, args.rounds, args.repeat, args.repeat_read, args.salespeople) < 1:
        p.error("sizes and repetitions must be at least 1")
    args.tracking_leads = min(args.tracking_leads, args.leads)
    return args


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------

T0 = time.perf_counter()


def pivot_request(env, model):
    """What the web client's pivot asks by default for ``model``: the view's
    first row group-by, its measures with their aggregates, and ``__count``
    (which the pivot always adds)."""
    arch = etree.fromstring(env[model].get_view(view_type="pivot")["arch"])
    fields = env[model].fields_get(attributes=["aggregator"])
    rows = [node.get("name") for node in arch.iter("field") if node.get("type") == "row"]
    measures = [f"{node.get('name')}:{fields[node.get('name')]['aggregator']}"
                for node in arch.iter("field") if node.get("type") == "measure"]
    return model, rows[:1], [*measures, "__count"]


def say(msg):
    print(f"[bench {time.perf_counter() - T0:6.0f}s] {msg}", file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


def chunks(seq, size):
    return [seq[i:i + size] for i in range(0, len(seq), size)]


@contextmanager
def env_for(registry, uid=SUPERUSER_ID, context=None):
    """A fresh transaction, like one request: committed on success."""
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, uid, context or {})


@contextmanager
def admin_cursor():
    """Autocommit cursor on the maintenance database (CREATE/DROP DATABASE, VACUUM)."""
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True  # as odoo.service.db does
        yield cr


def release(dbname):
    """Forget the registry and close the pooled connections of ``dbname``."""
    odoo.modules.registry.Registry.delete(dbname)
    odoo.sql_db.close_db(dbname)


def drop_db(dbname):
    release(dbname)
    with admin_cursor() as cr:
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(dbname)))
    shutil.rmtree(config.filestore(dbname), ignore_errors=True)


def odoo_install(conf, dbname, modules, log_dir):
    """Install ``modules`` with odoo-bin in a child process (its own registry and logs)."""
    odoo_bin = Path(odoo.__path__[0]).parent / "odoo-bin"
    log = Path(log_dir) / f"bench-install-{dbname}.log"
    cmd = [sys.executable, str(odoo_bin), "-c", conf, "-d", dbname, "-i", modules,
           "--stop-after-init", "--log-level=warn"]
    t = time.perf_counter()
    with log.open("w") as out:
        rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                            check=False).returncode
    text = log.read_text(errors="replace")
    if rc or " ERROR " in text or " CRITICAL " in text:
        sys.stderr.write("\n".join(text.splitlines()[-40:]) + "\n")
        raise RuntimeError(f"installing {modules} into {dbname} failed (log: {log})")
    return time.perf_counter() - t


@contextmanager
def statement_log(cr):
    """Yield a list that receives (seconds, rowcount, statement) for every
    statement ``cr`` executes in the block."""
    original, log = cr.execute, []

    def execute(query, params=None, log_exceptions=True):
        t = time.perf_counter()
        try:
            return original(query, params, log_exceptions)
        finally:
            text = query.code if isinstance(query, SQL) else str(query)
            log.append((time.perf_counter() - t, cr.rowcount, " ".join(text.split())))

    cr.execute = execute
    try:
        yield log
    finally:
        del cr.execute


@contextmanager
def explain_statements(cr, match, title):
    """Run the statements of ``cr`` whose text contains ``match`` under
    EXPLAIN (ANALYZE, BUFFERS) and print their plans (they still take effect)."""
    original = cr.execute

    def execute(query, params=None, log_exceptions=True):
        text = query.code if isinstance(query, SQL) else str(query)
        # ANALYZE, VACUUM and the like cannot be explained
        if match not in text or not text.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "WITH")):
            return original(query, params, log_exceptions)
        if isinstance(query, SQL):
            query = SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query)
        else:
            query = "EXPLAIN (ANALYZE, BUFFERS) " + query
        res = original(query, params, log_exceptions)
        plan = "\n".join(row[0] for row in cr.fetchall())
        print(f"\n--- EXPLAIN ANALYZE: {title} ---\n{plan}\n", flush=True)
        return res

    cr.execute = execute
    try:
        yield
    finally:
        del cr.execute


# ---------------------------------------------------------------------------
# set-up: two databases with the same generated pipeline
# ---------------------------------------------------------------------------

def generate_pipeline(registry, args):
    """Salespeople and ``args.leads`` open opportunities, created through the ORM
    with tracking disabled, then spread over two years of creation dates."""
    rng = random.Random(args.seed)
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    with env_for(registry, context=ctx) as env:
        salesman = env.ref("sales_team.group_sale_salesman")
        users = env["res.users"].create([
            {"name": f"Bench Rep {i}", "login": f"bench_rep_{i}", "group_ids": [(6, 0, salesman.ids)]}
            for i in range(1, args.salespeople + 1)
        ])
        teams = env["crm.team"].search([], order="id", limit=2)
        open_stages = env["crm.stage"].search([("is_won", "=", False)], order="sequence, id")
        for part in chunks(range(args.leads), 2000):
            env["crm.lead"].create([{
                "name": f"Bench opportunity {i}",
                "type": "opportunity",
                "team_id": teams[i % len(teams)].id,
                "user_id": users[i % len(users)].id,
                "stage_id": open_stages[rng.randrange(len(open_stages))].id,
                "expected_revenue": rng.randrange(1000, 100000),
                "priority": str(rng.randrange(4)),
                "partner_name": f"Company {i % 3000}",
                "contact_name": f"Contact {i}",
                "email_from": f"contact{i}@company{i % 3000}.example.com",
            } for i in part])
            env.flush_all()
            env.invalidate_all()
        env.cr.execute("SELECT setseed(%s)", [args.seed / 1000.0 % 1])
        env.cr.execute("""
            UPDATE crm_lead
               SET create_date = (now() AT TIME ZONE 'UTC')
                                 - make_interval(secs => (30 + random() * 700) * 86400)
             WHERE name LIKE 'Bench opportunity %%'
        """)
        env.cr.execute("""
            UPDATE crm_lead
               SET date_last_stage_update = create_date
                                            + random() * ((now() AT TIME ZONE 'UTC') - create_date),
                   date_open = create_date
             WHERE name LIKE 'Bench opportunity %%'
        """)


def setup_databases(args, stock_db, addon_db, log_dir):
    for db in (stock_db, addon_db):
        drop_db(db)
    say(f"installing crm into {stock_db} (about a minute)")
    t_stock = odoo_install(args.conf, stock_db, "crm", log_dir)
    say(f"generating {args.leads} leads in {stock_db} (ORM create, tracking disabled)")
    t = time.perf_counter()
    generate_pipeline(odoo.modules.registry.Registry(stock_db), args)
    t_gen = time.perf_counter() - t
    release(stock_db)
    say(f"copying {stock_db} to {addon_db} and installing sales_cycle_mgmt there")
    with admin_cursor() as cr:
        cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s",
                       SQL.identifier(addon_db), SQL.identifier(stock_db)))
    if os.path.isdir(config.filestore(stock_db)):
        shutil.copytree(config.filestore(stock_db), config.filestore(addon_db))
    t_addon = odoo_install(args.conf, addon_db, "sales_cycle_mgmt", log_dir)
    for db in (stock_db, addon_db):
        vacuum_analyze(db, [])  # the whole database: both start with fresh statistics
    return {"install crm": t_stock, "generate leads": t_gen, "install sales_cycle_mgmt": t_addon}


def pipeline_fingerprint(registry):
    with env_for(registry) as env:
        env.cr.execute("""
            SELECT count(*), md5(string_agg(concat_ws(',', id, stage_id, team_id, user_id,
                                                      expected_revenue, create_date), ';' ORDER BY id))
              FROM crm_lead
        """)
        return env.cr.fetchone()


# ---------------------------------------------------------------------------
# (a) stage moves through the ORM
# ---------------------------------------------------------------------------

def settle(registries):
    """VACUUM ANALYZE what the moves churn, in every database (untimed): a burst of
    20,000 updates a minute is more than autovacuum keeps up with on a small
    machine, and the bloat would make every round slower than the last."""
    for db, registry in registries.items():
        with env_for(registry) as env:
            env.cr.execute("SELECT to_regclass('sales_cycle_stage_history') IS NOT NULL")
            has_history = env.cr.fetchone()[0]
        vacuum_analyze(db, ["crm_lead", "sales_cycle_stage_history"] if has_history else ["crm_lead"])


def move_rounds(registries, lead_ids, stage_ids, args, rounds, context, first_round=0, same_stage=False,
                batch=None):
    """Every round moves every batch of ``lead_ids`` to the next stage, in each
    database in turn (which one goes first alternates), one transaction per batch;
    with ``same_stage`` all batches of a round go to the same stage. One lead
    per write (a drag) always goes to the stage after its own.
    Returns {db: [seconds per round]}."""
    times = {db: [] for db in registries}
    current = {}
    if batch == 1 and not same_stage:
        # the databases move alike: either tells where each lead is
        with env_for(next(iter(registries.values()))) as env:
            env.cr.execute("SELECT id, stage_id FROM crm_lead WHERE id = ANY(%s)", [list(lead_ids)])
            current = dict(env.cr.fetchall())
    batches = chunks(lead_ids, batch or args.batch)
    order = list(registries)
    for r in range(first_round, first_round + rounds):
        settle(registries)
        per_round = dict.fromkeys(registries, 0.0)
        for b, batch in enumerate(batches):
            if current:
                now = current[batch[0]]
                stage_id = stage_ids[(stage_ids.index(now) + 1) % len(stage_ids)] if now in stage_ids \
                    else stage_ids[0]
                current[batch[0]] = stage_id
            else:
                stage_id = stage_ids[(r + (0 if same_stage else b + 1)) % len(stage_ids)]
            for db in order if (r + b) % 2 == 0 else order[::-1]:
                t = time.perf_counter()
                with env_for(registries[db], context=context) as env:
                    env["crm.lead"].browse(batch).write({"stage_id": stage_id})
                    # leaving the block flushes, runs precommit (tracking) and commits
                per_round[db] += time.perf_counter() - t
        for db in registries:
            times[db].append(per_round[db])
    return times


def run_planning_cron(registry):
    """Run the follow-up planning cron, which the wins triggered, as "Run
    Manually" does (its own transaction, committed batch by batch), until no
    won deal waits; returns the seconds it took."""
    t = time.perf_counter()
    while True:
        with env_for(registry) as env:
            env.cr.execute("SELECT count(*) FROM crm_lead WHERE followups_pending")
            if not env.cr.fetchone()[0]:
                break
            env.ref("sales_cycle_mgmt.ir_cron_followup_plan").method_direct_trigger()
    return time.perf_counter() - t


def explain_move(registry, lead_ids, stage_id):
    """One batch moved under EXPLAIN ANALYZE, rolled back (not timed)."""
    with env_for(registry, context={"tracking_disable": True}) as env:
        with explain_statements(env.cr, "sales_cycle_stage_history", "stage move of one batch"):
            env["crm.lead"].browse(lead_ids).write({"stage_id": stage_id})
            env.flush_all()
        env.cr.rollback()


def bench_moves(args, stock_db, addon_db):
    registries = {db: odoo.modules.registry.Registry(db) for db in (stock_db, addon_db)}
    with env_for(registries[stock_db]) as env:
        lead_ids = env["crm.lead"].search([("name", "=like", "Bench opportunity %")], order="id").ids
        # (a) proper: moves between open stages; winning is timed apart, as it
        # also plans the after-sales follow-ups (another feature of the addon)
        stage_ids = env["crm.stage"].search([("is_won", "=", False)], order="sequence, id").ids
        won_id = env["crm.stage"].search([("is_won", "=", True)], order="sequence, id", limit=1).id
    off = {"tracking_disable": True}
    n_batches = len(chunks(lead_ids, args.batch))
    say("(a) warm-up: 2 batches in each database")
    move_rounds(registries, lead_ids[:2 * args.batch], stage_ids, args, 1, off, first_round=0)
    # what one write costs in SQL, in each database (untimed, committed like the others)
    statements = {}
    for db, registry in registries.items():
        with env_for(registry, context=off) as env, statement_log(env.cr) as log:
            env["crm.lead"].browse(lead_ids[-args.batch:]).write({"stage_id": stage_ids[-2]})
            env.cr.flush()
        lead_updates = [(sec, n) for sec, n, q in log if q.startswith('UPDATE "crm_lead"')]
        history = [sec for sec, _n, q in log if "sales_cycle_stage_history" in q]
        statements[db] = {
            "queries": len(log), "sql": sum(sec for sec, _n, _q in log),
            "lead_rows": sum(n for _sec, n in lead_updates), "lead_sql": sum(sec for sec, _n in lead_updates),
            "history": len(history), "history_sql": sum(history),
        }
    say(f"(a) {args.rounds} rounds x {n_batches} writes of {args.batch} leads, tracking off")
    if args.explain:
        explain_move(registries[addon_db], lead_ids[-args.batch:], stage_ids[-1])
    off_times = move_rounds(registries, lead_ids, stage_ids, args, args.rounds, off, first_round=1)
    single = lead_ids[:args.single_leads]
    single_times = {}
    if single:
        say(f"(a) {args.rounds} rounds x {len(single)} writes of one lead (a kanban drag), tracking off")
        single_times = move_rounds(registries, single, stage_ids, args, args.rounds, off,
                                   first_round=1, batch=1)
    floor_times = {}
    if single:
        # the same drags with the history's triggers off in the addon's database:
        # what is left is writing the stay rows themselves (their indexes and WAL),
        # the floor under the foreign keys and the summary that the triggers keep
        say(f"(a) {args.rounds} rounds x {len(single)} writes of one lead, tracking off, "
            "the history's triggers off (floor)")
        try:
            with env_for(registries[addon_db]) as env:
                # foreign keys are system triggers: a superuser's to switch off
                env.cr.execute("ALTER TABLE sales_cycle_stage_history DISABLE TRIGGER ALL")
        except psycopg2.errors.InsufficientPrivilege:
            say("(a) skipped: the database user may not switch foreign keys off")
        else:
            try:
                floor_times = move_rounds(registries, single, stage_ids, args, args.rounds, off,
                                          first_round=args.rounds + 1, batch=1)
            finally:
                with env_for(registries[addon_db]) as env:
                    env.cr.execute("ALTER TABLE sales_cycle_stage_history ENABLE TRIGGER ALL")
                    env["sales.cycle.stage.summary"]._rebuild()
    # the moves with tracking on come before the wins: winning plans follow-up
    # activities in the addon's database only, whose assignees then follow the
    # leads there alone, and a tracking message goes to a lead's followers
    on_times = {}
    if args.tracking_rounds:
        subset = lead_ids[:args.tracking_leads]
        say(f"(a) {args.tracking_rounds} rounds x {len(chunks(subset, args.batch))} writes, tracking on")
        on_times = move_rounds(registries, subset, stage_ids, args, args.tracking_rounds, {},
                               first_round=args.rounds + 1)
    single_on_times = {}
    if args.tracking_rounds and single:
        # a kanban drag as users make it: stock posts the tracking message too
        say(f"(a) {args.tracking_rounds} rounds x {len(single)} writes of one lead, tracking on")
        single_on_times = move_rounds(registries, single, stage_ids, args, args.tracking_rounds, {},
                                      first_round=args.rounds + 1, batch=1)
    say(f"(a) won: {n_batches} writes, tracking off")
    won_times = move_rounds(registries, lead_ids, [won_id], args, 1, off, first_round=0, same_stage=True)
    say("(a) the addon's planning cron on the deals just won (Odoo's cron runner)")
    plan_seconds = run_planning_cron(registries[addon_db])
    say(f"(a) back from won: {n_batches} writes, tracking off")
    back_times = move_rounds(registries, lead_ids, [stage_ids[0]], args, 1, off, first_round=0,
                             same_stage=True)
    for db in registries:
        won_times[db] += back_times[db]
    release(stock_db)
    return {"off": off_times, "on": on_times, "won": won_times, "n_batches": n_batches,
            "plan_seconds": plan_seconds,
            "single": single_times, "single_on": single_on_times, "n_single": len(single),
            "single_floor": floor_times,
            "statements": statements,
            "n_batches_on": len(chunks(lead_ids[:args.tracking_leads], args.batch))}


# ---------------------------------------------------------------------------
# (b) backfill from tracking
# ---------------------------------------------------------------------------

def generate_tracking(env, args):
    """``args.changes`` tracked stage changes per lead, as stock crm writes them
    (one mail.message and one mail.tracking.value each), ending in the lead's
    current stage, at times spread between its creation and now. Returns the count."""
    rng = random.Random(args.seed + 1)
    cr = env.cr
    # the tracking written by (a) is replaced by a coherent, older one
    cr.execute("DELETE FROM mail_message WHERE model = 'crm.lead'")
    stages = env["crm.stage"].search([], order="sequence, id")
    names = {s.id: s.name for s in stages}
    seq = {s.id: (s.sequence, s.id) for s in stages}
    field_id = env["ir.model.fields"]._get("crm.lead", "stage_id").id
    subtype_id = env.ref("crm.mt_lead_stage").id
    author_id = env.ref("base.partner_admin").id
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    cr.execute("SELECT id, stage_id, create_date FROM crm_lead WHERE stage_id IS NOT NULL ORDER BY id")
    rows = []
    for lead_id, stage_id, created in cr.fetchall():
        # walk backwards from the current stage: mostly forward moves, a few back
        walk = [stage_id]
        for _ in range(args.changes):
            others = [s for s in seq if s != walk[-1]]
            earlier = [s for s in others if seq[s] < seq[walk[-1]]]
            walk.append(rng.choice(earlier if earlier and rng.random() < 0.8 else others))
        walk.reverse()  # walk[0] is the stage at creation, walk[-1] the current one
        span = (now - created).total_seconds()
        stamps = sorted(created + datetime.timedelta(seconds=rng.uniform(60, span - 60))
                        for _ in range(args.changes))
        rows.extend((lead_id, stamp, old, new)
                    for stamp, old, new in zip(stamps, walk[:-1], walk[1:], strict=True))
    cr.execute("""
        CREATE TEMP TABLE bench_changes (lead_id int, changed_at timestamp, old_stage int,
                                         new_stage int, message_id int)
    """)
    cr.execute_values("INSERT INTO bench_changes (lead_id, changed_at, old_stage, new_stage) VALUES %s",
                      rows, page_size=5000)
    cr.execute("UPDATE bench_changes SET message_id = nextval('mail_message_id_seq')")
    cr.execute("""
        INSERT INTO mail_message (id, model, res_id, message_type, subtype_id, author_id, body,
                                  date, create_uid, create_date, write_uid, write_date)
        SELECT message_id, 'crm.lead', lead_id, 'notification', %s, %s, '',
               changed_at, 2, changed_at, 2, changed_at
          FROM bench_changes
    """, [subtype_id, author_id])
    cr.execute_values("CREATE TEMP TABLE bench_stage_names (id, name) AS VALUES %s",
                      list(names.items()))
    cr.execute("""
        INSERT INTO mail_tracking_value (field_id, mail_message_id, old_value_integer, new_value_integer,
                                         old_value_char, new_value_char,
                                         create_uid, create_date, write_uid, write_date)
        SELECT %s, c.message_id, c.old_stage, c.new_stage, o.name, n.name,
               2, c.changed_at, 2, c.changed_at
          FROM bench_changes c
          JOIN bench_stage_names o ON o.id = c.old_stage
          JOIN bench_stage_names n ON n.id = c.new_stage
    """, [field_id])
    # the lead entered its current stage at its last tracked change
    cr.execute("""
        UPDATE crm_lead l SET date_last_stage_update = c.last
          FROM (SELECT lead_id, max(changed_at) AS last FROM bench_changes GROUP BY lead_id) c
         WHERE l.id = c.lead_id
    """)
    cr.execute("DROP TABLE bench_changes, bench_stage_names")
    env.invalidate_all()
    return len(rows)


def vacuum_analyze(dbname, tables):
    """VACUUM (ANALYZE) ``tables`` of ``dbname``, or the whole database when empty."""
    with closing(odoo.sql_db.db_connect(dbname).cursor()) as cr:
        cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
        for table in tables or [None]:
            cr.execute(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table) if table else SQL()))


def bench_backfill(args, addon_db):
    registry = odoo.modules.registry.Registry(addon_db)
    say(f"(b) generating {args.changes} tracked stage changes per lead (SQL)")
    with env_for(registry) as env:
        n_tracking = generate_tracking(env, args)
        env.cr.execute("DELETE FROM sales_cycle_stage_history")
        # the references: a plain table with the same columns, and a copy of the
        # real one with the same indexes and foreign keys
        env.cr.execute("""
            CREATE TABLE bench_history_plain (LIKE sales_cycle_stage_history);
            CREATE TABLE bench_history_real (LIKE sales_cycle_stage_history INCLUDING ALL);
            SELECT pg_get_constraintdef(oid) FROM pg_constraint
             WHERE conrelid = 'sales_cycle_stage_history'::regclass AND contype = 'f';
        """)
        fkeys = [row[0] for row in env.cr.fetchall()]
        for definition in fkeys:
            env.cr.execute(f"ALTER TABLE bench_history_real ADD {definition}")
        env.cr.execute("SELECT count(*) FROM pg_index WHERE indrelid = 'sales_cycle_stage_history'::regclass")
        indexes = env.cr.fetchone()[0]
    tables = ["sales_cycle_stage_history", "bench_history_plain", "bench_history_real"]
    vacuum_analyze(addon_db, [*tables, "mail_message", "mail_tracking_value", "crm_lead"])
    res = {"tracking": n_tracking, "backfill": [], "plain": [], "real": [], "rows": 0,
           "indexes": indexes, "fkeys": len(fkeys)}
    if args.explain:
        with env_for(registry) as env:
            with (
                explain_statements(env.cr, "sales_cycle_stage_history", "_backfill_from_tracking"),
                contextlib.suppress(TypeError),  # explained, the statement returns its plan, not its count
            ):
                env["sales.cycle.stage.history"]._backfill_from_tracking()
            env.cr.rollback()
        vacuum_analyze(addon_db, tables)
    say(f"(b) backfill x{args.repeat} (rolled back but the last)")
    for rep in range(args.repeat):
        with env_for(registry) as env:
            cr = env.cr
            t = time.perf_counter()
            res["rows"] = env["sales.cycle.stage.history"]._backfill_from_tracking()
            res["backfill"].append(time.perf_counter() - t)
            t = time.perf_counter()
            cr.execute("INSERT INTO bench_history_plain SELECT * FROM sales_cycle_stage_history")
            res["plain"].append(time.perf_counter() - t)
            t = time.perf_counter()
            cr.execute("INSERT INTO bench_history_real SELECT * FROM sales_cycle_stage_history")
            res["real"].append(time.perf_counter() - t)
            if rep < args.repeat - 1:
                cr.rollback()
        # every repetition starts from the same tables, without the dead rows of the last
        vacuum_analyze(addon_db, tables)
    with env_for(registry) as env:
        env.cr.execute("DROP TABLE bench_history_plain, bench_history_real")
    return res


# ---------------------------------------------------------------------------
# (c) time-in-stage read_group on a large history
# ---------------------------------------------------------------------------

def grow_history(registry, target_rows, seed):
    """Add closed stays of existing leads in SQL until the history has
    ``target_rows`` rows. Returns the number of rows added."""
    with env_for(registry) as env:
        cr = env.cr
        cr.execute("SELECT count(*) FROM sales_cycle_stage_history")
        extra = target_rows - cr.fetchone()[0]
        if extra <= 0:
            return 0
        cr.execute("SELECT setseed(%s)", [seed / 1000.0 % 1])
        cr.execute("""
            WITH leads AS (SELECT array_agg(id ORDER BY id) AS ids FROM crm_lead),
                 stages AS (SELECT array_agg(id ORDER BY sequence, id) AS ids FROM crm_stage),
                 gen AS (
                    SELECT l.ids[1 + (g.i %% cardinality(l.ids))] AS lead_id,
                           s.ids[1 + floor(random() * cardinality(s.ids))::int] AS stage_id,
                           (now() AT TIME ZONE 'UTC')
                             - make_interval(secs => (60 + random() * 1400) * 86400) AS date_in,
                           -ln(1 - random()) * 12 AS days,
                           random() < 0.85 AS forward
                      FROM generate_series(1, %s) AS g(i), leads l, stages s
                 )
            INSERT INTO sales_cycle_stage_history
                   (lead_id, stage_id, cycle_phase_id, team_id, user_id, company_id,
                    date_in, date_out, duration_days, direction)
            SELECT g.lead_id, g.stage_id, st.cycle_phase_id, l.team_id, l.user_id, l.company_id,
                   g.date_in, g.date_in + make_interval(secs => g.days * 86400), g.days,
                   CASE WHEN g.forward THEN 'forward' ELSE 'backward' END
              FROM gen g
              JOIN crm_lead l ON l.id = g.lead_id
              JOIN crm_stage st ON st.id = g.stage_id
        """, [extra])
        return extra


def bench_duration_tracking(args, stock_db, addon_db):
    """(d) The statusbar's time per stage (``duration_tracking``) of a kanban
    page of cards: stock reads the chatter's tracking, the addon the stored
    stays. The cards are the first leads, moved with tracking on by (a)."""
    registries = {db: odoo.modules.registry.Registry(db) for db in (stock_db, addon_db)}
    with env_for(registries[stock_db]) as env:
        lead_ids = env["crm.lead"].search(
            [("name", "=like", "Bench opportunity %")], order="id", limit=args.kanban_cards
        ).ids
    times = {db: [] for db in registries}
    say(f"(d) duration_tracking of {len(lead_ids)} cards x{args.repeat_read} in each database")
    for i in range(args.repeat_read + 1):  # the first round warms the caches, untimed
        order = list(registries) if i % 2 else list(reversed(registries))
        for db in order:
            with env_for(registries[db]) as env:
                leads = env["crm.lead"].browse(lead_ids)
                leads.mapped("stage_id")  # what the card has read already
                t = time.perf_counter()
                leads.mapped("duration_tracking")
                if i:
                    times[db].append(time.perf_counter() - t)
    return {"cards": len(lead_ids), "times": times}


def time_in_stage(env):
    return env["sales.cycle.stage.history"]._read_group(
        [], ["stage_id"], ["duration_days:avg", "duration_days:max", "__count"]
    )


def bench_read_group(args, addon_db):
    registry = odoo.modules.registry.Registry(addon_db)
    say(f"(c) growing the stage history to {args.history_rows} rows (SQL)")
    t = time.perf_counter()
    added = grow_history(registry, args.history_rows, args.seed)
    t_grow = time.perf_counter() - t
    say("(c) VACUUM ANALYZE")
    vacuum_analyze(addon_db, ["sales_cycle_stage_history"])
    with env_for(registry) as env:
        env.cr.execute("SELECT count(*) FROM sales_cycle_stage_history")
        rows = env.cr.fetchone()[0]
        manager = env.ref("base.user_admin").id
        rep = env["res.users"].search([("login", "=", "bench_rep_1")]).id
    users = {"superuser": SUPERUSER_ID, "sales manager (admin)": manager, "salesperson": rep}
    res = {"rows": rows, "added": added, "grow": t_grow, "times": {}, "groups": None}
    if args.explain:
        for label, uid in users.items():
            with (
                env_for(registry, uid=uid) as env,
                explain_statements(env.cr, '"sales_cycle_stage_history"', f"read_group as {label}"),
            ):
                time_in_stage(env)
    say(f"(c) read_group x{args.repeat_read} per user")
    for label, uid in users.items():
        res["times"][label] = []
        for _ in range(args.repeat_read):
            with env_for(registry, uid=uid) as env:
                t = time.perf_counter()
                groups = time_in_stage(env)
                res["times"][label].append(time.perf_counter() - t)
                if uid == SUPERUSER_ID:
                    res["groups"] = [(g.display_name, avg, mx, n) for g, avg, mx, n in groups]
    return res


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

def verdict(ok):
    return "PASS" if ok else "MISS"


def fmt_list(values, unit="s"):
    return ", ".join(f"{v:.2f}" for v in values) + f" {unit}"


def report(args, info, moves, backfill, read_group, durations):
    stock, addon = info["stock_db"], info["addon_db"]
    lines = []
    w = lines.append
    w("")
    w("sales_cycle_mgmt stage-history benchmark")
    w("=" * 40)
    w(f"machine: {os.cpu_count()} cores, load average at start {info['load_start']}, "
      f"at end {os.getloadavg()[0]:.2f}; Python {platform.python_version()}, {info['pg']}")
    w(f"data: {info['leads']} leads ({args.salespeople} salespeople), identical in {stock} "
      f"(crm) and {addon} (fingerprint {info['fingerprint'][:12]})")
    w("set-up: " + ", ".join(f"{k} {v:.0f} s" for k, v in info["setup"].items()))
    w("")
    rows = []
    off, on = moves["off"], moves["on"]

    def move_row(label, times, target):
        ref, mine = median(times[stock]), median(times[addon])
        ratio = mine / ref
        rows.append((label, f"{ref:.2f}", f"{mine:.2f}", f"{ratio:.2f}x",
                     f"<= {target:.2f}x", verdict(ratio <= target)))

    m_stock, m_addon = median(off[stock]), median(off[addon])
    move_row(f"(a) stage moves, tracking off: s per round of {moves['n_batches']} writes x "
             f"{args.batch} leads, median of {args.rounds}", off, TARGET_MOVE_RATIOS["batch", "off"])
    if moves["single"]:
        move_row(f"(a) stage moves, tracking off, one lead per write (a kanban drag): s per round of "
                 f"{moves['n_single']} writes, median of {args.rounds}", moves["single"],
                 TARGET_MOVE_RATIOS["one", "off"])
    if moves["single_floor"]:
        floor = moves["single_floor"]
        rows.append((f"(a) the same, the history's triggers off (its foreign keys and summary): "
                     f"the floor of writing the stays, median of {args.rounds}",
                     f"{median(floor[stock]):.2f}", f"{median(floor[addon]):.2f}",
                     f"{median(floor[addon]) / median(floor[stock]):.2f}x", "(info)", ""))
    if on:
        move_row(f"(a) stage moves, tracking on: s per round of {moves['n_batches_on']} writes x "
                 f"{args.batch} leads, median of {args.tracking_rounds}", on,
                 TARGET_MOVE_RATIOS["batch", "on"])
    if moves["single_on"]:
        move_row(f"(a) stage moves, tracking on, one lead per write (a kanban drag as users make "
                 f"it): s per round of {moves['n_single']} writes, median of {args.tracking_rounds}",
                 moves["single_on"], TARGET_MOVE_RATIOS["one", "on"])
    won = moves["won"]
    win_ratio = won[addon][0] / won[stock][0]
    rows.append((f"(a) winning {moves['n_batches']} x {args.batch} leads, one write each "
                 "(the addon triggers its planning cron), tracking off: s",
                 f"{won[stock][0]:.2f}", f"{won[addon][0]:.2f}", f"{win_ratio:.2f}x",
                 f"<= {TARGET_WIN_RATIO:.2f}x", verdict(win_ratio <= TARGET_WIN_RATIO)))
    rows.append((f"(a) the planning cron on those {moves['n_batches'] * args.batch} won deals "
                 "(follow-ups and activities): s",
                 "-", f"{moves['plan_seconds']:.2f}", "-", "(info)", ""))
    rows.append(("(a) the same leads back from won to the first stage (cancels them): s",
                 f"{won[stock][1]:.2f}", f"{won[addon][1]:.2f}", f"{won[addon][1] / won[stock][1]:.2f}x",
                 "(info)", ""))
    b_plain, b_fill = median(backfill["plain"]), median(backfill["backfill"])
    b_real = median(backfill["real"])
    ratio_b = b_fill / b_real
    rows.append((f"(b) bare INSERT..SELECT of the same rows into the history table vs backfill, "
                 f"{backfill['rows']} rows: s, median of {args.repeat}",
                 f"{b_real:.2f}", f"{b_fill:.2f}", f"{ratio_b:.2f}x",
                 f"<= {TARGET_BACKFILL_RATIO:.0f}x", verdict(ratio_b <= TARGET_BACKFILL_RATIO)))
    rows.append(("(b) same rows into a plain table (no index, no foreign key) vs backfill",
                 f"{b_plain:.2f}", f"{b_fill:.2f}", f"{b_fill / b_plain:.2f}x", "(info)", ""))
    for label, times in read_group["times"].items():
        t = median(times)
        rows.append((f"(c) time-in-stage _read_group, {read_group['rows']} rows, as {label}: "
                     f"s, median of {args.repeat_read}",
                     "-", f"{t:.3f}", "-", f"< {TARGET_READ_GROUP_SECONDS:.0f} s",
                     verdict(t < TARGET_READ_GROUP_SECONDS)))
    d_stock, d_addon = (median(durations["times"][db]) * 1000 for db in (stock, addon))
    ratio_d = d_addon / d_stock
    rows.append((f"(d) duration_tracking (statusbar time per stage) of {durations['cards']} kanban "
                 f"cards, stock tracking values vs stored history: ms, median of {args.repeat_read}",
                 f"{d_stock:.1f}", f"{d_addon:.1f}", f"{ratio_d:.2f}x",
                 f"<= {TARGET_DURATION_RATIO:.2f}x", verdict(ratio_d <= TARGET_DURATION_RATIO)))
    header = ("measure (reference vs addon)", "reference", "addon", "ratio", "target", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    sep = "  ".join("-" * x for x in widths)
    def line(cells):
        return "  ".join(c.ljust(x) if i == 0 else c.rjust(x)
                         for i, (c, x) in enumerate(zip(cells, widths, strict=True)))

    w(sep)
    w(line(header))
    w(sep)
    for r in rows:
        w(line(r))
    w(sep)
    w("")
    w("details")
    w(f"  (a) tracking off, s per round: stock {fmt_list(off[stock])}; addon {fmt_list(off[addon])}")
    per_write = (m_addon - m_stock) / moves["n_batches"] * 1000
    w(f"      addon overhead: {per_write:+.0f} ms per write of {args.batch} leads "
      f"({per_write / args.batch * 1000:+.0f} us per lead moved); stock "
      f"{m_stock / moves['n_batches'] * 1000:.0f} ms per write")
    st_s, st_a = moves["statements"][stock], moves["statements"][addon]
    w(f"      SQL of one write of {args.batch} leads: stock {st_s['queries']} statements, "
      f"{st_s['sql'] * 1000:.0f} ms; addon {st_a['queries']} statements, {st_a['sql'] * 1000:.0f} ms, "
      f"of which {st_a['history']} on the history ({st_a['history_sql'] * 1000:.0f} ms)")
    # what the target allows against what writing the stays alone takes
    target = TARGET_MOVE_RATIOS["batch", "off"]
    budget = (target - 1) * m_stock / moves["n_batches"] * 1000
    w(f"      the {target}x target leaves {budget:+.0f} ms per write for all the addon "
      f"does; the history statements alone took {st_a['history_sql'] * 1000:.0f} ms of that write")
    w(f"      crm_lead rows updated by that write: stock {st_s['lead_rows']} "
      f"({st_s['lead_sql'] * 1000:.0f} ms), addon {st_a['lead_rows']} ({st_a['lead_sql'] * 1000:.0f} ms)")
    for key, label in (("single", "tracking off"), ("single_on", "tracking on")):
        if moves[key]:
            times = moves[key]
            per_lead = [median(times[db]) / moves["n_single"] * 1000 for db in (stock, addon)]
            w(f"  (a) one lead per write, {label}: stock {per_lead[0]:.1f} ms per write, addon "
              f"{per_lead[1] - per_lead[0]:+.1f} ms")
    if on:
        w(f"  (a) tracking on, s per round: stock {fmt_list(on[stock])}; addon {fmt_list(on[addon])}")
        per_write_on = (median(on[addon]) - median(on[stock])) / moves["n_batches_on"] * 1000
        w(f"      addon overhead: {per_write_on:+.0f} ms per write of {args.batch} leads; stock "
          f"{median(on[stock]) / moves['n_batches_on'] * 1000:.0f} ms per write")
    w(f"  (b) {backfill['tracking']} tracking values ({args.changes} per lead) -> {backfill['rows']} stays")
    w(f"      backfill {fmt_list(backfill['backfill'])} = {backfill['rows'] / b_fill:,.0f} rows/s; "
      f"bare INSERT {fmt_list(backfill['plain'])} = {backfill['rows'] / b_plain:,.0f} rows/s")
    w(f"      same rows INSERT..SELECT into the real table ({backfill['indexes']} indexes, "
      f"{backfill['fkeys']} foreign keys): {fmt_list(backfill['real'])} = "
      f"{b_real / b_plain:.1f}x bare; the rest of the backfill (its query) is about "
      f"{max(b_fill - b_real, 0):.2f} s")
    w(f"  (c) {read_group['added']} rows added in {read_group['grow']:.0f} s; "
      + "; ".join(f"{label} {fmt_list(t)}" for label, t in read_group["times"].items()))
    if read_group["groups"]:
        w("      " + "; ".join(f"{name}: avg {avg:.1f} d, max {mx:.0f} d, {n} stays"
                              for name, avg, mx, n in read_group["groups"]))
    if st_a["lead_rows"] > st_s["lead_rows"]:
        info["notes"].append(
            f"one write of {args.batch} leads updated {st_a['lead_rows']} crm_lead rows with the addon "
            f"against {st_s['lead_rows']} in stock: the addon writes some moved leads twice per write() "
            "(see the details above)."
        )
    if info.get("notes"):
        w("")
        w("notes")
        for note in info["notes"]:
            w(f"  - {note}")
    w("")
    print("\n".join(lines), flush=True)


# ---------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    log_dir = os.path.dirname(os.path.abspath(args.conf))
    stock_db, addon_db = f"{args.prefix}_stock", f"{args.prefix}_addon"
    info = {"stock_db": stock_db, "addon_db": addon_db, "load_start": f"{os.getloadavg()[0]:.2f}",
            "notes": []}

    def bench():
        with admin_cursor() as cr:
            cr.execute("SHOW server_version")
            info["pg"] = f"PostgreSQL {cr.fetchone()[0]}"
        info["setup"] = setup_databases(args, stock_db, addon_db, log_dir)
        fp_stock = pipeline_fingerprint(odoo.modules.registry.Registry(stock_db))
        fp_addon = pipeline_fingerprint(odoo.modules.registry.Registry(addon_db))
        if fp_stock != fp_addon:
            raise RuntimeError(f"the two databases do not hold the same leads: {fp_stock} != {fp_addon}")
        info["leads"], info["fingerprint"] = fp_stock
        info["notes"].append(
            f"{addon_db} also has survey, survey_crm and gamification (dependencies of the addon); "
            "survey_crm adds one column to crm_lead and does not override write()."
        )
        moves = bench_moves(args, stock_db, addon_db)
        durations = bench_duration_tracking(args, stock_db, addon_db)
        backfill = bench_backfill(args, addon_db)
        read_group = bench_read_group(args, addon_db)
        report(args, info, moves, backfill, read_group, durations)

    return guarded_run(bench, [stock_db, addon_db], args.keep)


def guarded_run(bench, dbnames, keep):
    """Run ``bench()`` and return the exit code: 1 only when it could not run
    (a benchmark is not a test); then keep (``--keep``) or drop ``dbnames``."""
    rc = 0
    try:
        bench()
    except Exception as exc:  # report, clean up, exit 1
        say(f"benchmark failed: {exc!r}")
        traceback.print_exc()
        rc = 1
    finally:
        if keep:
            say(f"keeping {' and '.join(dbnames)} (--keep)")
        else:
            for db in dbnames:
                say(f"dropping {db}")
                try:
                    drop_db(db)
                except Exception as exc:
                    say(f"could not drop {db}: {exc}")
    say("done")
    return rc


if __name__ == "__main__":
    sys.exit(main())
