from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOneOnOnePrivateNotesHttp(HttpCase):
    """What the web client (or any JSON-RPC client) can get: the member's
    session never carries the manager's private notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(cls.env, login="oo_http_manager", password="oo_http_manager",
                                    groups="sales_team.group_sale_salesman_all_leads")
        cls.member = new_test_user(cls.env, login="oo_http_member", password="oo_http_member",
                                   groups="sales_team.group_sale_salesman")
        cls.series = cls.env["sales.one.on.one"].with_user(cls.manager).create({
            "member_id": cls.member.id,
            "first_date": fields.Datetime.now() + timedelta(days=2),
        })
        cls.oo_session = cls.series.session_ids
        cls.oo_session.with_user(cls.manager).private_note = "<p>SECRET-ASSESSMENT</p>"
        cls.note = cls.env["sales.one.on.one.private.note"].search([("session_id", "=", cls.oo_session.id)])

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {},
        })

    def test_member_cannot_read_private_notes_through_rpc(self):
        self.assertTrue(self.note)
        self.authenticate("oo_http_member", "oo_http_member")
        model = "sales.one.on.one.private.note"
        result = self._call_kw(model, "web_search_read", [[]], {"specification": {"body": {}}})
        self.assertEqual(result["length"], 0)
        self.assertEqual(self._call_kw(model, "search_read", [[]], {"fields": ["body"]}), [])
        for method, args, kwargs in (
            ("read", [[self.note.id], ["body"]], {}),
            ("web_read", [[self.note.id]], {"specification": {"body": {}}}),
        ):
            with self.assertRaises(JsonRpcException) as catcher:
                self._call_kw(model, method, args, kwargs)
            self.assertIn("AccessError", catcher.exception.args[0], method)
        # the session form as the member sees it
        session_model = "sales.one.on.one.session"
        spec = {"private_note": {}, "shared_notes": {}, "name": {}}
        records = self._call_kw(session_model, "web_read", [[self.oo_session.id]], {"specification": spec})
        self.assertFalse(records[0]["private_note"])
        result = self._call_kw(session_model, "web_search_read", [[]], {"specification": spec})
        self.assertEqual(result["length"], 1)
        self.assertFalse(result["records"][0]["private_note"])
        read = self._call_kw(session_model, "read", [[self.oo_session.id]])
        self.assertNotIn("SECRET-ASSESSMENT", str(read))

    def test_manager_reads_own_private_notes_through_rpc(self):
        self.authenticate("oo_http_manager", "oo_http_manager")
        records = self._call_kw("sales.one.on.one.session", "web_read", [[self.oo_session.id]],
                                {"specification": {"private_note": {}}})
        self.assertIn("SECRET-ASSESSMENT", records[0]["private_note"])


@tagged("post_install", "-at_install")
class TestOneOnOneTour(HttpCase):
    def test_manager_runs_a_one_on_one_from_my_one_on_ones(self):
        manager = new_test_user(self.env, login="oo_tour_manager", name="Tour Manager",
                                groups="sales_team.group_sale_salesman_all_leads")
        member = new_test_user(self.env, login="oo_tour_member", name="Tour Member",
                               groups="sales_team.group_sale_salesman")
        series = self.env["sales.one.on.one"].with_user(manager).create({
            "member_id": member.id, "first_date": fields.Datetime.now() + timedelta(days=2),
        })
        session = series.session_ids
        self.env["sales.one.on.one.topic"].with_user(member).create({
            "session_id": session.id, "name": "Quarter goals",
        })
        action = self.env.ref("sales_cycle_mgmt.sales_one_on_one_session_action_my")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_one_on_one_tour",
                        login="oo_tour_manager")
        self.assertEqual(session.state, "held")
        topic = series.topic_ids.filtered(lambda t: t.name == "Handling the price objection")
        self.assertEqual(topic.skill_id, self.env.ref("sales_cycle_mgmt.coaching_skill_objection_handling"))
        self.assertEqual(topic.author_id, manager)
        note = self.env["sales.one.on.one.private.note"].search([("session_id", "=", session.id)])
        self.assertIn("enterprise accounts", str(note.body))
        self.assertEqual(note.author_id, manager)
        # both topics, not done, went on to the next session
        self.assertEqual(sorted(series.next_session_id.topic_ids.mapped("name")),
                         ["Handling the price objection", "Quarter goals"])
