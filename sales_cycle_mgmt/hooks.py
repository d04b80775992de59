def post_init_hook(env):
    """Give the existing pipeline its stage history on day one."""
    env["sales.cycle.stage.history"]._backfill_from_tracking()


def uninstall_hook(env):
    """Keep the reminders the addon scheduled as plain to-dos: its activity
    types go with it, and an activity cannot outlive its type. Drop the
    functions of its triggers (the stage summary's, the phases reached by a
    lead), which Odoo does not know of."""
    types = env["ir.model.data"].sudo().search([
        ("module", "=", "sales_cycle_mgmt"), ("model", "=", "mail.activity.type"),
    ]).mapped("res_id")
    todo = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    activities = env["mail.activity"].sudo().with_context(active_test=False).search([
        ("activity_type_id", "in", types),
    ])
    if todo:
        activities.write({"activity_type_id": todo.id})
    else:
        activities.unlink()
    env.cr.execute("""
        DO $$ DECLARE fn regprocedure; BEGIN
            FOR fn IN SELECT oid::regprocedure FROM pg_proc
                             WHERE proname LIKE 'sales\\_cycle\\_%'
            LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || fn || ' CASCADE';
            END LOOP;
        END $$
    """)
