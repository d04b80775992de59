"""HTTP load benchmark of sales_cycle_mgmt against stock crm, with locust.

Builds two throwaway databases holding the very same generated sales team:
``<prefix>_stock`` with stock ``crm`` and ``<prefix>_addon`` (a copy of it) with
``sales_cycle_mgmt`` installed, a pulse round open for the salespeople and
content to share. Starts one Odoo server in prefork mode (``--workers``,
``--max-cron-threads``) on 127.0.0.1 serving both, and drives it with locust
(``bench/loadtest/locustfile.py``) exactly as the web client does: salespeople
moving and winning the deals of their own pipeline, logging customer questions
and sharing content (on stock: a note and a plain mail from the composer, the
addon's parts skipped), managers opening reports, employees answering the pulse
round through their personal links and the survey routes (addon only).

The sides run alike, in segments of ``--duration / --segments`` seconds, in the
order stock, addon, addon, stock, ... so that load from other processes hits both.
Afterwards the pulse round is closed as the daily cron closes it and the SQL
invariants of ``bench/loadtest/invariants.py`` are checked in both databases;
the run prints throughput (user actions per second) and p50/p95 latency per
request kind on both sides with their ratios, the invariants and PASS/MISS.

Exit code 0 whenever it could run (a benchmark is not a test), 1 when it could
not. Run it through ``make bench`` (see bench/README.rst), or directly:
``.venv/bin/python bench/load.py --conf .state/odoo.conf [--salespeople 40 ...]``.
Options it does not know (those of the other benchmarks) are ignored.
"""

import argparse
import datetime
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from ipaddress import ip_address
from pathlib import Path

import odoo.init  # Odoo's core set-up (monkeypatches) comes first, as in odoo-bin

# isort: split
import psutil
import psycopg2
import requests
from loadtest import invariants
from stage_history import (
    admin_cursor,
    drop_db,
    env_for,
    guarded_run,
    odoo_install,
    release,
    say,
    vacuum_analyze,
)

import odoo.modules.registry
import odoo.sql_db
from odoo.tools import SQL, config

LOCUST = "locust==2.47.0"
BENCH = Path(__file__).resolve().parent
TARGET_MOVE_P95_RATIO = 1.2
TARGET_THROUGHPUT_RATIO = 0.9
MOVE_KIND = "stage move: web_save"
SESSION_CHECK = "session: get_session_info"  # request kinds of the locustfile
LOGIN = "login: /web/session/authenticate"
READY_TIMEOUT = 600  # seconds for every user to open their first screen before a segment's clock starts
STOCK_REPORTS = [("crm.lead", "stage_id"), ("crm.lead", "user_id"), ("crm.lead", "team_id")]
ADDON_REPORTS = STOCK_REPORTS + [
    ("sales.cycle.report", "team_id"), ("sales.cycle.stage.report", "stage_id"),
    ("sales.cycle.funnel.report", "cycle_phase_id"), ("sales.followup.report", "team_id"),
    ("sales.content.report", "content_id"), ("sales.pulse.report", "round_id"),
]
QUESTIONS = [
    "Can it integrate with our ERP?", "Can it integrate with our ERP", "What does support cost?",
    "Is there a discount for two years?", "Where is our data hosted?", "How long is onboarding?",
    "Can we pay quarterly?", "Do you have references in our industry?",
]


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    p.add_argument("--conf", required=True, help="odoo.conf of the server to use")
    p.add_argument("--salespeople", type=int, default=40, help="salespeople, one locust user each")
    p.add_argument("--managers", type=int, default=4, help="sales managers opening reports")
    p.add_argument("--employees", type=int, default=None,
                   help="salespeople who answer the pulse round (default: all; none with --same-work)")
    p.add_argument("--leads-per-rep", type=int, default=40, help="open opportunities of each salesperson")
    p.add_argument("--teams", type=int, default=4, help="sales teams the salespeople are in")
    p.add_argument("--duration", type=int, default=90, help="seconds of load per side")
    p.add_argument("--segments", type=int, default=2,
                   help="segments per side, run stock, addon, addon, stock, ...")
    p.add_argument("--spawn-rate", type=float, default=20, help="locust users started per second")
    p.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0), metavar=("MIN", "MAX"),
                   help="seconds a user waits between two actions")
    p.add_argument("--max-requests", type=int, default=200_000, help="requests per segment at most")
    p.add_argument("--workers", type=int, default=4, help="Odoo HTTP workers (prefork)")
    p.add_argument("--cron-threads", type=int, default=2, help="Odoo cron workers")
    p.add_argument("--port", type=int, default=0, help="HTTP port on 127.0.0.1 (0: a free one)")
    p.add_argument("--locust-venv", default=None,
                   help="virtualenv with locust, created when missing (default: locust-venv "
                   "next to --conf)")
    p.add_argument("--prefix", default="scm_load",
                   help="database name prefix; <prefix>_stock and <prefix>_addon are dropped first")
    p.add_argument("--keep", action="store_true", help="keep the databases at the end")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", help="also write the invariants' and errors' counts to this file")
    p.add_argument("--same-work", action="store_true",
                   help="the addon's side does what stock's does and no more (questions as notes, "
                   "content as a plain mail, stock's reports, no pulse answers): what the addon "
                   "costs the requests both sides make, under the same load")
    args, _unknown = p.parse_known_args(argv)
    if min(args.salespeople, args.managers, args.leads_per_rep, args.teams, args.duration,
           args.segments, args.max_requests) < 1:
        p.error("sizes and durations must be at least 1")
    if args.same_work and args.employees:
        p.error("--same-work has no pulse answers: leave out --employees")
    if args.employees is None:
        args.employees = 0 if args.same_work else args.salespeople
    args.employees = min(args.employees, args.salespeople)
    return args


