from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .pulse_common import PulseCommon


@tagged("post_install", "-at_install")
class TestScreensTours(PulseCommon, HttpCase):
    """The tours that take the Apps page's screenshots open each role's main
    screens; here they run on data of their own, so that they keep working."""

    def test_salesperson_opens_the_pipeline_and_a_lead_playbook(self):
        stage = self.env.ref("crm.stage_lead1")
        stage.write({
            "guidance": "<p>Ask who signs and when.</p>",
            "checklist_item_ids": [(0, 0, {"name": "Decision maker identified"})],
        })
        lead = self.env["crm.lead"].create({
            "name": "SCM Screens Opportunity", "type": "opportunity", "stage_id": stage.id,
            "user_id": self.reps_a[0].id, "team_id": self.team_a.id,
        })
        self.start_tour("/odoo", "sales_cycle_mgmt_screens_salesperson_tour", login=self.reps_a[0].login)
        self.assertEqual(lead.stage_id, stage, "the tour only looks")

    def test_manager_opens_the_dashboard_a_report_a_pulse_round_and_a_one_on_one(self):
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        pulse_round = self.campaign.round_ids
        for rep, score in zip(self.reps_a, (10, 9, 7, 3), strict=True):
            self._answer(pulse_round, rep, score)
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        self.assertEqual(pulse_round.state, "closed")
        member = new_test_user(self.env, login="scm_screens_member", name="Screens Member",
                               groups="sales_team.group_sale_salesman")
        self.env["sales.one.on.one"].with_user(self.manager).create({
            "member_id": member.id, "first_date": fields.Datetime.now() + timedelta(days=2),
        })
        self.start_tour("/odoo", "sales_cycle_mgmt_screens_manager_tour", login=self.manager.login)
