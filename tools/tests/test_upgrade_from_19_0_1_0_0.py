"""Upgrade from 19.0.1.0.0, the version whose after-sales plans had models of
their own (sales.followup.plan and its steps): install that version from git
with demo data and more plans, upgrade to the current code, and find every
plan, step and follow-up in the opportunity activity plans.

Run by `make test` (tools/test.sh) like test_addon_lifecycle.py; its database
is dropped when the run ends.
"""

import configparser
import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
import test_addon_lifecycle as lifecycle
from test_addon_lifecycle import CONF, ODOO_SRC, PREFIX, odoo, query

pytestmark = pytest.mark.skipif(not CONF, reason="run through `make test` (tools/test.sh)")

PREVIOUS_COMMIT = "17d1c80"  # 19.0.1.0.0
REPO = Path(__file__).resolve().parents[2]

FOLLOWUPS_BEFORE = """
    SELECT f.id, f.state, f.date_due, f.nps_score, p.name->>'en_US', s.name->>'en_US', s.kind, s.offset_days
      FROM sales_followup f
      JOIN sales_followup_plan p ON p.id = f.plan_id
      JOIN sales_followup_plan_step s ON s.id = f.step_id
     ORDER BY f.id
"""
FOLLOWUPS_AFTER = """
    SELECT f.id, f.state, f.date_due, f.nps_score, p.name, t.summary, t.kind, t.delay_count
      FROM sales_followup f
      JOIN mail_activity_plan p ON p.id = f.plan_id
      JOIN mail_activity_plan_template t ON t.id = f.step_id
     ORDER BY f.id
"""
PLANS_BEFORE = """
    SELECT name->>'en_US', active, company_id, team_id, is_default FROM sales_followup_plan ORDER BY 1
"""
PLANS_AFTER = """
    SELECT name, active, company_id, team_id, is_followup_default FROM mail_activity_plan
     WHERE res_model = 'crm.lead' ORDER BY 1
"""
STEPS_BEFORE = """
    SELECT p.name->>'en_US', s.name->>'en_US', s.kind, s.offset_days, s.activity_type_id,
           CASE s.responsible WHEN 'user' THEN 'other' ELSE s.responsible END,
           s.responsible_user_id, s.survey_id
      FROM sales_followup_plan_step s JOIN sales_followup_plan p ON p.id = s.plan_id
     ORDER BY 1, 2
"""
STEPS_AFTER = """
    SELECT p.name, t.summary, t.kind, t.delay_count, t.activity_type_id, t.responsible_type,
           t.responsible_id, t.survey_id
      FROM mail_activity_plan_template t JOIN mail_activity_plan p ON p.id = t.plan_id
     WHERE p.res_model = 'crm.lead' AND t.delay_unit = 'days' AND t.delay_from = 'after_plan_date'
     ORDER BY 1, 2
"""


