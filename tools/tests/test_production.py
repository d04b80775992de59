"""Production deployment, with real processes:

* reports on a read replica: a streaming hot standby of the private cluster
  (tools/pg.sh replica-start, with log_statement=all) and an Odoo server in
  prefork mode with db_replica_host/port answer the dashboard, every report and
  the lead form from the standby, with the same figures as a server on the
  primary only;
* each scheduled action of the addon "Run Manually" from both servers at the
  same moment (two processes, ir.cron.method_direct_trigger) does the work of
  one run: the same new rows as a single run in a copy of the database.

Run by `make test` (tools/test.sh) like test_addon_lifecycle.py; its databases
use the run's throwaway prefix and are dropped when the run ends.
"""

import configparser
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import pytest
import requests
from test_addon_lifecycle import CONF, ODOO_SRC, PREFIX, PYTHON, odoo

pytestmark = pytest.mark.skipif(not CONF, reason="run through `make test` (tools/test.sh)")

ROOT = Path(__file__).resolve().parents[2]
DB = PREFIX + "production"
REF_DB = PREFIX + "production_ref"
MANAGER = ("helper.manager@example.com", "Manager-pw-19")
CRONS = (
    "ir_cron_stage_benchmarks", "ir_cron_flag_stalled", "ir_cron_followup_process",
    "ir_cron_snapshot_take", "ir_cron_one_on_one_schedule", "ir_cron_pulse_run",
)
# what the crons create: a second run at the same time must add none of it
CREATED = (
    "sales_pulse_round", "sales_pulse_invitation", "mail_mail", "mail_message", "sales_followup",
    "mail_activity", "sales_cycle_snapshot", "sales_one_on_one_session", "calendar_event",
    "survey_user_input",
)


def db_params():
    cfg = configparser.ConfigParser()
    cfg.read(CONF)
    opt = cfg["options"]
    return {"host": opt["db_host"], "port": opt["db_port"], "user": opt["db_user"],
            "password": opt.get("db_password", "")}


def sql(db, query, params=None, port=None):
    params_ = db_params()
    if port:
        params_["port"] = port
    conn = psycopg2.connect(dbname=db, **params_)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_sh(env, *args):
    proc = subprocess.run(["bash", str(ROOT / "tools/pg.sh"), *args], env=env, capture_output=True,
                          text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.strip()


class Server:
    """odoo-bin serving the two databases of this test on a free port."""

    def __init__(self, log, *args):
        self.port = free_port()
        self.log = log
        cmd = [PYTHON, os.path.join(ODOO_SRC, "odoo-bin"), "-c", CONF, "--db-filter", f"^({DB}|{REF_DB})$",
               "--http-interface", "127.0.0.1", "--http-port", str(self.port),
               "--gevent-port", str(free_port()), "--max-cron-threads", "0", "--log-level", "info", *args]
        with open(log, "w") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, deadline):
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()[-3000:]
            try:
                if requests.get(self.url("/web/health"), timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise AssertionError("Odoo did not start:\n" + self.output()[-3000:])

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self):
        return Path(self.log).read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


class Client:
    """A logged-in browser session on one server and database."""

    def __init__(self, server, db, login, password):
        self.server, self.http = server, requests.Session()
        params = {"db": db, "login": login, "password": password}
        self.uid = self.rpc("/web/session/authenticate", params)["uid"]

    def rpc(self, path, params, raw=False):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        resp = self.http.post(self.server.url(path), json=payload, timeout=120)
        resp.raise_for_status()
        body = resp.json()
        if raw:
            return body
        assert "error" not in body, json.dumps(body["error"], indent=1)[:3000]
        return body["result"]

    def call(self, model, method, *args, raw=False, **kwargs):
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}",
                        {"model": model, "method": method, "args": list(args), "kwargs": kwargs}, raw=raw)


