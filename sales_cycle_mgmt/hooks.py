def post_init_hook(env):
    """Give the existing pipeline its cycle phases and its stage history on day one."""
    env["sales.cycle.phase"]._assign_default_stage_phases()
    env["sales.cycle.stage.history"]._backfill_from_tracking()
