from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # the tooltip text is the guidance's, for stages written before too
    stages = env["crm.stage"].with_context(active_test=False).search([])
    stages.modified(["guidance"])
    stages.flush_recordset()
    # records of noupdate files named after the former concept
    renames = {
        "sales_cycle_mgmt.mail_activity_type_stalled": ("Stalled Deal", "Rotting Deal"),
        "sales_cycle_mgmt.ir_cron_flag_stalled": (
            "Sales Cycle: flag stalled deals", "Sales Cycle: remind rotting deals",
        ),
    }
    for xmlid, (old, new) in renames.items():
        record = env.ref(xmlid, raise_if_not_found=False)
        if record and record.name == old:
            record.name = new