# ---------------------------------------------------------------------------
# locust's own virtualenv
# ---------------------------------------------------------------------------

def locust_venv(path):
    """A virtualenv with locust alone (its gevent must not meet Odoo's), made once."""
    path = Path(path)
    stamp = path / ".scm-stamp"
    if (path / "bin/locust").exists() and stamp.exists() and stamp.read_text().strip() == LOCUST:
        return path
    say(f"creating the virtualenv {path} with {LOCUST}")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(path)], check=True)
    log = path.parent / "locust-pip.log"
    with log.open("w") as out:
        rc = subprocess.run([str(path / "bin/pip"), "install", LOCUST], stdout=out,
                            stderr=subprocess.STDOUT, check=False).returncode
    if rc:
        raise RuntimeError(f"pip could not install {LOCUST} (log: {log})")
    stamp.write_text(LOCUST + "\n")
    return path


# ---------------------------------------------------------------------------
# set-up
# ---------------------------------------------------------------------------

def generate_team(registry, args):
    """Teams, salespeople, managers and each salesperson's open opportunities,
    through the ORM with tracking disabled; password = login."""
    rng = random.Random(args.seed)
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
           "no_reset_password": True}
    with env_for(registry, context=ctx) as env:
        salesman = env.ref("sales_team.group_sale_salesman")
        manager = env.ref("sales_team.group_sale_manager")
        reps = env["res.users"].create([{
            "name": f"Load Rep {i}", "login": f"load_rep_{i}", "password": f"load_rep_{i}",
            "email": f"load.rep.{i}@example.com", "group_ids": [(6, 0, salesman.ids)],
        } for i in range(1, args.salespeople + 1)])
        env["res.users"].create([{
            "name": f"Load Manager {i}", "login": f"load_manager_{i}", "password": f"load_manager_{i}",
            "email": f"load.manager.{i}@example.com", "group_ids": [(6, 0, manager.ids)],
        } for i in range(1, args.managers + 1)])
        teams = env["crm.team"].create([{
            "name": f"Load Team {t}", "sequence": 100 + t,
            "member_ids": [(6, 0, reps[t::args.teams].ids)],
        } for t in range(args.teams)])
        open_stages = env["crm.stage"].search([("is_won", "=", False)], order="sequence, id")
        # every deal's customer, whom content is sent to on both sides
        customers = env["res.partner"].create([{
            "name": f"Contact {n}", "email": f"contact{n}@company{n}.example.com",
        } for n in range(len(reps) * args.leads_per_rep)])
        vals = []
        for i, rep in enumerate(reps):
            for j in range(args.leads_per_rep):
                n = i * args.leads_per_rep + j
                vals.append({
                    "name": f"Load deal {n}", "type": "opportunity", "user_id": rep.id,
                    "team_id": teams[i % args.teams].id,
                    "stage_id": open_stages[rng.randrange(len(open_stages))].id,
                    "expected_revenue": rng.randrange(1000, 100000), "priority": str(rng.randrange(4)),
                    "partner_id": customers[n].id, "partner_name": f"Company {n}",
                })
        env["crm.lead"].create(vals)
        env.cr.execute("""
            UPDATE crm_lead SET create_date = (now() AT TIME ZONE 'UTC') - interval '60 days',
                                date_last_stage_update = (now() AT TIME ZONE 'UTC') - interval '30 days',
                                date_open = (now() AT TIME ZONE 'UTC') - interval '60 days'
             WHERE name LIKE 'Load deal %%'
        """)


