"""The demo data tells one story: what the chatter, the statusbar and the stage
history say of each lead agree, the snapshots cover eight weeks, follow-ups and
their activities match, one pulse round stayed under its anonymity threshold.

Checked on a database installed with demo data through Odoo's command line, as
the lifecycle tests do; run by `make test` beside the addon's own tests.
"""

import os
import subprocess

import pytest
from test_addon_lifecycle import CONF, ODOO_SRC, PREFIX, PYTHON, odoo, query

pytestmark = pytest.mark.skipif(not CONF, reason="run through `make test` (tools/test.sh)")


@pytest.fixture(scope="module")
def db():
    name = PREFIX + "story"
    odoo(name, "-i", "sales_cycle_mgmt", "--with-demo", "--stop-after-init")
    return name


def shell(db, code):
    """Run ``code`` in odoo-bin shell on ``db``; its output."""
    proc = subprocess.run(
        [PYTHON, os.path.join(ODOO_SRC, "odoo-bin"), "shell", "-c", CONF, "-d", db, "--no-http"],
        input=code, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc.stdout


STAGE_FIELD = """(SELECT id FROM ir_model_fields WHERE model = 'crm.lead' AND name = 'stage_id')"""


def test_each_lead_has_contiguous_stays_with_one_open(db):
    rows = query(db, """
        SELECT l.id,
               count(h.id) FILTER (WHERE h.date_out IS NULL) AS open_stays,
               count(h.id) FILTER (WHERE h.date_out IS NOT NULL
                                   AND h.date_out IS DISTINCT FROM h.next_in) AS gaps,
               bool_or(h.direction = 'first' AND h.date_in != l.create_date) AS first_not_at_creation,
               bool_or(h.date_out IS NULL AND h.date_in != l.date_last_stage_update) AS open_not_last_update,
               bool_or(h.date_out IS NULL AND h.stage_id != l.stage_id) AS open_not_current_stage
          FROM crm_lead l
          JOIN (SELECT h.*, lead(h.date_in) OVER (PARTITION BY h.lead_id ORDER BY h.date_in, h.id) AS next_in
                  FROM sales_cycle_stage_history h) h ON h.lead_id = l.id
         WHERE l.stage_id IS NOT NULL
      GROUP BY l.id
    """)
    assert len(rows) > 40
    wrong = [row for row in rows if row[1:] != (1, 0, False, False, False)]
    assert not wrong, wrong


def test_each_stay_is_a_tracked_stage_change(db):
    """Stays = tracked stage changes + 1, stay by stay: the stay left is the
    tracking's old value, the one entered its new value, at the tracking's
    time. Stock duration_tracking (from the tracking) then equals the
    addon's (from the history)."""
    rows = query(db, f"""
        WITH changes AS (
            SELECT m.res_id AS lead_id, v.create_date, v.old_value_integer, v.new_value_integer,
                   row_number() OVER (PARTITION BY m.res_id ORDER BY v.id) AS n
              FROM mail_tracking_value v JOIN mail_message m ON m.id = v.mail_message_id
             WHERE m.model = 'crm.lead' AND v.field_id = {STAGE_FIELD}
        ), stays AS (
            SELECT h.*, row_number() OVER (PARTITION BY h.lead_id ORDER BY h.date_in, h.id) AS n
              FROM sales_cycle_stage_history h
        )
        SELECT s.lead_id, s.n, s.stage_id, s.date_out, c.old_value_integer, c.create_date,
               nxt.stage_id, c.new_value_integer
          FROM stays s
     LEFT JOIN changes c ON c.lead_id = s.lead_id AND c.n = s.n
     LEFT JOIN stays nxt ON nxt.lead_id = s.lead_id AND nxt.n = s.n + 1
         WHERE s.date_out IS NOT NULL OR c.lead_id IS NOT NULL
    """)
    assert len(rows) > 40, "the demo leads moved"
    wrong = [row for row in rows if (row[2], row[3], row[6]) != (row[4], row[5], row[7])]
    assert not wrong, wrong
    counts = query(db, f"""
        SELECT l.id, (SELECT count(*) FROM sales_cycle_stage_history h WHERE h.lead_id = l.id),
               (SELECT count(*) FROM mail_tracking_value v JOIN mail_message m ON m.id = v.mail_message_id
                 WHERE m.model = 'crm.lead' AND m.res_id = l.id AND v.field_id = {STAGE_FIELD})
          FROM crm_lead l WHERE l.stage_id IS NOT NULL
    """)
    assert [row for row in counts if row[1] != row[2] + 1] == []


def test_statusbar_durations_equal_stock_tracking_durations(db):
    """What the statusbar shows (the addon's duration_tracking, from the
    history) equals stock's computation from the chatter's tracking."""
    out = shell(db, """
from odoo.addons.mail.models.mail_tracking_duration_mixin import MailTrackingDurationMixin
leads = env["crm.lead"].with_context(active_test=False).search([("stage_id", "!=", False)])
ours = {lead.id: dict(lead.duration_tracking) for lead in leads}
leads.invalidate_recordset(["duration_tracking"])
MailTrackingDurationMixin._compute_duration_tracking(leads)
stock = {lead.id: {str(k): v for k, v in lead.duration_tracking.items()} for lead in leads}
diff = [(i, ours[i], stock[i]) for i in ours
        if set(ours[i]) != set(stock[i]) or any(abs(ours[i][k] - stock[i][k]) > 2 for k in ours[i])]
print("LEADS", len(leads), "DIFF", diff)
""")
    line = next(line for line in out.splitlines() if line.startswith("LEADS"))
    assert line.endswith("DIFF []"), line
    assert int(line.split()[1]) > 40


def test_no_done_followup_keeps_an_open_activity(db):
    rows = query(db, """
        SELECT f.state, f.is_overdue, count(*), count(a.id) FILTER (WHERE a.active)
          FROM sales_followup f LEFT JOIN mail_activity a ON a.id = f.activity_id
      GROUP BY 1, 2
    """)
    by_state = {(state, overdue): (count, open_activities) for state, overdue, count, open_activities in rows}
    assert by_state[("done", False)][0] > 0 and by_state[("done", False)][1] == 0, by_state
    assert by_state[("planned", True)][0] == by_state[("planned", True)][1] > 0, by_state
    assert ("planned", False) in by_state, "follow-ups to come"
    # done on or after the day they were due, never in the future
    assert query(db, """SELECT count(*) FROM sales_followup WHERE state = 'done'
                         AND (date_done < date_due OR date_done > CURRENT_DATE)""")[0][0] == 0


def test_eight_weekly_snapshots(db):
    rows = query(db, """SELECT date, count(*) FROM sales_cycle_snapshot GROUP BY date ORDER BY date""")
    assert len(rows) == 8, rows
    weeks = {(date.isocalendar()[0], date.isocalendar()[1]) for date, _count in rows}
    assert len(weeks) == 8, rows
    assert all(count > 0 for _date, count in rows), rows
    # the pipeline of a past week is the stages the leads were in then
    assert query(db, """
        SELECT count(*) FROM sales_cycle_snapshot s
         WHERE NOT EXISTS (SELECT 1 FROM sales_cycle_stage_history h
                            WHERE h.lead_id = s.lead_id AND h.stage_id = s.stage_id
                              AND h.date_in < s.date + 1
                              AND (h.date_out IS NULL OR h.date_out >= s.date))
    """)[0][0] == 0


def test_pulse_round_under_threshold_hides_its_results(db):
    rows = query(db, """SELECT answer_count, anonymity_threshold, results_visible, enps_visible,
                               promoter_count + passive_count + detractor_count
                          FROM sales_pulse_round WHERE state = 'closed' ORDER BY date_start""")
    assert len(rows) >= 4
    under = [row for row in rows if row[0] < row[1]]
    assert under and all(row[2:] == (False, False, 0) for row in under), rows
    assert len({row[4] for row in rows if row[3]}) > 1 or len(rows) > len(under)
    enps = query(db, "SELECT DISTINCT enps FROM sales_pulse_round WHERE enps_visible")
    assert len(enps) > 1, enps


def test_pulse_comments_are_distinct(db):
    rows = query(db, """SELECT l.value_text_box FROM survey_user_input_line l
                          JOIN survey_user_input a ON a.id = l.user_input_id
                         WHERE a.sales_pulse_round_id IS NOT NULL AND l.answer_type = 'text_box'""")
    comments = [row[0] for row in rows]
    assert len(comments) >= 10
    assert len(set(comments)) == len(comments)


def test_several_managers_hold_one_on_ones(db):
    rows = query(db, """SELECT s.manager_id, count(DISTINCT s.member_id),
                               count(x.id) FILTER (WHERE x.state = 'held'),
                               count(x.id) FILTER (WHERE x.state = 'planned')
                          FROM sales_one_on_one s JOIN sales_one_on_one_session x ON x.series_id = s.id
                      GROUP BY s.manager_id""")
    assert len(rows) >= 2, rows
    assert all(members >= 2 and held >= 2 * members and planned >= members
               for _manager, members, held, planned in rows), rows
