from odoo import SUPERUSER_ID, api, fields
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

    def test_submit_waits_for_no_other_answer_in_progress(self):
        """Invitees submit at the same moment: a submit writes its own answer
        only, so it never waits for (or deadlocks with) another one's, which
        its respondent's browser may be saving right then."""
        def setup(env):
            users = env["res.users"].create([
                {"name": f"Submitting rep {i}", "login": f"pulse_submitting_{i}",
                 "email": f"pulse.submitting{i}@example.com",
                 "group_ids": [(4, env.ref("sales_team.group_sale_salesman").id)]}
                for i in range(2)
            ])
            campaign = env["sales.pulse.campaign"].create({
                "name": "Submitting pulse",
                "survey_id": env.ref("sales_cycle_mgmt.survey_sales_pulse").id,
                "enps_question_id": env.ref("sales_cycle_mgmt.survey_sales_pulse_q_enps").id,
                "user_ids": [(6, 0, users.ids)],
            })
            pulse_round = campaign.sudo()._open_round(fields.Date.today(), send=False)
            answers = [invitation._start_answer().id for invitation in pulse_round.invitation_ids]
            return campaign.id, users.ids, answers

        campaign_id, user_ids, (mine, other) = self._run_in_new_transaction(setup)
        try:
            with self.registry.cursor() as other_cr, self.registry.cursor() as cr:
                # the other respondent's submit holds its answer's row
                other_cr.execute("SELECT id FROM survey_user_input WHERE id = %s FOR UPDATE", [other])
                cr.execute("SET LOCAL lock_timeout = '3s'")
                env = api.Environment(cr, SUPERUSER_ID, {})
                answer = env["survey.user_input"].browse(mine)
                answer._save_lines(env.ref("sales_cycle_mgmt.survey_sales_pulse_q_enps"), "8")
                answer._mark_done()
                env.flush_all()
                self.assertEqual(answer.state, "done")
                cr.rollback()
                other_cr.rollback()
        finally:
            def cleanup(env):
                users = env["res.users"].browse(user_ids)
                env["sales.pulse.campaign"].browse(campaign_id).unlink()
                partners = users.partner_id
                users.unlink()
                partners.unlink()
            self._run_in_new_transaction(cleanup)
