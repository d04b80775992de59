from odoo.tools import html2plaintext, is_html_empty, plaintext2html
from odoo.tools.sql import column_exists


def migrate(cr, version):
    # the target days become stock's Days to rot where a stage had none
    if column_exists(cr, "crm_stage", "target_days"):
        cr.execute("""
            UPDATE crm_stage SET rotting_threshold_days = target_days
             WHERE COALESCE(rotting_threshold_days, 0) = 0 AND target_days > 0
        """)
    # a stalled deal keeps its open reminder and gets no second one for its stay
    if column_exists(cr, "crm_lead", "is_stalled"):
        cr.execute("ALTER TABLE crm_lead ADD COLUMN IF NOT EXISTS rotting_reminded_at timestamp")
        cr.execute("UPDATE crm_lead SET rotting_reminded_at = date_last_stage_update WHERE is_stalled")
    # one stage text: what was written in stock's requirements joins the
    # guidance (which the requirements are computed from from now on)
    cr.execute("""
        SELECT id, guidance ->> 'en_US', requirements FROM crm_stage
         WHERE requirements IS NOT NULL AND btrim(requirements) != ''
    """)
    for stage_id, guidance, requirements in cr.fetchall():
        if is_html_empty(guidance):
            merged = plaintext2html(requirements)
        elif requirements.strip() not in html2plaintext(guidance):
            merged = guidance + plaintext2html(requirements)
        else:
            continue
        cr.execute("""
            UPDATE crm_stage
               SET guidance = COALESCE(guidance, '{}'::jsonb) || jsonb_build_object('en_US', %s::text)
             WHERE id = %s
        """, [merged, stage_id])
