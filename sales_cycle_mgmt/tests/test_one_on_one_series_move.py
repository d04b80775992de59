from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .http_common import ExternalApiCase


@tagged("post_install", "-at_install")
class TestOneOnOneSeriesExternal(ExternalApiCase):
    """A member of two series (with two managers) cannot move a session or a
    topic from one to the other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        salesman = "sales_team.group_sale_salesman"
        cls.leader = new_test_user(cls.env, login="ext_oo_leader", groups=f"{salesman}_all_leads")
        cls.other_manager = new_test_user(cls.env, login="ext_oo_other", groups=salesman)
        cls.member = new_test_user(cls.env, login="ext_oo_member", groups=salesman)
        first = fields.Datetime.now() + timedelta(days=2)
        Series = cls.env["sales.one.on.one"]
        cls.series_a = Series.create({"manager_id": cls.leader.id, "member_id": cls.member.id,
                                      "team_id": False, "first_date": first})
        cls.series_b = Series.create({"manager_id": cls.other_manager.id, "member_id": cls.member.id,
                                      "team_id": False, "first_date": first + timedelta(hours=3)})
        cls.session_a = cls.series_a.session_ids
        cls.session_b = cls.series_b.session_ids
        cls.topic = cls.env["sales.one.on.one.topic"].create({
            "session_id": cls.session_a.id, "name": "Targets",
        })

    def test_member_cannot_move_a_session_to_another_series(self):
        error = self.call_kw_error(self.member, "sales.one.on.one.session", "write", [
            self.session_a.ids, {"series_id": self.series_b.id},
        ])
        self.assertIn("AccessError", error)
        self.env.invalidate_all()
        self.assertEqual(self.session_a.series_id, self.series_a)
        self.assertEqual(self.session_a.manager_id, self.leader)

    def test_member_cannot_move_a_topic_to_another_series(self):
        Topic = "sales.one.on.one.topic"
        for vals in (
            {"series_id": self.series_b.id, "session_id": self.session_b.id},
            {"session_id": self.session_b.id},
        ):
            with self.subTest(vals=vals):
                error = self.call_kw_error(self.member, Topic, "write", [self.topic.ids, vals])
                self.assertIn("AccessError", error)
                self.env.invalidate_all()
                self.assertEqual(self.topic.series_id, self.series_a)
                self.assertEqual(self.topic.session_id, self.session_a)

    def test_superuser_moves_them(self):
        self.topic.write({"session_id": self.session_b.id})
        self.assertEqual(self.topic.series_id, self.series_b)
        self.session_a.write({"series_id": self.series_b.id})
        self.assertEqual(self.session_a.manager_id, self.other_manager)
