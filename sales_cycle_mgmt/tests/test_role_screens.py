from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .http_common import ExternalApiCase
from .pulse_common import PulseCommon

TEAM_MENUS = {
    "menu_sales_one_on_one_my", "menu_sales_one_on_one_topic_my", "menu_sales_one_on_one_sessions",
    "menu_sales_one_on_one_series", "menu_sales_one_on_one_coverage", "menu_sales_coaching_report",
    "menu_sales_pulse_report", "menu_sales_pulse_campaign", "menu_sales_pulse_round",
}


@tagged("post_install", "-at_install")
class TestRoleScreens(PulseCommon, ExternalApiCase):
    """What each role is offered by the web client: its menus, and what an
    empty screen says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = cls.reps_a[0]
        cls.all_leads = mail_new_test_user(
            cls.env, login="role_all_leads", groups="sales_team.group_sale_salesman_all_leads",
        )

    def _team_menus(self, user):
        """The addon's Team menus the web client loads for ``user``."""
        self._login(user)
        response = self.url_open("/web/webclient/load_menus")
        response.raise_for_status()
        xmlids = {menu.get("xmlid") for menu in response.json().values()}
        return {name for name in TEAM_MENUS if f"sales_cycle_mgmt.{name}" in xmlids}

    def test_each_role_sees_its_own_team_menus(self):
        own = {"menu_sales_one_on_one_my", "menu_sales_one_on_one_topic_my", "menu_sales_pulse_report"}
        leading = own | {"menu_sales_one_on_one_sessions", "menu_sales_one_on_one_series",
                         "menu_sales_one_on_one_coverage", "menu_sales_coaching_report"}
        self.assertEqual(self._team_menus(self.rep), own,
                         "a salesperson: their one-on-ones and topics, no series, coverage or coaching")
        self.assertEqual(self._team_menus(self.all_leads), leading)
        self.assertEqual(self._team_menus(self.manager), TEAM_MENUS)

    def test_my_topics_lists_the_open_topics_of_my_one_on_ones(self):
        series = self.env["sales.one.on.one"].create({
            "manager_id": self.leader.id, "member_id": self.rep.id, "team_id": self.team_a.id,
            "first_date": fields.Datetime.now() + timedelta(days=1),
        })
        session = series.session_ids
        self.env["sales.one.on.one.topic"].with_user(self.rep).create([
            {"session_id": session.id, "name": "Time off in May"},
            {"session_id": session.id, "name": "Pricing review", "done": True},
        ])
        action = self.env.ref("sales_cycle_mgmt.sales_one_on_one_topic_action_my")
        self.assertEqual(safe_eval(action.context), {"search_default_filter_open": 1})
        for user, expected in ((self.rep, ["Time off in May"]), (self.leader, ["Time off in May"]),
                               (self.reps_a[1], [])):
            domain = [*safe_eval(action.domain, {"uid": user.id}), ("done", "=", False)]
            topics = self.call_kw(user, "sales.one.on.one.topic", "search_read", [domain],
                                  {"fields": ["name"]})
            self.assertEqual([t["name"] for t in topics], expected, user.login)

    def _pulse_help(self, user):
        """The empty-screen text of Pulse Analysis, as the web client loads it."""
        self._login(user)
        action = self.env.ref("sales_cycle_mgmt.sales_pulse_report_action")
        response = self.url_open("/web/action/load", json={
            "jsonrpc": "2.0", "method": "call", "id": None, "params": {"action_id": action.id},
        })
        response.raise_for_status()
        return response.json()["result"]["help"]

    def test_pulse_analysis_says_when_results_are_hidden_rather_than_missing(self):
        self.assertIn("No closed pulse round yet", self._pulse_help(self.rep), "nothing closed yet")
        with freeze_time(self.day0):
            self.Campaign._cron_run()
        for rep in self.reps_a[:3] | self.reps_b:
            self._answer(self.campaign.round_ids, rep, enps=9)
        with freeze_time(self.day0 + timedelta(days=5)):
            self.Campaign._cron_run()
        self.assertEqual(self.campaign.round_ids.state, "closed")
        rep_help = self._pulse_help(self.rep)
        self.assertNotIn("No closed pulse round yet", rep_help)
        self.assertIn("Pulse results are for team leaders and sales managers", rep_help)
        self.assertIn("No closed pulse round yet", self._pulse_help(self.manager), "managers see all")
        # a team leader whose teams the rounds did not ask
        self.campaign.team_ids = self.team_b
        other_leader = mail_new_test_user(
            self.env, login="role_leader_c", groups="sales_team.group_sale_salesman",
        )
        self.env["crm.team"].create({"name": "Team C", "user_id": other_leader.id})
        self.assertIn("No closed round asked the teams you lead yet", self._pulse_help(other_leader))
        rows = self.call_kw(self.leader, "sales.pulse.report", "search_read", [[]], {"fields": ["team_id"]})
        self.assertEqual({row["team_id"][0] for row in rows}, {self.team_a.id}, "a leader sees their team")
