"""After-sales plans become opportunity activity plans (mail.activity.plan).

Before the models load: the old plan and step tables stay as they are (Odoo
drops no table of a removed model; the post script reads and drops them), the
follow-ups' links to them are set aside (their columns now point at the
activity plan tables), and the old records' XML ids are renamed so that loading
the data file does not meet them under another model."""

from odoo.tools.sql import table_exists

XMLID_PREFIX = "pre_activity_plan_"


def migrate(cr, version):
    if not table_exists(cr, "sales_followup_plan"):
        return
    cr.execute("""
        CREATE TABLE sales_followup_plan_link_pre AS
        SELECT id AS followup_id, plan_id, step_id
          FROM sales_followup
         WHERE plan_id IS NOT NULL OR step_id IS NOT NULL
    """)
    cr.execute("""
        UPDATE sales_followup SET plan_id = NULL, step_id = NULL
         WHERE plan_id IS NOT NULL OR step_id IS NOT NULL
    """)
    cr.execute("""
        UPDATE ir_model_data SET name = %s || name
         WHERE module = 'sales_cycle_mgmt'
           AND model IN ('sales.followup.plan', 'sales.followup.plan.step')
    """, [XMLID_PREFIX])
