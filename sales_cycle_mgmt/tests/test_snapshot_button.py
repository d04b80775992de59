from datetime import date

from odoo import api
from odoo.fields import Date
from odoo.tests import tagged

from .common import SalesCycleCommon
from .http_common import ExternalApiCase


@tagged("post_install", "-at_install")
class TestTakeSnapshotNow(SalesCycleCommon, ExternalApiCase):
    """Sales managers take today's pipeline snapshot from its list, with the
    code of the weekly cron; salespeople cannot, whatever interface they use."""

    def test_manager_takes_todays_snapshot_once(self):
        leads = self._create_opportunities(3)
        Snapshot = self.env["sales.cycle.snapshot"]
        action = self.call_kw(self.user_sales_manager, "sales.cycle.snapshot", "action_take_snapshot", [[]])
        today = Date.context_today(Snapshot)
        taken = Snapshot.search([("date", "=", today)])
        self.assertEqual(taken.lead_id & leads, leads)
        expected = self.env["crm.lead"].search_count([
            ("type", "=", "opportunity"), ("won_status", "=", "pending"),
        ])
        self.assertEqual(len(taken), expected)
        self.assertIn(str(expected), action["params"]["message"])
        again = self.call_kw(self.user_sales_manager, "sales.cycle.snapshot", "action_take_snapshot", [[]])
        self.assertIn("already taken", again["params"]["message"])
        self.assertEqual(Snapshot.search_count([("date", "=", today)]), expected)
        self.assertEqual(Snapshot._cron_take(), 0, "the weekly cron the same day adds nothing either")

    def test_the_list_button_takes_it_as_the_web_client_calls_it(self):
        """The header button with no row selected: /web/dataset/call_button
        with no ids, as the list view sends it."""
        self._create_opportunities(2)
        self._login(self.user_sales_manager)
        response = self.url_open("/web/dataset/call_button/sales.cycle.snapshot/action_take_snapshot", json={
            "jsonrpc": "2.0", "method": "call", "id": None,
            "params": {"model": "sales.cycle.snapshot", "method": "action_take_snapshot",
                       "args": [[]], "kwargs": {"context": {}}},
        })
        body = response.json()
        self.assertNotIn("error", body, body.get("error", {}).get("data"))
        self.assertEqual(body["result"]["tag"], "display_notification")
        self.assertTrue(self.env["sales.cycle.snapshot"].search_count([]))

    def test_salesperson_cannot_take_a_snapshot(self):
        self._create_opportunities(2)
        for user in (self.user_sales_salesman, self.user_sales_leads):
            with self.subTest(user=user.login):
                error = self.call_kw_error(user, "sales.cycle.snapshot", "action_take_snapshot", [[]])
                self.assertIn("AccessError", error)
                self.assertIn("Only sales managers", error)
        self.assertFalse(self.env["sales.cycle.snapshot"].search_count([]))

    def test_button_is_on_the_snapshot_list_for_managers(self):
        view = self.env.ref("sales_cycle_mgmt.sales_cycle_snapshot_view_list")
        arch = self.env["sales.cycle.snapshot"].with_user(self.user_sales_manager).get_views(
            [(view.id, "list")])["views"]["list"]["arch"]
        self.assertIn('name="action_take_snapshot"', arch)
        arch = self.env["sales.cycle.snapshot"].with_user(self.user_sales_salesman).get_views(
            [(view.id, "list")])["views"]["list"]["arch"]
        self.assertNotIn('name="action_take_snapshot"', arch)



@tagged("post_install", "-at_install")
class TestTakeSnapshotConcurrency(SalesCycleCommon):
    def test_a_snapshot_being_taken_elsewhere_is_not_taken_twice(self):
        """Two takers at once (two clicks, a click and the cron): while one
        transaction takes it, the other one returns at once and adds nothing."""
        self._create_opportunities(2)
        with self.registry.cursor() as cr:
            other = api.Environment(cr, self.env.uid, {})["sales.cycle.snapshot"]
            # the leads of this test are not committed: the other one sees none of them
            self.assertEqual(other._take_snapshot(date(2026, 3, 2)), 0)
            # the other transaction still holds its lock
            self.assertIsNone(self.env["sales.cycle.snapshot"]._take_snapshot(date(2026, 3, 2)))
            manager = self.env["sales.cycle.snapshot"].with_user(self.user_sales_manager)
            action = manager.action_take_snapshot()
            self.assertIn("being taken right now", action["params"]["message"])
            cr.rollback()
        self.assertGreater(self.env["sales.cycle.snapshot"]._take_snapshot(date(2026, 3, 2)), 0)
