from datetime import datetime

from odoo.tests import TransactionCase, new_test_user


class OneOnOneCommon(TransactionCase):
    """A team led by a manager (team leader), two members, another team's rep
    and a sales administrator; times are frozen by the tests around NOW."""

    NOW = datetime(2026, 3, 2, 8, 0, 0)  # a Monday
    FIRST = datetime(2026, 3, 3, 9, 0, 0)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.manager = new_test_user(
            cls.env, login="oo_manager", name="Olivia Manager", email="olivia@example.com",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.member = new_test_user(
            cls.env, login="oo_member", name="Mike Member", email="mike@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.member2 = new_test_user(
            cls.env, login="oo_member2", name="Mona Member", email="mona@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_rep = new_test_user(
            cls.env, login="oo_other", name="Oscar Other", email="oscar@example.com",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_admin = new_test_user(
            cls.env, login="oo_admin", name="Ada Admin", email="ada@example.com",
            groups="sales_team.group_sale_manager",
        )
        cls.team = cls.env["crm.team"].create({
            "name": "One-on-one Team",
            "user_id": cls.manager.id,
            "member_ids": [(6, 0, (cls.member | cls.member2).ids)],
        })
        cls.Series = cls.env["sales.one.on.one"]
        cls.Session = cls.env["sales.one.on.one.session"]
        cls.Topic = cls.env["sales.one.on.one.topic"]
        cls.Note = cls.env["sales.one.on.one.private.note"]

    def _series(self, member=None, **vals):
        return self.Series.with_user(self.manager).create({
            "manager_id": self.manager.id,
            "member_id": (member or self.member).id,
            "team_id": self.team.id,
            "first_date": self.FIRST,
            **vals,
        })

    def _planned(self, series):
        return self.Session.search([("series_id", "=", series.id), ("state", "=", "planned")])
