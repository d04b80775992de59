def commit_progress(env, processed):
    """Commit a cron batch and report progress, as ``ir.cron._commit_progress``
    does, but only inside a scheduled run: called from a shell, a button or a
    test, the batches stay in the caller's transaction. Returns the remaining
    time of the cron run (infinite outside one)."""
    if env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed)
    return float("inf")
