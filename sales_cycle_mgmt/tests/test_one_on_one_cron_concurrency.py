from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from . import test_cron_concurrency


@tagged("post_install", "-at_install")
class TestOneOnOneCronConcurrency(TransactionCase):
    """The one-on-one scheduling started by two workers at once in two real
    transactions: ir.cron runs it once at a time (the method takes no lock of
    its own); one next session and one calendar event per series."""

    # the helpers only, not the stalled-deal test itself
    _run_in_new_transaction = test_cron_concurrency.TestCronConcurrency._run_in_new_transaction
    _run_twice_at_once = test_cron_concurrency.TestCronConcurrency._run_twice_at_once
    _run_as_scheduled = test_cron_concurrency.TestCronConcurrency._run_as_scheduled
    _cron_kept = test_cron_concurrency.TestCronConcurrency._cron_kept

    def test_two_scheduling_runs_at_once_plan_one_session_per_series(self):
        def setup(env):
            member = env["res.users"].create({
                "name": "OO Concurrency Member", "login": "oo_concurrency_member",
                "group_ids": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
            })
            series = env["sales.one.on.one"].create([
                {"manager_id": env.ref("base.user_admin").id, "member_id": member.id,
                 "team_id": False, "cadence": "weekly",
                 "first_date": fields.Datetime.now() + timedelta(days=1, hours=i)}
                for i in range(12)
            ])
            # as if the sessions were never planned: the cron has to plan all of them
            series.session_ids.unlink()
            return member.id, series.ids

        member_id, series_ids = self._run_in_new_transaction(setup)

        cron, ran = "sales_cycle_mgmt.ir_cron_one_on_one_schedule", []
        try:
            # small batches: the job commits between them
            with self._cron_kept(cron, code="model._cron_schedule(batch_size=5)"):
                self.assertFalse(self._run_twice_at_once(
                    lambda env: ran.append(self._run_as_scheduled(env, cron))
                ))
            self.assertIn(True, ran)

            def check(env):
                sessions = env["sales.one.on.one.session"].search([("series_id", "in", series_ids)])
                events = env["calendar.event"].search([
                    ("res_model", "=", "sales.one.on.one.session"), ("res_id", "in", sessions.ids),
                ])
                return sorted(sessions.series_id.ids), len(sessions), len(events)

            session_series, session_count, event_count = self._run_in_new_transaction(check)
            self.assertEqual(session_series, sorted(series_ids))
            self.assertEqual(session_count, 12, "one session per series")
            self.assertEqual(event_count, 12, "one event per session")
        finally:
            def cleanup(env):
                series = env["sales.one.on.one"].with_context(active_test=False).browse(series_ids)
                series.session_ids.unlink()
                series.unlink()
                env["res.users"].browse(member_id).unlink()

            self._run_in_new_transaction(cleanup)