def prepare_addon(registry, args):
    """A pulse campaign on the load's teams with a round open now (its
    invitations not mailed), and one piece of content per open stage."""
    with env_for(registry, context={"tracking_disable": True, "mail_create_nolog": True}) as env:
        teams = env["crm.team"].search([("name", "=like", "Load Team %")])
        campaign = env["sales.pulse.campaign"].create({
            "name": "Load pulse", "survey_id": env.ref("sales_cycle_mgmt.survey_sales_pulse").id,
            "enps_question_id": env.ref("sales_cycle_mgmt.survey_sales_pulse_q_enps").id,
            "team_ids": [(6, 0, teams.ids)], "cadence": "monthly",
            "date_first": datetime.date.today(), "anonymity_threshold": 3,
        })
        campaign._open_round(datetime.date.today(), send=False)
        for stage in env["crm.stage"].search([("is_won", "=", False)]):
            env["sales.content"].create({
                "name": f"Load guide for {stage.name}", "content_type": "article",
                "body": f"<p>What to know in {stage.name}.</p>", "stage_ids": [(6, 0, stage.ids)],
            })


def setup_databases(args, stock_db, addon_db, log_dir):
    for db in (stock_db, addon_db):
        drop_db(db)
    times = {}
    say(f"installing crm into {stock_db}")
    times["install crm"] = odoo_install(args.conf, stock_db, "crm", log_dir)
    t = time.perf_counter()
    generate_team(odoo.modules.registry.Registry(stock_db), args)
    times["generate"] = time.perf_counter() - t
    release(stock_db)
    say(f"copying {stock_db} to {addon_db} and installing sales_cycle_mgmt there")
    with admin_cursor() as cr:
        cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(addon_db), SQL.identifier(stock_db)))
    times["install sales_cycle_mgmt"] = odoo_install(args.conf, addon_db, "sales_cycle_mgmt", log_dir)
    prepare_addon(odoo.modules.registry.Registry(addon_db), args)
    for db in (stock_db, addon_db):
        vacuum_analyze(db, [])
    return times


def read_plan(db, side, args):
    """What the locust users need: logins, stages, reports, the pulse links."""
    with env_for(odoo.modules.registry.Registry(db)) as env:
        cr = env.cr
        cr.execute("SELECT login FROM res_users WHERE login LIKE 'load_rep_%%' ORDER BY id")
        reps = [{"login": r[0]} for r in cr.fetchall()]
        cr.execute("SELECT login FROM res_users WHERE login LIKE 'load_manager_%%' ORDER BY id")
        managers = [r[0] for r in cr.fetchall()]
        cr.execute("SELECT id FROM crm_stage WHERE is_won IS NOT TRUE ORDER BY sequence, id")
        plan = {"db": db, "side": side, "reps": reps, "managers": managers,
                "open_stage_ids": [r[0] for r in cr.fetchall()], "think": list(args.think),
                "max_requests": args.max_requests, "employees": [], "questions": QUESTIONS,
                "reports": STOCK_REPORTS, "content_ids": [], "pulse_questions": [],
                "employee_spread": max(args.duration / args.segments / 2, 1)}
        cr.execute("SELECT id, partner_id FROM crm_lead WHERE name LIKE 'Load deal %%'")
        plan["customers"] = {str(lead_id): partner_id for lead_id, partner_id in cr.fetchall()}
        plan["same_work"] = args.same_work
        if side == "addon" and not args.same_work:
            # the bench owns this database: the links are read where only the system reads them
            cr.execute("""
                SELECT u.login, i.access_token FROM sales_pulse_invitation i
                  JOIN res_users u ON u.id = i.user_id
                  JOIN sales_pulse_round r ON r.id = i.round_id
                 WHERE r.state = 'open' AND i.responded IS NOT TRUE ORDER BY i.id""")
            plan["employees"] = [{"login": login, "token": token}
                                 for login, token in cr.fetchall()][:args.employees]
            survey = env.ref("sales_cycle_mgmt.survey_sales_pulse")
            plan["survey_token"] = survey.access_token
            plan["pulse_questions"] = [
                {"id": q.id, "type": q.question_type, "min": q.scale_min, "max": q.scale_max}
                for q in survey.question_ids
            ]
            plan["content_ids"] = env["sales.content"].search([("name", "=like", "Load guide %")]).ids
            plan["reports"] = ADDON_REPORTS
    return plan