@pytest.fixture(scope="module")
def stack():
    started = time.monotonic()
    # the standby is one of the private cluster: not with a server of one's own (PGHOST)
    with_replica = os.environ.get("SCM_PG_EXTERNAL") != "1"
    odoo(DB, "-i", "sales_cycle_mgmt", "--with-demo", "--stop-after-init", "--max-cron-threads=0")
    # work for every cron: today's snapshot not taken yet, rotting deals not reminded;
    # the demo's last snapshot is today's in the users' time zone, not always the
    # server's current_date (from 23:00 UTC on, Brussels is already tomorrow)
    sql(DB, "DELETE FROM sales_cycle_snapshot WHERE date = (SELECT max(date) FROM sales_cycle_snapshot)")
    sql(DB, "UPDATE crm_lead SET rotting_reminded_at = NULL")
    sql("postgres", f'CREATE DATABASE "{REF_DB}" TEMPLATE "{DB}"')
    print(f"installed and copied in {time.monotonic() - started:.0f}s")

    tmp = tempfile.mkdtemp(prefix="scm-test-replica-", dir="/var/tmp")
    os.chmod(tmp, 0o755)
    env = dict(os.environ, SCM_PG_REPLICA_DIR=os.path.join(tmp, "pg"), SCM_PG_REPLICA_PORT=str(free_port()),
               SCM_PG_REPLICA_OPTS="-c log_statement=all")
    servers = []
    try:
        replica_port = None
        if with_replica:
            assert pg_sh(env, "replica-start") == "started"
            replica_port = env["SCM_PG_REPLICA_PORT"]
        primary = Server(os.path.join(tmp, "primary.log"))
        replica = Server(os.path.join(tmp, "replica.log"), "--workers", "2", "--limit-time-real", "300",
                         *(("--db_replica_host", "127.0.0.1", "--db_replica_port", replica_port)
                           if with_replica else ()))
        servers = [primary, replica]
        deadline = time.monotonic() + 120
        for server in servers:
            server.wait_ready(deadline)
        for db in (DB, REF_DB):
            admin = Client(primary, db, "admin", "admin")
            admin.call("res.users", "create", {
                "name": "Helper Manager", "login": MANAGER[0], "password": MANAGER[1],
                "group_ids": [(4, admin.call("ir.model.data", "check_object_reference",
                                             "sales_team", "group_sale_manager")[1])],
            })
        yield {"primary": primary, "replica": replica, "replica_port": replica_port,
               "replica_log": os.path.join(tmp, "pg", "postgresql.log")}
    finally:
        for server in servers:
            server.stop()
        if with_replica:
            pg_sh(env, "replica-drop")
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"production stack: {time.monotonic() - started:.0f}s in all")


def wait_replayed(replica_port, timeout=30):
    lsn = sql("postgres", "SELECT pg_current_wal_lsn()")[0][0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sql("postgres", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn], port=replica_port)[0][0]:
            return
        time.sleep(0.2)
    raise AssertionError("the standby did not catch up with the primary")


def dashboard_requests():
    """(model, domain, groupby, measures) of every figure and pivot of the dashboard."""
    data = json.loads((ROOT / "sales_cycle_mgmt/data/files/sales_cycle_dashboard.json").read_text())
    out = [(p["model"], p["domain"], [], [m["fieldName"] for m in p["measures"]])
           for p in data["pivots"].values()]
    for sheet in data["sheets"]:
        for figure in sheet.get("figures", []):
            meta = figure["data"].get("metaData")
            if meta:
                out.append((meta["resModel"], figure["data"]["searchParams"]["domain"], meta["groupBy"],
                            [meta["measure"]]))
    return out


def read_everything(client):
    """What a manager's browser asks for: the dashboard, each report grouped as on
    the dashboard and by each report's own pivot dimensions, the lead form."""
    results = {}
    dashboard_id = client.call("ir.model.data", "check_object_reference", "sales_cycle_mgmt",
                               "spreadsheet_dashboard_sales_cycle")[1]
    resp = client.http.get(client.server.url(f"/spreadsheet/dashboard/data/{dashboard_id}"), timeout=60)
    assert resp.ok, resp.text[:2000]
    results["dashboard"] = len(resp.content)
    models = set()
    for model, domain, groupby, measures in dashboard_requests():
        fields = client.call(model, "fields_get", attributes=["aggregator"])
        aggregates = ["__count"] + [f"{m}:{fields[m]['aggregator']}" for m in measures if m != "__count"]
        # as the spreadsheet asks for its pivots and charts
        results[model, json.dumps(domain), tuple(groupby)] = client.call(
            model, "formatted_read_group", domain, groupby, aggregates)
        models.add(model)
    for model in ("sales.cycle.report", "sales.cycle.stage.report", "sales.cycle.funnel.report",
                  "sales.pulse.report", "sales.followup.report", "sales.content.report",
                  "sales.one.on.one.coverage.report", "sales.cycle.snapshot.change"):
        fields = client.call(model, "fields_get", attributes=["type", "aggregator", "store"])
        measures = sorted(f"{n}:{f['aggregator']}" for n, f in fields.items()
                          if f.get("aggregator") and f["type"] in ("integer", "float", "monetary"))
        dims = sorted(n for n, f in fields.items() if f["type"] in ("many2one", "selection") and f["store"])
        for dim in dims:
            results[model, dim] = client.call(model, "web_read_group", [], [dim], ["__count", *measures])
        results[model, "list"] = client.call(model, "web_search_read", [], {"id": {}, "display_name": {}},
                                             limit=40, order="id")
    lead_fields = client.call("crm.lead", "fields_get", attributes=["type"])
    relational = ("many2one", "one2many", "many2many")
    spec = {n: ({"fields": {"display_name": {}}} if f["type"] in relational else {})
            for n, f in lead_fields.items() if f["type"] != "binary"}
    leads = client.call("crm.lead", "web_search_read", [["type", "=", "opportunity"]], {"id": {}},
                        limit=5, order="id")["records"]
    results["lead form"] = client.call("crm.lead", "web_read", [r["id"] for r in leads], spec)
    return results


