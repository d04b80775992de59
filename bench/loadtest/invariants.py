"""Invariants of a database after concurrent load, checked in SQL.

Each check is one query that returns the offending rows (empty: the invariant
holds); ``check(cr, since)`` runs them on a DB-API cursor of the database (as
its owner) and returns ``[(name, description, violations, sample rows)]``.
``since`` is the UTC time the load started: the checks that compare with the
chatter only count what happened after it.

The stock side of a comparison has none of the addon's tables: ``check``
runs only the checks whose tables exist and names the ones it skipped.
"""

# (name, description, tables it needs, query); %(since)s is the load's start
CHECKS = [
    (
        "one_open_stay",
        "every lead with a stage has exactly one open stay, a lead without a stage none",
        ("sales_cycle_stage_history",),
        """
        SELECT l.id, l.stage_id, count(h.id) AS open_stays
          FROM crm_lead l
          LEFT JOIN sales_cycle_stage_history h ON h.lead_id = l.id AND h.date_out IS NULL
         GROUP BY l.id, l.stage_id
        HAVING count(h.id) != CASE WHEN l.stage_id IS NULL THEN 0 ELSE 1 END
        """,
    ),
    (
        "stays_contiguous",
        "a lead's stays follow each other: each date_out is the next stay's date_in, "
        "only the last one is open, and it is in the lead's stage",
        ("sales_cycle_stage_history",),
        """
        WITH s AS (
            SELECT h.lead_id, h.id, h.stage_id, h.date_in, h.date_out,
                   lead(h.date_in) OVER w AS next_in,
                   lead(h.id) OVER w AS next_id
              FROM sales_cycle_stage_history h
            WINDOW w AS (PARTITION BY h.lead_id ORDER BY h.date_in, h.id)
        )
        SELECT s.lead_id, s.id, s.date_in, s.date_out, s.next_in
          FROM s
          JOIN crm_lead l ON l.id = s.lead_id
         WHERE (s.next_id IS NOT NULL AND s.date_out IS DISTINCT FROM s.next_in)
            OR (s.next_id IS NULL AND (s.date_out IS NOT NULL OR s.stage_id IS DISTINCT FROM l.stage_id))
        """,
    ),
    (
        "stays_count_stage_changes",
        "a lead has one stay more than its stage changes (crm_lead.cycle_stage_count)",
        ("sales_cycle_stage_history",),
        """
        SELECT l.id, l.cycle_stage_count, count(h.id) AS stays
          FROM crm_lead l
          JOIN sales_cycle_stage_history h ON h.lead_id = l.id
         GROUP BY l.id, l.cycle_stage_count
        HAVING count(h.id) != COALESCE(l.cycle_stage_count, 0) + 1
        """,
    ),
    (
        "stays_match_chatter",
        "the stays a lead entered since the load started are its stage changes the chatter "
        "tracked since then",
        ("sales_cycle_stage_history",),
        """
        WITH tracked AS (
            SELECT m.res_id AS lead_id, count(*) AS n
              FROM mail_tracking_value v
              JOIN mail_message m ON m.id = v.mail_message_id
              JOIN ir_model_fields f ON f.id = v.field_id
             WHERE m.model = 'crm.lead' AND f.model = 'crm.lead' AND f.name = 'stage_id'
               AND m.date >= %(since)s
             GROUP BY m.res_id
        ), entered AS (
            SELECT lead_id, count(*) AS n
              FROM sales_cycle_stage_history
             WHERE date_in >= %(since)s AND direction != 'first'
             GROUP BY lead_id
        )
        SELECT COALESCE(t.lead_id, e.lead_id) AS lead_id, t.n AS tracked, e.n AS stays
          FROM tracked t
          FULL JOIN entered e ON e.lead_id = t.lead_id
         WHERE t.n IS DISTINCT FROM e.n
        """,
    ),
    (
        "followup_once_per_win",
        "no follow-up is planned twice for a win: one per lead and plan step, and no "
        "follow-up without a step repeated on a lead",
        ("sales_followup",),
        """
        SELECT lead_id, COALESCE(step_id::text, name) AS step, count(*) AS followups
          FROM sales_followup
         WHERE state != 'cancelled'
         GROUP BY lead_id, COALESCE(step_id::text, name)
        HAVING count(*) > 1
        """,
    ),
    (
        "followup_activity_once",
        "each planned follow-up has at most one activity, and no activity serves two follow-ups",
        ("sales_followup",),
        """
        SELECT activity_id, count(*) AS followups
          FROM sales_followup
         WHERE activity_id IS NOT NULL
         GROUP BY activity_id
        HAVING count(*) > 1
        """,
    ),
    (
        "invitation_answered_once",
        "per round and team, the submitted pulse answers are as many as the answered "
        "invitations: no invitation answered twice, no answer without its invitation",
        ("sales_pulse_invitation",),
        """
        WITH invited AS (
            SELECT round_id, team_id, count(*) FILTER (WHERE responded) AS answered
              FROM sales_pulse_invitation
             GROUP BY round_id, team_id
        ), submitted AS (
            SELECT sales_pulse_round_id AS round_id, sales_pulse_team_id AS team_id, count(*) AS answers
              FROM survey_user_input
             WHERE sales_pulse_round_id IS NOT NULL AND state = 'done'
             GROUP BY sales_pulse_round_id, sales_pulse_team_id
        )
        SELECT COALESCE(i.round_id, s.round_id) AS round_id, COALESCE(i.team_id, s.team_id) AS team_id,
               i.answered, s.answers
          FROM invited i
          FULL JOIN submitted s ON s.round_id = i.round_id AND s.team_id IS NOT DISTINCT FROM i.team_id
         WHERE COALESCE(i.answered, 0) != COALESCE(s.answers, 0)
        """,
    ),
    (
        "answer_lines_once",
        "a submitted pulse answer has at most one answer line per question",
        ("sales_pulse_invitation",),
        """
        SELECT l.user_input_id, l.question_id, count(*) AS lines
          FROM survey_user_input_line l
          JOIN survey_user_input a ON a.id = l.user_input_id
         WHERE a.sales_pulse_round_id IS NOT NULL AND a.state = 'done' AND NOT l.skipped
         GROUP BY l.user_input_id, l.question_id
        HAVING count(*) > 1
        """,
    ),
    (
        "answer_counted_once",
        "a closed round counts each submitted answer once (round and teams), and as many as "
        "its answered invitations",
        ("sales_pulse_invitation",),
        """
        WITH answered AS (
            SELECT round_id, count(*) FILTER (WHERE responded) AS n
              FROM sales_pulse_invitation GROUP BY round_id
        ), teams AS (
            SELECT round_id, sum(responded_count) AS responded
              FROM sales_pulse_round_team GROUP BY round_id
        )
        SELECT r.id, r.answer_count, a.n AS answered, t.responded AS team_responded
          FROM sales_pulse_round r
          LEFT JOIN answered a ON a.round_id = r.id
          LEFT JOIN teams t ON t.round_id = r.id
         WHERE r.state = 'closed'
           AND (r.answer_count IS DISTINCT FROM COALESCE(a.n, 0)
                OR COALESCE(t.responded, 0) != COALESCE(a.n, 0))
        """,
    ),
]


def _tables(cr):
    cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return {row[0] for row in cr.fetchall()}


def check(cr, since, sample=5):
    """Run every check whose tables exist: [(name, description, violations,
    first rows)]; the skipped ones have violations None."""
    tables = _tables(cr)
    results = []
    for name, description, needs, query in CHECKS:
        if not set(needs) <= tables:
            results.append((name, description, None, []))
            continue
        cr.execute(query, {"since": since})
        rows = cr.fetchall()
        results.append((name, description, len(rows), rows[:sample]))
    return results


def violations(results):
    """Total violations over the checks that ran."""
    return sum(n for _name, _desc, n, _rows in results if n)
