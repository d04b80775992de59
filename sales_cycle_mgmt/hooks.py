def post_init_hook(env):
    """Give the existing pipeline its stage history on day one."""
    env["sales.cycle.stage.history"]._backfill_from_tracking()
