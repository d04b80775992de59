"""Locust scenario: Odoo's web client, as salespeople, managers and employees use it.

Run by bench/load.py (``locust --headless``); what to do comes from the JSON plan
named by ``LOAD_PLAN`` (database, logins and the session each was given by the
set-up, each salesperson's leads, stages, reports, pulse links), and every
request is written with its kind, time and outcome to the JSON file named by
``LOAD_SAMPLES`` when locust stops.

Every user comes back with its session, as a browser keeps its cookie: it
checks it (``/web/session/get_session_info``) and logs in
(``/web/session/authenticate``) only if the server no longer knows it.

* Salespeople (``LOAD_PLAN["reps"]``, one locust user each) open their pipeline
  and move their own deals: the form's statusbar or a kanban drag
  (``web_save`` of ``stage_id``), a list's multi-edit (``write``), winning
  (``action_set_won``); on the addon's side they also log customer questions
  (the wizard) and share content (``action_share``, the stock composer).
* Managers open reports: ``web_read_group`` as the reports' grouped lists ask
  it (the pivot's row and measures).
* Employees (addon only) answer a pulse round through their personal link and
  the stock survey routes, then open the link again and submit again (a
  double click): neither may count twice.

Bounded: the users of the plan (``--users``), ``seconds`` of the plan once every
salesperson and manager has opened their first screen (and ``--run-time`` of locust in any
case), and ``max_requests`` of the plan: locust quits when one is reached.
Only a loopback host is accepted.
"""

import functools
import itertools
import json
import os
import random
import re
import time
from ipaddress import ip_address
from urllib.parse import urlparse

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
# the addon's own screens; with "same_work" its side makes stock's requests only
ADDON = PLAN["side"] == "addon" and not PLAN.get("same_work")
SAMPLES = []  # (kind, seconds since measuring started, ms, outcome)
STATE = {"measuring_since": None, "started": time.time(), "requests": 0}
# a session the server no longer knows: expired, or without its database when
# the server has several (a 404 page then)
SESSION_GONE = ("SessionExpired", "http 404")
QUESTION_HIDDEN = ("This question cannot be picked",)
SERIALIZATION_MARKERS = ("SerializationFailure", "could not serialize", "concurrent update",
                         "TransactionRollbackError", "deadlock detected")


def _check_host(host):
    name = urlparse(host).hostname or ""
    try:
        loopback = ip_address(name).is_loopback
    except ValueError:
        loopback = name == "localhost"
    if not loopback:
        raise SystemExit(f"the load goes to loopback addresses only, not {host}")


@events.init.add_listener
def _on_init(environment, **_kwargs):
    _check_host(environment.host)
    STATE["environment"] = environment


def _ready():
    """Measuring starts once every salesperson and manager has their session
    and opened their first screen, and stops when locust starts stopping."""
    STATE["ready"] = STATE.get("ready", 0) + 1
    if STATE["ready"] == len(PLAN["reps"]) + len(PLAN["managers"]):
        STATE["measuring_since"] = time.time()
        gevent.spawn_later(PLAN["seconds"], STATE["environment"].runner.quit)


@events.test_stopping.add_listener
def _on_stopping(**_kwargs):
    STATE["stopping"] = time.time()


@events.quitting.add_listener
def _on_quit(environment, **_kwargs):
    with open(os.environ["LOAD_SAMPLES"], "w") as out:
        json.dump({"measuring_since": STATE["measuring_since"], "stopped": STATE.get("stopping", time.time()),
                   "started": STATE["started"], "samples": SAMPLES}, out)


def _outcome(response):
    """'ok', or the class of failure the client got."""
    if response.status_code >= 500:
        return f"http {response.status_code}"
    if response.status_code >= 400:
        return f"http {response.status_code}"
    if "json" not in response.headers.get("Content-Type", ""):
        return "ok"
    try:
        body = response.json()
    except ValueError:
        return "ok"
    error = body.get("error") if isinstance(body, dict) else None
    if not error:
        return "ok"
    text = json.dumps(error)
    if any(marker in text for marker in SERIALIZATION_MARKERS):
        return "serialization failure"
    return "error " + ((error.get("data") or {}).get("name") or error.get("message") or "?")