def standby_transactions(replica_port):
    query = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
    return sql(DB, query, port=replica_port)[0][0]


def assert_same(got, want, path="result"):
    """Equal, but for durations measured up to now() (days, seconds): the calls are seconds apart."""
    numbers = (int, float)
    if isinstance(want, numbers) and isinstance(got, numbers) and not isinstance(want, bool):
        assert got == pytest.approx(want, rel=1e-4, abs=0.01), path
    elif isinstance(want, dict) and isinstance(got, dict):
        assert got.keys() == want.keys(), path
        for key in want:
            assert_same(got[key], want[key], f"{path}[{key!r}]")
    elif isinstance(want, list) and isinstance(got, list):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{path}[{i}]")
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def test_reports_read_on_the_hot_standby(stack):
    replica_port = stack["replica_port"]
    if replica_port is None:
        pytest.skip("no standby: PostgreSQL is a server of your own (PGHOST)")
    wait_replayed(replica_port)
    on_primary = read_everything(Client(stack["primary"], DB, *MANAGER))

    manager = Client(stack["replica"], DB, *MANAGER)
    wait_replayed(replica_port)  # the login's writes
    log = Path(stack["replica_log"])
    offset = log.stat().st_size
    xacts = standby_transactions(replica_port)
    on_replica = read_everything(manager)
    statements = log.read_text(errors="replace")[offset:]

    assert_same(on_replica, on_primary)
    assert on_primary["sales.cycle.report", "team_id"]["groups"], "demo data: the reports have figures"
    # the standby ran the reports' and the form's queries, and refused nothing
    for table in ("sales_cycle_report", "sales_cycle_stage_report", "sales_cycle_funnel_report",
                  "sales_pulse_report", "crm_lead", "spreadsheet_dashboard"):
        assert f'"{table}"' in statements, f"no query on {table} ran on the standby"
    assert "SET LOCAL jit = off" in statements
    assert "ERROR:" not in statements, [line for line in statements.splitlines() if "ERROR:" in line][:10]
    deadline = time.monotonic() + 15  # statistics reach pg_stat_database within a second or so
    while standby_transactions(replica_port) <= xacts:
        assert time.monotonic() < deadline, "no transaction of the database counted on the standby"
        time.sleep(0.5)
    # and Odoo did not fall back to the primary for any of it
    assert "retrying with a read/write cursor" not in stack["replica"].output()


def counts(db):
    return {t: sql(db, f'SELECT count(*) FROM "{t}"')[0][0] for t in CREATED}


def test_each_cron_runs_once_when_triggered_twice_at_once(stack):
    cron_ids = dict(sql(DB, "SELECT name, res_id FROM ir_model_data WHERE module = 'sales_cycle_mgmt'"
                            " AND model = 'ir.cron' AND name = ANY(%s)", [list(CRONS)]))
    assert sorted(cron_ids) == sorted(CRONS)

    # the reference: each cron run once, in the copy of the database
    ref = Client(stack["primary"], REF_DB, "admin", "admin")
    before_ref = counts(REF_DB)
    for name in CRONS:
        ref.call("ir.cron", "method_direct_trigger", [cron_ids[name]])
    single_run = {t: n - before_ref[t] for t, n in counts(REF_DB).items()}
    assert single_run["sales_cycle_snapshot"] > 0 and single_run["mail_activity"] > 0, single_run

    # the same, pressed in two processes at the same moment
    clients = [Client(stack["primary"], DB, "admin", "admin"), Client(stack["replica"], DB, "admin", "admin")]
    before = counts(DB)
    outcomes = {}
    for name in CRONS:
        barrier = threading.Barrier(len(clients))
        answers = [None] * len(clients)

        def press(i, client, name=name, barrier=barrier, answers=answers):
            barrier.wait()
            answers[i] = client.call("ir.cron", "method_direct_trigger", [cron_ids[name]], raw=True)

        threads = [threading.Thread(target=press, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
        for answer in answers:
            assert answer is not None, f"{name}: no answer"
            if "error" in answer:  # the other process holds the job: "already executing"
                assert "already executing" in json.dumps(answer["error"]), answer["error"]
        outcomes[name] = ["ran" if "error" not in a else "refused" for a in answers]
        assert "ran" in outcomes[name], (name, answers)
    print("concurrent Run Manually:", outcomes)
    concurrent = {t: n - before[t] for t, n in counts(DB).items()}
    assert concurrent == single_run, (concurrent, single_run, outcomes)
