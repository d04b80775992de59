"""The addon's life in a real database: install with and without demo data,
upgrade, uninstall and reinstall, each through Odoo's own command line.

Run by `make test` beside the addon's own tests; each test uses a database of its
own, dropped by tools/test.sh when the run ends.
"""

import os
import subprocess

import psycopg2
import pytest

CONF = os.environ.get("SCM_ODOO_CONF")
ODOO_SRC = os.environ.get("SCM_ODOO_SRC")
PYTHON = os.environ.get("SCM_PYTHON")
PREFIX = os.environ.get("SCM_TEST_DB_PREFIX", "sales_cycle_lifecycle_")

pytestmark = pytest.mark.skipif(not CONF, reason="run through `make test` (tools/test.sh)")

ADDON_TABLES = (
    "sales_cycle_phase",
    "sales_cycle_checklist_item",
    "sales_cycle_stage_history",
    "sales_followup",
    "sales_content",
    "sales_content_usage",
    "sales_customer_question",
)


def odoo(db, *args):
    cmd = [PYTHON, os.path.join(ODOO_SRC, "odoo-bin"), "-c", CONF, "-d", db, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    errors = [line for line in output.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, "\n".join(errors[-20:])
    return output


def uninstall(db):
    """Uninstall through odoo-bin; nothing may fail on the way (a failed delete
    is only logged, and leaves records of the addon behind)."""
    out = subprocess.run(
        [PYTHON, os.path.join(ODOO_SRC, "odoo-bin"), "module", "uninstall",
         "-c", CONF, "-d", db, "sales_cycle_mgmt"],
        capture_output=True, text=True, check=False,
    )
    output = out.stdout + out.stderr
    assert out.returncode == 0, output[-4000:]
    errors = [line for line in output.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert not errors, "\n".join(errors[-20:])
    assert module_state(db)[0] == "uninstalled"
    assert addon_tables(db) == set(), "uninstall must drop the addon's tables"
    functions = query(db, "SELECT proname FROM pg_proc WHERE proname LIKE 'sales\\_cycle\\_%%'")
    assert functions == [], "uninstall must drop the addon's SQL functions"


def query(db, sql, params=None):
    import odoo.tools  # configured by pytest-odoo

    cfg = odoo.tools.config
    with psycopg2.connect(
        dbname=db, host=cfg["db_host"], port=cfg["db_port"],
        user=cfg["db_user"], password=cfg["db_password"],
    ) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def module_state(db):
    rows = query(db, "SELECT state, demo FROM ir_module_module WHERE name = 'sales_cycle_mgmt'")
    return rows[0] if rows else None


def addon_tables(db):
    rows = query(
        db,
        "SELECT table_name FROM information_schema.tables WHERE table_name = ANY(%s)",
        [list(ADDON_TABLES)],
    )
    return {r[0] for r in rows}


def test_install_with_demo_data():
    db = PREFIX + "demo"
    odoo(db, "-i", "sales_cycle_mgmt", "--with-demo", "--stop-after-init")
    assert module_state(db) == ("installed", True)
    # the demo pipeline has a past: every report has something to show
    stays, closed, backward = query(
        db,
        "SELECT count(*), count(date_out), count(*) FILTER (WHERE direction = 'backward')"
        " FROM sales_cycle_stage_history",
    )[0]
    assert stays > 50 and closed > 20 and backward > 0, (stays, closed, backward)
    # deals already rotting got their reminder
    assert query(db, "SELECT count(*) FROM crm_lead WHERE rotting_reminded_at IS NOT NULL")[0][0] > 0
    assert query(db, "SELECT count(*) FROM crm_stage WHERE benchmark_sample_size > 0")[0][0] > 0
    # content shared in past stays, questions asked, one content gap flagged
    assert query(db, "SELECT count(DISTINCT content_id) FROM sales_content_usage")[0][0] >= 4
    assert query(db, "SELECT count(*) FROM sales_customer_question WHERE gap_notified")[0][0] > 0
    # with all that data, uninstalling leaves the reminders as to-dos and the
    # stages without a phase, and fails on nothing
    reminders = query(
        db,
        "SELECT count(*) FROM mail_activity a JOIN ir_model_data d ON d.res_id = a.activity_type_id"
        " AND d.model = 'mail.activity.type' AND d.module = 'sales_cycle_mgmt'"
        " WHERE a.res_model = 'crm.lead'",
    )[0][0]
    assert reminders > 0
    uninstall(db)
    assert query(db, "SELECT count(*) FROM mail_activity WHERE res_model = 'crm.lead'")[0][0] >= reminders


def test_install_upgrade_uninstall_reinstall_without_demo():
    db = PREFIX + "nodemo"
    odoo(db, "-i", "sales_cycle_mgmt", "--stop-after-init")
    assert module_state(db) == ("installed", False)
    assert addon_tables(db) == set(ADDON_TABLES)

    odoo(db, "-u", "sales_cycle_mgmt", "--stop-after-init")
    assert module_state(db) == ("installed", False)

    uninstall(db)
    # stock crm is untouched: its stages are still there
    assert query(db, "SELECT count(*) FROM crm_stage")[0][0] >= 4

    odoo(db, "-i", "sales_cycle_mgmt", "--stop-after-init")
    assert module_state(db) == ("installed", False)
    phases = query(
        db,
        "SELECT s.id FROM crm_stage s JOIN ir_model_data d ON d.res_id = s.id "
        "AND d.model = 'crm.stage' AND d.module = 'crm' AND d.name = 'stage_lead1' "
        "WHERE s.cycle_phase_id IS NOT NULL",
    )
    assert phases, "reinstall maps the stock stages to their phases again"