class OdooUser(HttpUser):
    abstract = True
    wait_time = between(*PLAN["think"])

    def request(self, kind, method, path, expect=None, **kwargs):
        """One request as the browser sends it; recorded with its outcome.
        ``expect`` names the errors the scenario provokes on purpose, or that
        a user meets in a race and gets past as the message says, in its
        outcome or its text."""
        if STATE["requests"] >= PLAN["max_requests"]:
            self.environment.runner.quit()
            raise StopUser()
        STATE["requests"] += 1
        with self.client.request(method, path, name=kind, catch_response=True, **kwargs) as response:
            outcome = _outcome(response)
            if outcome != "ok" and any(e in outcome or e in response.text for e in expect or ()):
                outcome = "ok"
            if outcome == "ok":
                response.success()
            else:
                response.failure(outcome)
            since = STATE["measuring_since"]
            if "stopping" in STATE:
                since = None  # answered while stopping: not measured
            SAMPLES.append((kind, None if since is None else time.time() - since,
                            response.request_meta["response_time"], outcome,
                            response.text[:300] if outcome != "ok" else None))
        return response

    def rpc(self, kind, path, params, expect=None):
        response = self.request(kind, "POST", path, expect=expect,
                                json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        try:
            return response.json().get("result")
        except ValueError:
            return None

    def call_kw(self, kind, model, method, args, kwargs=None, button=False, expect=None):
        route = "call_button" if button else "call_kw"
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", self.ctx)
        return self.rpc(kind, f"/web/dataset/{route}/{model}/{method}",
                        {"model": model, "method": method, "args": args, "kwargs": kwargs},
                        expect=expect)

    def login(self, login):
        """Back with the session the set-up opened (the browser's cookie), or
        logged in again when the server no longer knows it."""
        self.ctx = {"lang": "en_US", "tz": "UTC"}
        result = None
        sid = PLAN.get("sessions", {}).get(login)
        if sid:
            self.client.cookies.set("session_id", sid, domain=urlparse(self.host).hostname, path="/")
            result = self.rpc("session: get_session_info", "/web/session/get_session_info", {},
                              expect=SESSION_GONE)
        if not result or not result.get("uid"):
            self.client.cookies.clear()
            result = self.rpc("login: /web/session/authenticate", "/web/session/authenticate",
                              {"db": PLAN["db"], "login": login, "password": login})
        if not result or not result.get("uid"):
            raise StopUser()
        self.uid = result["uid"]
        self.ctx["uid"] = self.uid
        self.ctx["allowed_company_ids"] = [result["user_companies"]["current_company"]]


def action(weight):
    """A task of a user, recorded as one action with its whole time once it
    sent a request (the throughput counts actions, whatever they take)."""
    def wrap(func):
        @functools.wraps(func)
        def run(self):
            before, t = STATE["requests"], time.perf_counter()
            func(self)
            since = None if "stopping" in STATE else STATE["measuring_since"]
            if STATE["requests"] > before:
                SAMPLES.append((f"action: {func.__name__}", None if since is None else time.time() - since,
                                (time.perf_counter() - t) * 1000, "ok", None))
        return task(weight)(run)
    return wrap


REPS = itertools.count()
MANAGERS = itertools.count()
EMPLOYEES = itertools.count()
CARD_SPEC = {"stage_id": {"fields": {"display_name": {}}}, "name": {}, "expected_revenue": {},
             "user_id": {"fields": {"display_name": {}}}, "priority": {}, "activity_state": {}}


class Salesperson(OdooUser):
    fixed_count = len(PLAN["reps"])

    def on_start(self):
        self.rep = PLAN["reps"][next(REPS) % len(PLAN["reps"])]
        self.login(self.rep["login"])
        self.open_pipeline()
        _ready()

    def open_pipeline(self):
        result = self.call_kw("pipeline: web_search_read", "crm.lead", "web_search_read", [], {
            "domain": [["user_id", "=", self.uid], ["type", "=", "opportunity"],
                       ["stage_id.is_won", "=", False]],
            "specification": CARD_SPEC, "limit": 80, "order": "priority desc, id desc",
        }) or {"records": []}
        self.open = {r["id"]: r["stage_id"]["id"] for r in result["records"]}

    def next_stage(self, lead_id):
        stages = PLAN["open_stage_ids"]
        current = self.open[lead_id]
        i = stages.index(current) if current in stages else -1
        return stages[(i + 1) % len(stages)]

    def pick(self):
        if not self.open:
            self.open_pipeline()
        return random.choice(list(self.open)) if self.open else None

    @action(8)
    def move(self):
        """Open the card's form, click the next stage of the statusbar."""
        lead_id = self.pick()
        if not lead_id:
            return
        self.call_kw("lead form: web_read", "crm.lead", "web_read", [[lead_id]],
                     {"specification": CARD_SPEC})
        stage = self.next_stage(lead_id)
        result = self.call_kw("stage move: web_save", "crm.lead", "web_save",
                              [[lead_id], {"stage_id": stage}], {"specification": CARD_SPEC})
        if result:
            self.open[lead_id] = stage

    @action(2)
    def mass_edit(self):
        """Select a few deals of one stage in the list, edit their stage at once."""
        if len(self.open) < 3:
            return
        lead_ids = random.sample(list(self.open), 3)
        stage = self.next_stage(lead_ids[0])
        if self.call_kw("stage move: write (list multi-edit)", "crm.lead", "write",
                        [lead_ids, {"stage_id": stage}]):
            for lead_id in lead_ids:
                self.open[lead_id] = stage

    @action(1)
    def win(self):
        lead_id = self.pick()
        if not lead_id:
            return
        self.call_kw("win: action_set_won", "crm.lead", "action_set_won", [[lead_id]], button=True)
        self.open.pop(lead_id, None)

    @action(1)
    def log_question(self):
        if not self.open:
            return
        lead_id = self.pick()
        if not ADDON:  # stock: a note in the chatter
            self.rpc("question: note (stock)", "/mail/message/post", {
                "thread_model": "crm.lead", "thread_id": lead_id, "post_data": {
                    "body": random.choice(PLAN["questions"]), "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note"}})
            return
        action = self.call_kw("question: open wizard", "crm.lead", "action_log_customer_question",
                              [[lead_id]], button=True)
        if not action:
            return
        ctx = {**self.ctx, **action["context"]}
        text = random.choice(PLAN["questions"])
        found = self.call_kw("question: web_name_search", "sales.customer.question", "web_name_search", [], {
            "name": text, "specification": {"display_name": {}}, "limit": 8, "context": ctx})
        # a question nobody had asked, logged on another salesperson's deal
        # since it was found or typed, is hidden now: the error says to type
        # it again, which then logs it on the existing one
        picks = [found[0]["id"]] if found else []
        saved = None
        for attempt in range(3):
            if attempt >= len(picks):
                created = self.call_kw("question: name_create", "sales.customer.question", "name_create",
                                       [text], {"context": ctx})
                if not created:
                    return
                picks.append(created[0])
            saved = self.call_kw("question: web_save wizard", "sales.customer.question.log", "web_save",
                                 [[], {"lead_id": lead_id, "question_id": picks[attempt]}],
                                 {"specification": {}, "context": ctx}, expect=QUESTION_HIDDEN)
            if saved:
                break
        if saved:
            self.call_kw("question: action_log", "sales.customer.question.log", "action_log",
                         [[saved[0]["id"]]], {"context": ctx}, button=True)

    @action(1)
    def share_content(self):
        if not self.open:
            return
        lead_id = self.pick()
        if ADDON:
            content_id = random.choice(PLAN["content_ids"])
            ctx = {**self.ctx, "sales_content_lead_id": lead_id}
            action = self.call_kw("content: action_share", "sales.content", "action_share", [[content_id]],
                                  {"context": ctx}, button=True)
            if not action:
                return
            ctx = {**self.ctx, **action["context"]}
        else:  # stock: the same composer to the same customer, with a text of one's own
            ctx = {**self.ctx, "default_model": "crm.lead", "default_res_ids": [lead_id],
                   "default_partner_ids": [PLAN["customers"][str(lead_id)]],
                   "default_composition_mode": "comment", "default_subject": "Our guide",
                   "default_body": "<p>What to know at this stage.</p>"}
        saved = self.call_kw("content: composer web_save", "mail.compose.message", "web_save", [[], {}],
                             {"specification": {}, "context": ctx})
        if saved:
            self.call_kw("content: action_send_mail", "mail.compose.message", "action_send_mail",
                         [[saved[0]["id"]]], {"context": ctx}, button=True)


class Manager(OdooUser):
    fixed_count = len(PLAN["managers"])

    def on_start(self):
        self.login(PLAN["managers"][next(MANAGERS) % len(PLAN["managers"])])
        self.reports = []
        for model, groupby in PLAN["reports"]:
            fields = self.call_kw(f"report: fields_get {model}", model, "fields_get", [],
                                  {"attributes": ["type", "aggregator", "store"]}) or {}
            measures = sorted(f"{n}:{f['aggregator']}" for n, f in fields.items()
                              if f.get("aggregator") and f.get("store")
                              and f["type"] in ("integer", "float", "monetary"))
            self.reports.append((model, groupby, ["__count", *measures]))
        _ready()

    @action(1)
    def open_report(self):
        model, groupby, aggregates = random.choice(self.reports)
        self.call_kw(f"report: web_read_group {model}", model, "web_read_group", [], {
            "domain": [], "groupby": [groupby], "aggregates": aggregates, "limit": 80,
        })


class Employee(OdooUser):
    """One pulse invitation each: answer it once, then try twice more."""

    fixed_count = len(PLAN["employees"])

    def on_start(self):
        self.me = PLAN["employees"][next(EMPLOYEES) % len(PLAN["employees"])]
        # not all at once: people open their mail over the round
        gevent.sleep(random.uniform(0, PLAN["employee_spread"]))
        self.login(self.me["login"])

    @task
    def answer(self):
        survey = PLAN["survey_token"]
        link = self.request("pulse: open link", "GET", f"/sales_pulse/{self.me['token']}",
                            allow_redirects=False)
        match = re.search(r"answer_token=([0-9a-f-]+)", link.headers.get("Location", ""))
        if not match:
            raise StopUser()
        token = match.group(1)
        page = self.request("pulse: survey page", "GET", f"/survey/start/{survey}?answer_token={token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.rpc("pulse: begin", f"/survey/begin/{survey}/{token}", {"lang_code": "en_US"})
        values = {str(q["id"]): (str(random.randint(q["min"], q["max"])) if q["type"] == "scale"
                                 else "Load comment") for q in PLAN["pulse_questions"]}
        post = {"csrf_token": csrf.group(1) if csrf else "", "token": token, "button_submit": "next",
                **values}
        done = self.rpc("pulse: submit", f"/survey/submit/{survey}/{token}", post)
        if "o_survey_finished" not in json.dumps(done):
            SAMPLES.append(("pulse: submit", None, 0, "answer not taken", json.dumps(done)[:300]))
        again = self.request("pulse: open link again", "GET", f"/sales_pulse/{self.me['token']}",
                             allow_redirects=False)
        if "Already answered" not in again.text:
            SAMPLES.append(("pulse: open link again", None, 0, "answered link offered again",
                            again.text[:300]))
        # the double click: the answer is gone from the routes, refused
        self.rpc("pulse: submit again", f"/survey/submit/{survey}/{token}", post)
        raise StopUser()
