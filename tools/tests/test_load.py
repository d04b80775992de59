"""A short bounded load through HTTP against a prefork server: bench/load.py
with a few users for a few seconds per side, then its SQL invariants.

Salespeople move and win their deals, log questions and share content,
a manager opens the reports and employees answer a pulse round, all at once
through the web client's routes, each with the session the benchmark opened
for it once per database; afterwards every invariant of
bench/loadtest/invariants.py holds, and no client got an HTTP 500, a
serialization failure or any other error. No timing is asserted.

Run by `make test` (tools/test.sh) like test_production.py; the databases use
the run's throwaway prefix and are dropped by the benchmark itself.
"""

import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from test_addon_lifecycle import CONF, PREFIX, PYTHON

pytestmark = pytest.mark.skipif(not CONF, reason="run through `make test` (tools/test.sh)")

ROOT = Path(__file__).resolve().parents[2]


def test_bounded_load_keeps_every_invariant():
    with tempfile.TemporaryDirectory(prefix="scm-test-load-") as tmp:
        out = Path(tmp) / "load.json"
        cmd = [PYTHON, str(ROOT / "bench/load.py"), "--conf", CONF, "--prefix", PREFIX + "load",
               "--salespeople", "4", "--managers", "1", "--leads-per-rep", "6", "--teams", "2",
               "--duration", "15", "--segments", "1", "--think", "0.1", "0.4", "--workers", "2",
               "--cron-threads", "1", "--json", str(out)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        report = proc.stdout + proc.stderr[-4000:]
        assert proc.returncode == 0, report
        result = json.loads(out.read_text())
    stock, addon = PREFIX + "load_stock", PREFIX + "load_addon"
    assert result["requests"][stock] and result["requests"][addon], report
    ran = {name for name, n in result["checks"][addon] if n is not None}
    assert {"one_open_stay", "stays_contiguous", "stays_count_stage_changes", "stays_match_chatter",
            "followup_once_per_win", "invitation_answered_once", "answer_counted_once"} <= ran
    assert result["violations"] == 0, report
    assert result["failures"] == {stock: 0, addon: 0}, (result["errors"], report)
    assert result["answered"] == 4, report
    # each salesperson and the manager logged in once per database, before the load
    assert result["logins"] == 2 * 5, report
    assert result["logged_in_again"] == {stock: 0, addon: 0}, report
    # what each side's actions cost the server's and the cluster's processes
    for db in (stock, addon):
        assert result["cpu_per_action"][db]["odoo"] > 0, report
        assert result["cpu_per_action"][db]["postgresql"] > 0, report
