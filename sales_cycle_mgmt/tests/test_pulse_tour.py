from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .pulse_common import PulseCommon


@tagged("post_install", "-at_install")
class TestPulseTour(PulseCommon, HttpCase):
    def test_manager_reads_a_closed_round(self):
        self.campaign.name = "Tour pulse"
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        pulse_round = self.campaign.round_ids
        for rep, score in zip(self.reps_a, (10, 9, 9, 2), strict=True):
            # three comments: as many as the threshold, so they show
            self._answer(pulse_round, rep, score, comment=f"Great team ({score})" if score > 8 else None)
        for rep, score in zip(self.reps_b, (7, 8, 0), strict=True):
            self._answer(pulse_round, rep, score)
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        self.assertEqual(pulse_round.state, "closed")
        action = self.env.ref("sales_cycle_mgmt.sales_pulse_round_action")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_pulse_tour", login=self.manager.login)
