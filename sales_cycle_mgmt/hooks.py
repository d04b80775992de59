def post_init_hook(env):
    """Give the stock pipeline its cycle phases on day one."""
    env["sales.cycle.phase"]._assign_default_stage_phases()
