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
        people = {
            "manager": ("oo_manager", "Olivia Manager", "sales_team.group_sale_salesman_all_leads"),
            "member": ("oo_member", "Mike Member", "sales_team.group_sale_salesman"),
            "member2": ("oo_member2", "Mona Member", "sales_team.group_sale_salesman"),
            "other_rep": ("oo_other", "Oscar Other", "sales_team.group_sale_salesman"),
            "sales_admin": ("oo_admin", "Ada Admin", "sales_team.group_sale_manager"),
        }
        for attr, (login, name, groups) in people.items():
            email = f"{name.split()[0].lower()}@example.com"
            setattr(cls, attr, new_test_user(cls.env, login=login, name=name, email=email, groups=groups))
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
