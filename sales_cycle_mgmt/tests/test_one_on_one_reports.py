from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common_one_on_one import OneOnOneCommon


@tagged("post_install", "-at_install")
class TestOneOnOneReports(OneOnOneCommon):

    def _held(self, series, days_ago, **vals):
        return self.Session.create({
            "series_id": series.id, "state": "held",
            "date": fields.Datetime.now() - timedelta(days=days_ago), **vals,
        })

    def test_coverage_is_the_share_of_members_met(self):
        member3 = self.other_rep
        self.team.member_ids = [(4, member3.id)]
        first = fields.Datetime.now() + timedelta(days=1)
        series = self._series(first_date=first)
        series2 = self._series(member=self.member2, first_date=first)
        self._held(series, 10)
        self._held(series2, 45)
        # member3 has no series: counted as not met
        Report = self.env["sales.one.on.one.coverage.report"]
        rows = Report.search([("manager_id", "=", self.manager.id)])
        self.assertEqual(rows.member_id, self.member | self.member2 | member3)
        self.assertEqual(rows.filtered(lambda r: r.member_id == member3).has_series, False)
        [group] = Report._read_group(
            [("manager_id", "=", self.manager.id)], ["manager_id"],
            ["member_count:sum", "coverage_30:avg", "coverage_60:avg", "coverage_90:avg"],
        )
        self.assertEqual(group[1], 3)
        self.assertAlmostEqual(group[2], 100 / 3)
        self.assertAlmostEqual(group[3], 200 / 3)
        self.assertAlmostEqual(group[4], 200 / 3)
        # the member sees their own row only, another rep nothing of this manager
        self.assertEqual(Report.with_user(self.member).search([]).member_id, self.member)
        self.assertEqual(Report.with_user(self.sales_admin).search_count(
            [("manager_id", "=", self.manager.id)]), 3)

    def test_coaching_topics_per_skill_and_member(self):
        first = fields.Datetime.now() + timedelta(days=1)
        series = self._series(first_date=first)
        series2 = self._series(member=self.member2, first_date=first)
        closing = self.env.ref("sales_cycle_mgmt.coaching_skill_closing")
        discovery = self.env.ref("sales_cycle_mgmt.coaching_skill_discovery")
        for ser, days, skill in ((series, 40, closing), (series, 10, closing),
                                 (series, 11, discovery), (series2, 10, discovery)):
            session = self._held(ser, days)
            self.Topic.create({"session_id": session.id, "name": "Coaching", "skill_id": skill.id,
                               "done": True})
        groups = self.Topic.with_user(self.manager)._read_group(
            [("skill_id", "!=", False)], ["member_id", "skill_id"], ["topic_count:sum"],
        )
        counts = {(m, s): c for m, s, c in groups}
        self.assertEqual(counts, {
            (self.member, closing): 2, (self.member, discovery): 1, (self.member2, discovery): 1,
        })
        # the member follows their own coaching only
        member_groups = self.Topic.with_user(self.member)._read_group(
            [("skill_id", "!=", False)], ["member_id"], ["topic_count:sum"],
        )
        self.assertEqual(member_groups, [(self.member, 3)])