def previous_version(tmp_path):
    """The addon at 19.0.1.0.0, from git, and an Odoo config loading it instead
    of the current one."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", PREVIOUS_COMMIT, "sales_cycle_mgmt"],
        capture_output=True, check=True,
    ).stdout
    addons = tmp_path / "addons"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(addons, filter="data")
    config = configparser.ConfigParser(interpolation=None)
    config.read(CONF)
    config["options"]["addons_path"] = f"{os.path.join(ODOO_SRC, 'addons')},{addons}"
    conf = tmp_path / "odoo-19.0.1.0.0.conf"
    with conf.open("w") as handle:
        config.write(handle)
    return str(conf)


def seed_more_plans(db):
    """Beyond the demo's default plan: a team plan with a named responsible, a
    step summary of its own and a survey; an archived plan; follow-ups of both."""
    team_id = query(db, "SELECT min(id) FROM crm_team WHERE id NOT IN (SELECT team_id FROM"
                        " sales_followup_plan WHERE team_id IS NOT NULL)")[0][0]
    survey_id = query(db, "SELECT res_id FROM ir_model_data WHERE module = 'sales_cycle_mgmt'"
                          " AND name = 'survey_customer_nps'")[0][0]
    type_id = query(db, "SELECT res_id FROM ir_model_data WHERE module = 'sales_cycle_mgmt'"
                        " AND name = 'mail_activity_type_followup'")[0][0]
    lead_id = query(db, "SELECT min(id) FROM crm_lead WHERE type = 'opportunity'")[0][0]
    query(db, """
        WITH team_plan AS (
            INSERT INTO sales_followup_plan (name, active, team_id, is_default)
            VALUES ('{"en_US": "Team after-sales"}', TRUE, %(team)s, FALSE) RETURNING id
        ), old_plan AS (
            INSERT INTO sales_followup_plan (name, active, is_default)
            VALUES ('{"en_US": "Archived plan"}', FALSE, FALSE) RETURNING id
        ), steps AS (
            INSERT INTO sales_followup_plan_step
                   (plan_id, sequence, name, kind, offset_days, activity_type_id, summary,
                    responsible, responsible_user_id, survey_id)
            SELECT team_plan.id, 10, '{"en_US": "Welcome call"}'::jsonb, 'onboarding', 2, t.id,
                   '{"en_US": "Call to welcome"}'::jsonb, 'user', 2, NULL FROM team_plan, mail_activity_type t
             WHERE t.id = %(type)s
            UNION ALL
            SELECT team_plan.id, 20, '{"en_US": "Team NPS"}'::jsonb, 'satisfaction', 20, t.id, NULL::jsonb,
                   'team_leader', NULL, %(survey)s FROM team_plan, mail_activity_type t
             WHERE t.id = %(type)s
            UNION ALL
            SELECT old_plan.id, 10, '{"en_US": "Old renewal"}'::jsonb, 'renewal', 300, t.id, NULL::jsonb,
                   'salesperson', NULL::int, NULL::int FROM old_plan, mail_activity_type t
             WHERE t.id = %(type)s
            RETURNING id, plan_id, name, kind
        )
        INSERT INTO sales_followup (name, lead_id, kind, date_due, state, plan_id, step_id)
        SELECT steps.name->>'en_US', %(lead)s, steps.kind, DATE '2026-06-01', 'planned', plan_id, id
          FROM steps
        RETURNING id
    """, {"team": team_id, "survey": survey_id, "lead": lead_id, "type": type_id})


def seed_stages_and_stalls(db):
    """Stages with target days, with stock requirements (alone, or beside a
    guidance); stalled deals with their open reminder."""
    stages = query(db, "SELECT id FROM crm_stage WHERE is_won IS NOT TRUE ORDER BY sequence, id LIMIT 3")
    (first,), (second,), (third,) = stages
    query(db, """
        UPDATE crm_stage SET target_days = 6, rotting_threshold_days = 0,
               requirements = 'Call back within a day', guidance = NULL WHERE id = %(first)s;
        UPDATE crm_stage SET target_days = 9, rotting_threshold_days = 4,
               requirements = 'Budget known' WHERE id = %(second)s;
        UPDATE crm_stage SET requirements = NULL WHERE id = %(third)s;
        UPDATE crm_lead SET is_stalled = TRUE, stalled_since = now() AT TIME ZONE 'UTC'
         WHERE id IN (SELECT id FROM crm_lead WHERE type = 'opportunity' AND active ORDER BY id LIMIT 2);
        SELECT 1
    """, {"first": first, "second": second, "third": third})
    return first, second, third


def test_plans_steps_and_followups_become_activity_plans(tmp_path, monkeypatch):
    db = PREFIX + "upgrade_from_19_0_1_0_0"
    with monkeypatch.context() as patch:
        patch.setattr(lifecycle, "CONF", previous_version(tmp_path))
        odoo(db, "-i", "sales_cycle_mgmt", "--with-demo", "--stop-after-init")
    assert query(db, "SELECT latest_version FROM ir_module_module WHERE name = 'sales_cycle_mgmt'")[0][0] \
        == "19.0.1.0.0"
    seed_more_plans(db)
    first, second, third = seed_stages_and_stalls(db)
    stalled = query(db, "SELECT id, date_last_stage_update FROM crm_lead WHERE is_stalled ORDER BY id")
    third_guidance = query(db, "SELECT guidance->>'en_US' FROM crm_stage WHERE id = %s", [third])[0][0]
    followups, plans, steps = (query(db, sql) for sql in (FOLLOWUPS_BEFORE, PLANS_BEFORE, STEPS_BEFORE))
    assert query(db, "SELECT count(*) FROM sales_followup")[0][0] == len(followups) > 15
    assert len(plans) == 3 and len(steps) == 8

    odoo(db, "-u", "sales_cycle_mgmt", "--stop-after-init")

    assert query(db, "SELECT latest_version FROM ir_module_module WHERE name = 'sales_cycle_mgmt'")[0][0] \
        == "19.0.1.1.0"
    assert query(db, FOLLOWUPS_AFTER) == followups, "every follow-up keeps its plan and step"
    assert query(db, PLANS_AFTER) == plans
    assert query(db, STEPS_AFTER) == steps
    # the step's own summary is kept in the note of its activity
    assert query(db, "SELECT note FROM mail_activity_plan_template WHERE summary = 'Welcome call'")[0][0] \
        == "<p>Call to welcome</p>"
    # the shipped plan keeps its XML ids, now on the activity plan records
    xmlids = query(db, """
        SELECT d.name, d.model, d.noupdate FROM ir_model_data d
         WHERE d.module = 'sales_cycle_mgmt' AND (d.name LIKE 'followup_plan%' OR d.name LIKE 'followup_step%'
               OR d.model LIKE 'sales.followup.plan%')
         ORDER BY 1
    """)
    assert xmlids == [
        ("followup_plan_default", "mail.activity.plan", True),
        *((f"followup_step_{name}", "mail.activity.plan.template", True)
          for name in ("check_in", "onboarding", "renewal", "satisfaction", "upsell")),
    ]
    assert query(db, """
        SELECT p.name, p.is_followup_default FROM mail_activity_plan p JOIN ir_model_data d
            ON d.res_id = p.id AND d.model = 'mail.activity.plan' AND d.name = 'followup_plan_default'
    """) == [("Standard after-sales plan", True)]
    # target days became Days to rot where a stage had none; requirements joined the
    # guidance, which they are written from now
    stages = {row[0]: row[1:] for row in query(db, """
        SELECT id, rotting_threshold_days, rotting_automatic, guidance->>'en_US', requirements
          FROM crm_stage WHERE id IN %s
    """, [(first, second, third)])}
    assert stages[first][:3] == (6, True, "<p>Call back within a day</p>")
    assert stages[first][3] == "Call back within a day"
    assert stages[second][0] == 4, "a stage's own Days to rot is kept"
    assert "Budget known" in stages[second][2] and "Budget known" in stages[second][3]
    assert stages[third][2] == third_guidance
    # stalled deals are not reminded twice for their stay
    assert query(db, "SELECT id, rotting_reminded_at FROM crm_lead WHERE rotting_reminded_at IS NOT NULL"
                     " ORDER BY id") == stalled
    assert query(db, """
        SELECT t.name->>'en_US' FROM mail_activity_type t JOIN ir_model_data d ON d.res_id = t.id
         WHERE d.module = 'sales_cycle_mgmt' AND d.name = 'mail_activity_type_stalled'
    """) == [("Rotting Deal",)]
    # pulse: surveys of campaigns answered once; past results follow the threshold per question
    assert query(db, "SELECT bool_and(is_attempts_limited AND attempts_limit = 1) FROM survey_survey"
                     " WHERE id IN (SELECT survey_id FROM sales_pulse_campaign)") == [(True,)]
    assert query(db, "SELECT count(*) FROM sales_pulse_round_team t JOIN sales_pulse_round r"
                     " ON r.id = t.round_id WHERE r.state = 'closed' AND t.answer_count IS NULL") == [(0,)]
    assert query(db, "SELECT count(*) FROM sales_pulse_round WHERE state = 'closed' AND enps_visible")[0][0]
    # nothing of the old models is left
    assert query(db, "SELECT count(*) FROM ir_model WHERE model LIKE 'sales.followup.plan%'")[0][0] == 0
    assert query(db, """
        SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'sales\\_followup\\_plan%'
    """) == []