# ---------------------------------------------------------------------------
# the server and the load
# ---------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """odoo-bin in prefork mode on 127.0.0.1, serving the two databases."""

    def __init__(self, args, dbnames, log):
        self.port = args.port or free_port()
        self.workers = args.workers
        self.log = log
        odoo_bin = Path(odoo.__path__[0]).parent / "odoo-bin"
        # -d: the cron workers serve these databases only, not every one of the cluster
        cmd = [sys.executable, str(odoo_bin), "-c", args.conf, "-d", ",".join(dbnames),
               "--db-filter", f"^({'|'.join(dbnames)})$",
               "--http-interface", "127.0.0.1", "--http-port", str(self.port),
               "--gevent-port", str(free_port()), "--workers", str(args.workers),
               "--max-cron-threads", str(args.cron_threads), "--log-level", "info", "--logfile", ""]
        with open(log, "w") as out:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Odoo stopped at start (log: {self.log})")
            try:
                if requests.get(self.url + "/web/health", timeout=5).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # listening, but still loading the databases (-d preloads them)
            time.sleep(0.5)
        raise RuntimeError(f"Odoo did not start in {timeout} s (log: {self.log})")

    def warm_up(self, dbnames):
        """Each worker loads each database's registry before anything is timed."""
        def visit(db):
            with requests.Session() as session:
                session.get(f"{self.url}/web/login?db={db}", timeout=600)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(visit, [db for db in dbnames for _ in range(2 * self.workers)]))

    def open_sessions(self, db, logins):
        """Logs each of ``logins`` (password = login) in to ``db`` once, as the
        login page does (``/web/session/authenticate``), a few at a time: every
        login costs Odoo's pbkdf2 rounds on a worker. Returns {login: session_id},
        the cookie a browser keeps for the following visits."""
        def login(name):
            with requests.Session() as session:
                response = session.post(f"{self.url}/web/session/authenticate", timeout=600, json={
                    "jsonrpc": "2.0", "method": "call", "id": 1,
                    "params": {"db": db, "login": name, "password": name}})
                result = response.json().get("result") if response.ok else None
                sid = session.cookies.get("session_id")
                if not (result and result.get("uid") and sid):
                    raise RuntimeError(f"{name} could not log in to {db}: {response.text[:300]}")
                return name, sid

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return dict(pool.map(login, logins))

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def process_cpu(pid):
    """CPU seconds of process ``pid``, its children and the children it reaped
    (recycled workers, ended backends); None when it cannot be read."""
    for _attempt in range(5):  # a child may end while they are listed
        try:
            proc = psutil.Process(pid)
            own = proc.cpu_times()
            children = proc.children(recursive=True)
        except psutil.AccessDenied:
            return None
        except psutil.NoSuchProcess:
            if not psutil.pid_exists(pid):
                return None
            continue
        total = own.user + own.system + own.children_user + own.children_system
        for child in children:
            try:
                times = child.cpu_times()
            except psutil.NoSuchProcess:
                continue  # ended meanwhile: its time is in its parent's children's now
            except psutil.AccessDenied:
                return None
            total += times.user + times.system
        return total
    return None


def postmaster_pid():
    """The PostgreSQL server's process when it runs on this machine, else None."""
    with admin_cursor() as cr:
        cr.execute("SELECT pg_backend_pid(), inet_server_addr()")
        backend, addr = cr.fetchone()
        if addr is not None and not ip_address(str(addr).split("/")[0]).is_loopback:
            return None
        try:  # while the backend lives: it ends with the connection
            return psutil.Process(backend).ppid()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None


def cpu_now(server, postmaster):
    """{"odoo": CPU seconds of the server's processes, "postgresql": of the cluster's}."""
    return {"odoo": process_cpu(server.proc.pid),
            "postgresql": process_cpu(postmaster) if postmaster else None}


