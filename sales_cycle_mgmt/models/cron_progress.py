import logging
import zlib

_logger = logging.getLogger(__name__)

# First half of the two-int advisory lock keys taken by this addon's crons.
_LOCK_NAMESPACE = zlib.crc32(b"sales_cycle_mgmt") & 0x7FFFFFFF


def commit_progress(env, processed, remaining=None):
    """Commit a cron batch and report progress, as ``ir.cron._commit_progress``
    does, but only inside a scheduled run: called from a shell, a button or a
    test, the batches stay in the caller's transaction. Returns the remaining
    time of the cron run (infinite outside one). ``remaining``, when
    known, lets the scheduler run the job again soon if it stops short."""
    if env.context.get("ir_cron_progress_id"):
        return env["ir.cron"]._commit_progress(processed, remaining=remaining)
    return float("inf")


def try_cron_lock(env, job):
    """Take the transaction-level lock of ``job``; False when another
    transaction holds it, i.e. the same job runs right now elsewhere. The
    caller then stops: the other run does the work. Taken again after each
    committed batch.

    Only for a job's method that is also called outside the scheduler (by
    another method): ir.cron itself locks a job's row while a worker or "Run
    Manually" runs it, so two scheduled runs never overlap, but a direct call
    does not go through that lock."""
    key = zlib.crc32(job.encode()) & 0x7FFFFFFF
    env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])
    if env.cr.fetchone()[0]:
        return True
    _logger.info("%s is already running in another transaction: skipped", job)
    return False
