"""After-sales plans become opportunity activity plans: one mail.activity.plan
per old plan, one template per old step, the follow-ups pointed at them, the
old XML ids moved over; then the old tables go."""

import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import table_exists

_logger = logging.getLogger(__name__)

XMLID_PREFIX = "pre_activity_plan_"
RESPONSIBLE_TYPES = {"salesperson": "salesperson", "team_leader": "team_leader", "user": "other"}


def _text(value):
    """The text of a translated column: English, else the first language."""
    if not value:
        return ""
    return value.get("en_US") or next(iter(value.values()), "")


def _template_vals(env, step):
    name = _text(step["name"])
    note = _text(step["note"])
    summary = _text(step["summary"])
    if summary and summary != name:
        # the activity's summary is the template's: the step's own one goes in the note
        note = Markup("<p>%s</p>%s") % (escape(summary), Markup(note))
    vals = {
        "sequence": step["sequence"],
        "summary": name,
        "kind": step["kind"],
        "delay_count": step["offset_days"],
        "delay_unit": "days",
        "delay_from": "after_plan_date",
        "activity_type_id": step["activity_type_id"],
        "note": note or False,
        "responsible_type": RESPONSIBLE_TYPES[step["responsible"]],
        "responsible_id": step["responsible_user_id"] if step["responsible"] == "user" else False,
    }
    if step["survey_id"]:
        Template = env["mail.activity.plan.template"]
        problem = Template.new({"kind": step["kind"], "survey_id": step["survey_id"]})._survey_problem()
        if problem:
            _logger.warning("After-sales step %s (%s) keeps no survey: %s", step["id"], name, problem)
        else:
            vals["survey_id"] = step["survey_id"]
    return vals


def migrate(cr, version):
    if not table_exists(cr, "sales_followup_plan"):
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False, "tracking_disable": True})
    cr.execute("""
        SELECT id, name, active, company_id, team_id, is_default
          FROM sales_followup_plan ORDER BY id
    """)
    plans = cr.dictfetchall()
    cr.execute("SELECT * FROM sales_followup_plan_step ORDER BY plan_id, sequence, offset_days, id")
    steps_by_plan = defaultdict(list)
    for step in cr.dictfetchall():
        steps_by_plan[step["plan_id"]].append(step)

    new_plans = env["mail.activity.plan"].create([
        {
            "name": _text(plan["name"]),
            "res_model": "crm.lead",
            "active": plan["active"],
            "company_id": plan["company_id"],
            "team_id": plan["team_id"],
            "is_followup_default": plan["is_default"],
            "template_ids": [(0, 0, _template_vals(env, step)) for step in steps_by_plan[plan["id"]]],
        }
        for plan in plans
    ])
    plan_map, step_map = {}, {}
    for plan, new_plan in zip(plans, new_plans, strict=True):
        plan_map[plan["id"]] = new_plan.id
        steps = steps_by_plan[plan["id"]]
        for step, template in zip(steps, new_plan.template_ids.sorted(lambda t: (t.sequence, t.id)),
                                  strict=True):
            step_map[step["id"]] = template.id
    env.flush_all()

    # the shipped plan keeps its XML id (and noupdate): later upgrades find it
    for old_model, new_model, mapping in (
        ("sales.followup.plan", "mail.activity.plan", plan_map),
        ("sales.followup.plan.step", "mail.activity.plan.template", step_map),
    ):
        cr.execute("""
            SELECT id, name, res_id FROM ir_model_data
             WHERE module = 'sales_cycle_mgmt' AND model = %s AND name LIKE %s
        """, [old_model, XMLID_PREFIX + "%"])
        for xmlid_id, name, res_id in cr.fetchall():
            if res_id in mapping:
                cr.execute(
                    "UPDATE ir_model_data SET name = %s, model = %s, res_id = %s WHERE id = %s",
                    [name[len(XMLID_PREFIX):], new_model, mapping[res_id], xmlid_id],
                )
            else:
                cr.execute("DELETE FROM ir_model_data WHERE id = %s", [xmlid_id])

    cr.execute("""
        UPDATE sales_followup f
           SET plan_id = p.new_id, step_id = s.new_id
          FROM sales_followup_plan_link_pre l
     LEFT JOIN unnest(%s::int[], %s::int[]) AS p(old_id, new_id) ON p.old_id = l.plan_id
     LEFT JOIN unnest(%s::int[], %s::int[]) AS s(old_id, new_id) ON s.old_id = l.step_id
         WHERE f.id = l.followup_id
    """, [list(plan_map), list(plan_map.values()), list(step_map), list(step_map.values())])
    _logger.info(
        "After-sales plans: %s plans, %s steps and %s follow-ups moved to activity plans",
        len(plan_map), len(step_map), cr.rowcount,
    )
    env["sales.followup"].invalidate_model(["plan_id", "step_id"])
    cr.execute(
        "DROP TABLE sales_followup_plan_link_pre, sales_followup_plan_step, sales_followup_plan CASCADE"
    )