def run_locust(venv, server, plan, seconds, args, work_dir, tag):
    """One headless locust run of ``seconds`` with every user of ``plan``;
    returns what the locustfile recorded."""
    plan_file, samples_file = work_dir / f"{tag}-plan.json", work_dir / f"{tag}-samples.json"
    plan_file.write_text(json.dumps({**plan, "seconds": seconds}))
    classes = ["Salesperson", "Manager"] + (["Employee"] if plan["employees"] else [])
    users = len(plan["reps"]) + len(plan["managers"]) + len(plan["employees"])
    cmd = [str(venv / "bin/locust"), "-f", str(BENCH / "loadtest/locustfile.py"), "--headless",
           "--host", server.url, "--users", str(users), "--spawn-rate", str(args.spawn_rate),
           "--run-time", f"{seconds + READY_TIMEOUT}s", "--stop-timeout", "10", "--only-summary",
           "--loglevel", "WARNING", *classes]
    env = dict(os.environ, LOAD_PLAN=str(plan_file), LOAD_SAMPLES=str(samples_file))
    log = work_dir / f"{tag}-locust.log"
    cpu_before = cpu_now(server, server.postmaster)
    with log.open("w") as out:
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                              timeout=seconds + READY_TIMEOUT + 120, check=False)
    if not samples_file.exists():
        raise RuntimeError(f"locust wrote no samples (exit {proc.returncode}, log: {log})")
    run = json.loads(samples_file.read_text())
    cpu_after = cpu_now(server, server.postmaster)
    run["cpu"] = {k: None if cpu_before[k] is None or cpu_after[k] is None else cpu_after[k] - cpu_before[k]
                  for k in cpu_after}
    return run


def close_round(db):
    """What the daily cron does when the response window ends."""
    with env_for(odoo.modules.registry.Registry(db)) as env:
        env["sales.pulse.round"].search([("state", "=", "open")])._close()


def what_happened(db, since):
    """Counts of what the load wrote, from the database: {label: n}."""
    queries = {
        "stage changes tracked": """SELECT count(*) FROM mail_tracking_value v
                JOIN mail_message m ON m.id = v.mail_message_id JOIN ir_model_fields f ON f.id = v.field_id
               WHERE m.model = 'crm.lead' AND f.name = 'stage_id' AND m.date >= %(since)s""",
        "deals won": "SELECT count(*) FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id "
                     "WHERE s.is_won AND l.date_closed >= %(since)s",
        "messages posted": "SELECT count(*) FROM mail_message WHERE model = 'crm.lead' AND date >= %(since)s "
                           "AND message_type = 'comment'",
        "stays opened": "SELECT count(*) FROM sales_cycle_stage_history WHERE date_in >= %(since)s "
                        "AND direction != 'first'",
        "follow-ups planned": "SELECT count(*) FROM sales_followup WHERE create_date >= %(since)s",
        "customer questions asked": "SELECT count(*) FROM sales_customer_question_lead_rel",
        "content usages": "SELECT count(*) FROM sales_content_usage WHERE create_date >= %(since)s",
        "pulse invitations answered": "SELECT count(*) FROM sales_pulse_invitation WHERE responded",
        "pulse answers submitted": "SELECT count(*) FROM survey_user_input "
                                   "WHERE sales_pulse_round_id IS NOT NULL AND state = 'done'",
    }
    found = {}
    with closing(odoo.sql_db.db_connect(db).cursor()) as cr:
        for label, query in queries.items():
            cr.execute("SAVEPOINT q")
            try:
                # the addon's tables are not on the stock side: no error to log
                cr.execute(query, {"since": since}, log_exceptions=False)
                found[label] = cr.fetchone()[0]
            except psycopg2.Error:
                cr.execute("ROLLBACK TO SAVEPOINT q")
    return found


def check_invariants(db, since):
    with closing(odoo.sql_db.db_connect(db).cursor()) as cr:
        return invariants.check(cr, since)


def server_retries(log, dbnames):
    """Concurrency retries per database in the server's log, and those given up."""
    retried, gave_up = Counter(), Counter()
    pattern = re.compile(r" \d+ INFO (\S+) odoo\.service\.model: (.*)")
    for line in Path(log).read_text(errors="replace").splitlines():
        m = pattern.search(line)
        if m and m.group(1) in dbnames:
            if "tries left" in m.group(2):
                retried[m.group(1)] += 1
            elif "maximum number of tries" in m.group(2):
                gave_up[m.group(1)] += 1
    return retried, gave_up


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------

