from odoo.tests import TransactionCase, tagged

from . import test_cron_concurrency


@tagged("post_install", "-at_install")
class TestPulseCronConcurrency(TransactionCase):
    """The pulse cron started by two workers at once, in two real transactions:
    ir.cron runs it once at a time (the method takes no lock of its own); one
    round, one invitation and one mail per person."""

    # the helpers only: importing the class itself would run its tests twice
    _run_in_new_transaction = test_cron_concurrency.TestCronConcurrency._run_in_new_transaction
    _run_twice_at_once = test_cron_concurrency.TestCronConcurrency._run_twice_at_once
    _run_as_scheduled = test_cron_concurrency.TestCronConcurrency._run_as_scheduled
    _cron_kept = test_cron_concurrency.TestCronConcurrency._cron_kept

    def test_two_pulse_runs_at_once_open_one_round(self):
        def setup(env):
            users = env["res.users"].create([
                {"name": f"Concurrent rep {i}", "login": f"pulse_concurrent_{i}",
                 "email": f"pulse.concurrent{i}@example.com",
                 "group_ids": [(4, env.ref("sales_team.group_sale_salesman").id)]}
                for i in range(5)
            ])
            campaign = env["sales.pulse.campaign"].create({
                "name": "Concurrent pulse",
                "survey_id": env.ref("sales_cycle_mgmt.survey_sales_pulse").id,
                "enps_question_id": env.ref("sales_cycle_mgmt.survey_sales_pulse_q_enps").id,
                "user_ids": [(6, 0, users.ids)],
            })
            return campaign.id, users.ids

        campaign_id, user_ids = self._run_in_new_transaction(setup)
        try:
            cron, ran = "sales_cycle_mgmt.ir_cron_pulse_run", []
            with self._cron_kept(cron):
                self.assertFalse(self._run_twice_at_once(
                    lambda env: ran.append(self._run_as_scheduled(env, cron))
                ))
            self.assertIn(True, ran)

            def check(env):
                campaign = env["sales.pulse.campaign"].browse(campaign_id)
                mails = env["mail.mail"].search([
                    ("recipient_ids", "in", env["res.users"].browse(user_ids).partner_id.ids),
                ])
                return len(campaign.round_ids), len(campaign.round_ids.invitation_ids), len(mails)

            self.assertEqual(self._run_in_new_transaction(check), (1, 5, 5))
        finally:
            def cleanup(env):
                users = env["res.users"].browse(user_ids)
                env["mail.mail"].search([("recipient_ids", "in", users.partner_id.ids)]).unlink()
                env["sales.pulse.campaign"].browse(campaign_id).unlink()
                partners = users.partner_id
                users.unlink()
                partners.unlink()
            self._run_in_new_transaction(cleanup)
