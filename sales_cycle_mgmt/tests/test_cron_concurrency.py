import threading
from contextlib import contextmanager
from datetime import timedelta

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .test_cron_access import CRONS


@tagged("post_install", "-at_install")
class TestCronConcurrency(TransactionCase):
    """The nightly crons' methods called twice at once in two real transactions,
    as other methods call them (demo data): ir.cron's lock of a running job does
    not cover those calls, the addon's own lock does. Every rotting deal still
    gets exactly one activity."""

    def _run_in_new_transaction(self, func):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, {})
            result = func(env)
            # two real transactions are the point of this test
            cr.commit()  # pylint: disable=invalid-commit
            return result

    def _run_twice_at_once(self, func):
        """func(env) in two real transactions started together; returns the errors."""
        errors = []
        barrier = threading.Barrier(2)

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, self.env.uid, {})
                    barrier.wait(timeout=10)
                    func(env)
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as e:  # reported by the caller
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return errors

    def _run_as_scheduled(self, env, cron_xmlid):
        """What a cron worker does with a due job: lock its row (skipped when
        another transaction holds it), then run it in a transaction of its own.
        True when this transaction got the job."""
        IrCron = env["ir.cron"]
        job = IrCron._acquire_one_job(env.cr, env.ref(cron_xmlid).id, include_not_ready=True)
        if not job:
            return False
        IrCron._process_job(env.cr, job)
        # ir.cron logs a failing job and goes on: the test fails instead
        env.cr.execute("SELECT failure_count FROM ir_cron WHERE id = %s", [job["id"]])
        self.assertEqual(env.cr.fetchone()[0], job["failure_count"], f"{cron_xmlid} failed")
        return True

    @contextmanager
    def _cron_kept(self, cron_xmlid, **vals):
        """The cron written with ``vals`` meanwhile, then as it was, without the
        progress rows the runs left (they are committed)."""
        def save(env):
            cron = env.ref(cron_xmlid)
            env.cr.execute("SELECT COALESCE(max(id), 0) FROM ir_cron_progress")
            last_progress = env.cr.fetchone()[0]
            before = cron.read(["nextcall", "lastcall", "failure_count", "first_failure_date", *vals])[0]
            cron.write(vals)
            return before, last_progress

        before, last_progress = self._run_in_new_transaction(save)
        try:
            yield
        finally:
            def restore(env):
                cron = env.ref(cron_xmlid)
                cron.write({key: value for key, value in before.items() if key != "id"})
                env.cr.execute("DELETE FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
                               [cron.id, last_progress])
            self._run_in_new_transaction(restore)

    def test_a_running_job_is_not_started_again(self):
        """What the addon's scheduled actions rely on: while a worker runs a job,
        its row is locked; a second worker skips it and "Run Manually" refuses."""
        for xmlid in CRONS:
            with self.subTest(cron=xmlid), self.registry.cursor() as worker_cr, \
                    self.registry.cursor() as other_cr:
                cron_id = self.env.ref(xmlid).id
                self.assertTrue(self.env["ir.cron"]._acquire_one_job(
                    worker_cr, cron_id, include_not_ready=True))
                self.assertIsNone(self.env["ir.cron"]._acquire_one_job(
                    other_cr, cron_id, include_not_ready=True))
                other = api.Environment(other_cr, self.env.uid, {})
                with self.assertRaises(UserError):
                    other["ir.cron"].browse(cron_id).method_direct_trigger()
                other_cr.rollback()
                worker_cr.rollback()

    def test_two_rotting_runs_at_once_schedule_one_activity_per_rotting_deal(self):
        def setup(env):
            stage = env["crm.stage"].create({
                "name": "Concurrency stage", "rotting_threshold_days": 1, "rotting_automatic": False,
            })
            leads = env["crm.lead"].create([
                {"name": f"Concurrent {i}", "type": "opportunity", "stage_id": stage.id,
                 "user_id": env.ref("base.user_admin").id}
                for i in range(30)
            ])
            env.flush_all()  # the SQL below must not be overwritten by pending computes
            env.cr.execute(
                "UPDATE crm_lead SET date_last_stage_update = %s WHERE id = ANY(%s)",
                [env.cr.now() - timedelta(days=3), leads.ids],
            )
            return stage.id, leads.ids

        stage_id, lead_ids = self._run_in_new_transaction(setup)

        def run(env):
            env["crm.stage"]._compute_benchmarks()
            env["crm.lead"]._cron_flag_stalled(batch_size=7)

        try:
            self.assertFalse(self._run_twice_at_once(run))

            def check(env):
                activities = env["mail.activity"].search([
                    ("res_model", "=", "crm.lead"), ("res_id", "in", lead_ids),
                    ("activity_type_id", "=", env.ref("sales_cycle_mgmt.mail_activity_type_stalled").id),
                ])
                leads = env["crm.lead"].browse(lead_ids)
                return sorted(activities.mapped("res_id")), all(leads.mapped("is_rotting"))

            activity_lead_ids, all_rotting = self._run_in_new_transaction(check)
            self.assertTrue(all_rotting)
            self.assertEqual(activity_lead_ids, sorted(lead_ids), "one activity per rotting deal")
        finally:
            def cleanup(env):
                env["crm.lead"].browse(lead_ids).unlink()
                env["crm.stage"].browse(stage_id).unlink()
            self._run_in_new_transaction(cleanup)

    def test_two_followup_runs_at_once_send_one_survey_and_one_activity(self):
        def setup(env):
            partner = env["res.partner"].create({"name": "Concurrent customer", "email": "cc@example.com"})
            stage_won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
            leads = env["crm.lead"].create([
                {"name": f"Concurrent won {i}", "type": "opportunity", "partner_id": partner.id,
                 "user_id": env.ref("base.user_admin").id}
                for i in range(4)
            ])
            leads.write({"stage_id": stage_won.id})
            env["sales.followup"]._cron_plan_won_leads()  # won at once: planned by the cron
            followups = env["sales.followup"].search([("lead_id", "in", leads.ids)])
            # everything due today: activities and surveys are all to do
            followups.write({"date_due": env.cr.now().date()})
            followups.activity_id.unlink()
            return partner.id, leads.ids, followups.ids

        partner_id, lead_ids, followup_ids = self._run_in_new_transaction(setup)
        try:
            self.assertFalse(self._run_twice_at_once(
                lambda env: env["sales.followup"]._cron_process(batch_size=3)
            ))

            def check(env):
                followups = env["sales.followup"].browse(followup_ids)
                activities = env["mail.activity"].search([
                    ("res_model", "=", "crm.lead"), ("res_id", "in", lead_ids),
                ])
                mails = env["mail.mail"].search([
                    ("model", "=", "sales.followup"), ("res_id", "in", followup_ids),
                ])
                return len(followups), len(activities), len(mails), len(followups.user_input_id)

            n_followups, n_activities, n_mails, n_answers = self._run_in_new_transaction(check)
            self.assertEqual(n_activities, n_followups, "one activity per follow-up")
            self.assertEqual(n_mails, 4, "one survey mail per satisfaction follow-up")
            self.assertEqual(n_answers, 4)
        finally:
            def cleanup(env):
                followups = env["sales.followup"].browse(followup_ids)
                answers = followups.user_input_id
                env["crm.lead"].browse(lead_ids).unlink()
                answers.unlink()
                env["mail.mail"].search(
                    [("model", "=", "sales.followup"), ("res_id", "in", followup_ids)]
                ).unlink()
                env["res.partner"].browse(partner_id).unlink()
            self._run_in_new_transaction(cleanup)

    def test_two_planning_runs_at_once_plan_each_deal_won_at_once_once(self):
        def setup(env):
            stage_won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
            leads = env["crm.lead"].create([
                {"name": f"Won at once {i}", "type": "opportunity",
                 "user_id": env.ref("base.user_admin").id}
                for i in range(30)
            ])
            leads.write({"stage_id": stage_won.id})
            return leads.ids

        lead_ids = self._run_in_new_transaction(setup)
        try:
            self.assertFalse(self._run_twice_at_once(
                lambda env: env["sales.followup"]._cron_plan_won_leads(batch_size=7)
            ))
            self.assertFalse(self._run_twice_at_once(
                lambda env: self._run_as_scheduled(env, "sales_cycle_mgmt.ir_cron_followup_plan")
            ))

            def check(env):
                leads = env["crm.lead"].browse(lead_ids)
                per_lead = {lead.id: len(lead.followup_ids) for lead in leads}
                activities = env["mail.activity"].search_count([
                    ("res_model", "=", "crm.lead"), ("res_id", "in", lead_ids),
                ])
                return per_lead, activities, any(leads.mapped("followups_pending"))

            per_lead, activities, pending = self._run_in_new_transaction(check)
            steps = len(self.env.ref("sales_cycle_mgmt.followup_plan_default").template_ids)
            self.assertEqual(per_lead, dict.fromkeys(lead_ids, steps), "each deal planned once")
            self.assertEqual(activities, 30, "one activity each, for the step within the horizon")
            self.assertFalse(pending)
        finally:
            self._run_in_new_transaction(lambda env: env["crm.lead"].browse(lead_ids).unlink())