def summarize(runs):
    """{kind: [ms]} of the requests answered once every user had started,
    {kind: failures} of every request, measured seconds, and the failures' first bodies."""
    times, failures, bodies, seconds = defaultdict(list), Counter(), {}, 0.0
    for run in runs:
        if run["measuring_since"]:
            seconds += run["stopped"] - run["measuring_since"]
        for kind, at, ms, outcome, body in run["samples"]:
            if outcome != "ok":
                failures[kind, outcome] += 1
                bodies.setdefault((kind, outcome), body)
            elif at is not None and at >= 0:
                times[kind].append(ms)
    return times, failures, bodies, seconds


def session_use(runs):
    """How the users of ``runs`` got their session: reused or logged in again."""
    kinds = Counter(kind for run in runs for kind, _at, _ms, outcome, _b in run["samples"] if outcome == "ok")
    return (f"{kinds[SESSION_CHECK]} sessions checked, "
            f"{kinds[LOGIN]} users logged in again (their session was gone)")


def cpu_per_action(runs):
    """{"odoo", "postgresql", "both": CPU ms per user action over ``runs``, or None}."""
    actions = sum(1 for run in runs for kind, *_rest in run["samples"] if kind.startswith("action: "))
    result = {}
    for part in ("odoo", "postgresql"):
        used = [run["cpu"][part] for run in runs]
        result[part] = None if None in used or not actions else sum(used) / actions * 1000
    result["both"] = None if None in result.values() else result["odoo"] + result["postgresql"]
    return result


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    sep = "  ".join("-" * w for w in widths)

    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return [sep, line(header), sep, *(line(r) for r in rows), sep]


def ratio(a, b):
    return a / b if b else float("nan")


def report(args, info, sides, checks, retries):
    stock, addon = info["stock_db"], info["addon_db"]
    out = []
    w = out.append
    w("")
    w("sales_cycle_mgmt HTTP load benchmark (locust)")
    w("=" * 46)
    w(f"machine: {os.cpu_count()} cores, load average at start {info['load_start']}, at end "
      f"{os.getloadavg()[0]:.2f}; {info['pg']}; Odoo --workers={args.workers} "
      f"--max-cron-threads={args.cron_threads} on 127.0.0.1")
    w(f"users: {args.salespeople} salespeople ({args.leads_per_rep} open deals each, {args.teams} teams), "
      f"{args.managers} managers, {args.employees} employees answering the pulse round (addon only); "
      f"think time {args.think[0]}-{args.think[1]} s")
    if args.same_work:
        w("same work: the addon's side makes only the requests stock's makes (questions as notes, "
          "content as a plain mail, stock's reports, no pulse)")
    w(f"run: {args.duration} s per side in {args.segments} segments ({info['order']}); measured once "
      f"every user had started: stock {sides[stock]['seconds']:.0f} s, addon {sides[addon]['seconds']:.0f} s")
    w("set-up: " + ", ".join(f"{k} {v:.0f} s" for k, v in info["setup"].items()))
    w(f"sessions: {info['logins']} logins before the first segment, one per user and database; then "
      f"stock {session_use(sides[stock]['runs'])}; addon {session_use(sides[addon]['runs'])}")
    for db in (stock, addon):
        w(f"written by the load in {db}: " + ", ".join(f"{k} {v}" for k, v in info["happened"][db].items()))
    w("")
    w("throughput: user actions per second (an action is one task: a move, a win, a report, ...)")
    rows = []
    actions = sorted({k for s in sides.values() for k in s["times"] if k.startswith("action: ")})
    rate = {db: {k: len(sides[db]["times"].get(k, [])) / max(sides[db]["seconds"], 1e-9) for k in actions}
            for db in sides}
    for k in actions:
        rows.append((k[8:], f"{rate[stock][k]:.2f}", f"{rate[addon][k]:.2f}",
                     f"{ratio(rate[addon][k], rate[stock][k]):.2f}x", "", ""))
    common = [k for k in actions if rate[stock][k] and rate[addon][k]]
    tot = {db: sum(rate[db][k] for k in common) for db in sides}
    t_ratio = ratio(tot[addon], tot[stock])
    rows.append(("all actions both sides run", f"{tot[stock]:.2f}", f"{tot[addon]:.2f}", f"{t_ratio:.2f}x",
                 f">= {TARGET_THROUGHPUT_RATIO}x", "PASS" if t_ratio >= TARGET_THROUGHPUT_RATIO else "MISS"))
    out += table(("action", "stock/s", "addon/s", "ratio", "target", "result"), rows)
    w("")
    w("CPU per user action: ms, each segment whole (its actions; the CPU of Odoo's processes and of "
      "PostgreSQL's in that time, locust's not counted)")
    rows = []
    cpu = {db: cpu_per_action(sides[db]["runs"]) for db in (stock, addon)}
    for part in ("odoo", "postgresql", "both"):
        a, b = cpu[stock][part], cpu[addon][part]
        rows.append((part, "-" if a is None else f"{a:.1f}", "-" if b is None else f"{b:.1f}",
                     f"{ratio(b, a):.2f}x" if a and b else "-"))
    out += table(("processes", "stock", "addon", "ratio"), rows)
    w("")
    w("latency per request kind: ms, p50 and p95 (n: requests answered)")
    rows = []
    kinds = sorted({k for s in sides.values() for k in s["times"] if not k.startswith("action: ")})
    for k in kinds:
        a, b = sides[stock]["times"].get(k, []), sides[addon]["times"].get(k, [])
        r50, r95 = ratio(pct(b, 50), pct(a, 50)), ratio(pct(b, 95), pct(a, 95))
        target = verdict = ""
        if k == MOVE_KIND:
            target = f"p95 <= {TARGET_MOVE_P95_RATIO}x"
            verdict = "PASS" if r95 <= TARGET_MOVE_P95_RATIO else "MISS"
        rows.append((k, len(a) or "-", f"{pct(a, 50):.0f}" if a else "-", f"{pct(a, 95):.0f}" if a else "-",
                     len(b) or "-", f"{pct(b, 50):.0f}" if b else "-", f"{pct(b, 95):.0f}" if b else "-",
                     f"{r50:.2f}x" if a and b else "-", f"{r95:.2f}x" if a and b else "-", target, verdict))
    out += table(("request", "stock n", "p50", "p95", "addon n", "p50", "p95", "p50 ratio", "p95 ratio",
                  "target", "result"), rows)
    w("")
    w("invariants (SQL after the run; HTTP as the clients saw it)")
    rows = []
    for db in (stock, addon):
        for name, _desc, n, sample in checks[db]:
            verdict = "" if n is None else ("PASS" if n == 0 else "MISS")
            rows.append((db, name, "skipped (no such table)" if n is None else n, verdict,
                         str(sample[:2])[:60] if n else ""))
        fails = sides[db]["failures"]
        http5 = sum(v for (_k, o), v in fails.items() if o.startswith("http 5"))
        serial = sum(v for (_k, o), v in fails.items() if o == "serialization failure")
        other = sum(fails.values()) - http5 - serial
        rows.append((db, "no HTTP 500", http5, "PASS" if http5 == 0 else "MISS", ""))
        rows.append((db, "no serialization failure reached a client", serial,
                     "PASS" if serial == 0 else "MISS",
                     f"(server retried {retries[0][db]}, gave up {retries[1][db]})"))
        rows.append((db, "no other error reached a client", other, "PASS" if other == 0 else "MISS", ""))
    out += table(("database", "invariant", "violations", "result", "first"), rows)
    total = sum(invariants.violations(checks[db]) for db in checks)
    w(f"invariant violations: {total}")
    for db in (stock, addon):
        for (kind, outcome), n in sorted(sides[db]["failures"].items()):
            w(f"  {db}: {n} x {kind}: {outcome}: {(sides[db]['bodies'][kind, outcome] or '')[:240]}")
    w("")
    print("\n".join(out), flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.conf, "--log-level=warn"], setup_logging=True)
    log_dir = Path(os.path.dirname(os.path.abspath(args.conf)))
    work_dir = log_dir / f"bench-load-{args.prefix}"  # runs of other prefixes may go on at once
    work_dir.mkdir(exist_ok=True)
    stock_db, addon_db = f"{args.prefix}_stock", f"{args.prefix}_addon"
    info = {"stock_db": stock_db, "addon_db": addon_db, "load_start": f"{os.getloadavg()[0]:.2f}"}

    def bench():
        venv = locust_venv(args.locust_venv or log_dir / "locust-venv")
        with admin_cursor() as cr:
            cr.execute("SHOW server_version")
            info["pg"] = f"PostgreSQL {cr.fetchone()[0]}"
        info["setup"] = setup_databases(args, stock_db, addon_db, log_dir)
        plans = {stock_db: read_plan(stock_db, "stock", args), addon_db: read_plan(addon_db, "addon", args)}
        release(stock_db)
        release(addon_db)
        employees = plans[addon_db]["employees"]
        order = [stock_db, addon_db, addon_db, stock_db] * args.segments
        order = order[:2 * args.segments]
        info["order"] = ", ".join("stock" if db == stock_db else "addon" for db in order)
        seconds = max(args.duration // args.segments, 5)
        since = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - datetime.timedelta(seconds=1)
        server = Server(args, [stock_db, addon_db], work_dir / "server.log")
        server.postmaster = postmaster_pid()
        runs = defaultdict(list)
        try:
            t = time.perf_counter()
            server.wait_ready()
            server.warm_up([stock_db, addon_db])
            info["setup"]["server start"] = time.perf_counter() - t
            t = time.perf_counter()
            for db, plan in plans.items():
                logins = sorted({*(r["login"] for r in plan["reps"]), *plan["managers"],
                                 *(e["login"] for e in plan["employees"])})
                say(f"logging {len(logins)} users in to {db} once, {args.workers} at a time")
                plan["sessions"] = server.open_sessions(db, logins)
            info["setup"]["logins"] = time.perf_counter() - t
            info["logins"] = sum(len(p["sessions"]) for p in plans.values())
            addon_segment = 0
            for i, db in enumerate(order):
                plan = dict(plans[db])
                if db == addon_db:  # each addon segment has its share of the pulse links
                    plan["employees"] = employees[addon_segment::args.segments]
                    addon_segment += 1
                say(f"segment {i + 1}/{len(order)}: {plan['side']}, {seconds} s, "
                    f"{len(plan['reps']) + len(plan['managers']) + len(plan['employees'])} users")
                tag = f"{i + 1}-{plan['side']}"
                t = time.perf_counter()
                run = run_locust(venv, server, plan, seconds, args, work_dir, tag)
                runs[db].append(run)
                ready = ("every user on their first screen after "
                         f"{run['measuring_since'] - run['started']:.0f} s"
                         if run["measuring_since"] else "the users never all reached their first screen")
                say(f"segment {i + 1} took {time.perf_counter() - t:.0f} s: {ready}, "
                    f"{session_use([run])}")
        finally:
            server.stop()
        retries = server_retries(server.log, [stock_db, addon_db])
        close_round(addon_db)
        checks = {db: check_invariants(db, since) for db in (stock_db, addon_db)}
        info["happened"] = {db: what_happened(db, since) for db in (stock_db, addon_db)}
        sides = {}
        for db in (stock_db, addon_db):
            times, failures, bodies, measured = summarize(runs[db])
            sides[db] = {"times": times, "failures": failures, "bodies": bodies, "seconds": measured,
                         "runs": runs[db]}
        report(args, info, sides, checks, retries)
        info["violations"] = sum(invariants.violations(c) for c in checks.values())
        info["failures"] = {db: sum(sides[db]["failures"].values()) for db in sides}
        info["requests"] = {db: sum(len(v) for k, v in sides[db]["times"].items()
                                    if not k.startswith("action: ")) for db in sides}
        if args.json:
            Path(args.json).write_text(json.dumps({
                "violations": info["violations"], "failures": info["failures"],
                "answered": info["happened"][addon_db].get("pulse invitations answered"),
                "happened": info["happened"],
                "requests": info["requests"],
                "logins": info["logins"],
                "cpu_per_action": {db: cpu_per_action(sides[db]["runs"]) for db in sides},
                "logged_in_again": {db: sum(kind == LOGIN for run in sides[db]["runs"]
                                            for kind, *_rest in run["samples"]) for db in sides},
                "checks": {db: [(name, n) for name, _d, n, _s in checks[db]] for db in checks},
                "errors": {db: [f"{k}: {o}: {sides[db]['bodies'][k, o]}" for k, o in sides[db]["failures"]]
                           for db in sides},
            }, indent=1))

    return guarded_run(bench, [stock_db, addon_db], args.keep)


if __name__ == "__main__":
    sys.exit(main())
