from datetime import datetime, timedelta

from odoo.tests import tagged

from .content_common import SalesContentCommon


@tagged("post_install", "-at_install")
class TestContentReport(SalesContentCommon):
    """Effectiveness figures against values computed here from leads closed at
    known times, with and without the content."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t0 = datetime(2026, 5, 4, 9, 0, 0)
        cls.Report = cls.env["sales.content.report"]

    def _close(self, lead, won, days):
        with self.mock_datetime_and_now(self.t0 + timedelta(days=days)):
            if won:
                lead.action_set_won()
            else:
                lead.action_set_lost()

    def _scenario(self):
        """All start in stage_team1_1 at t0. A (link twice, won day 10),
        B (link, lost day 8), C (nothing, won day 20), D (nothing, lost day 4),
        E (whitepaper in a meeting, open)."""
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(5, email_from="c@example.com")
        a, b, c, d, e = leads
        self.content_link._record_usage(a | b, "email")
        self.content_link._record_usage(a, "meeting")
        self.content_doc._record_usage(e, "meeting")
        self._close(a, True, 10)
        self._close(b, False, 8)
        self._close(c, True, 20)
        self._close(d, False, 4)
        self.env.flush_all()
        return leads

    def _figures(self, domain, user=None):
        Report = self.Report.with_user(user) if user else self.Report
        [row] = Report._read_group(domain, [], [
            "share_count:sum", "reached_count:count_distinct", "not_reached_count:count_distinct",
            "win_rate_with:avg", "win_rate_without:avg",
            "cycle_days_with:avg", "cycle_days_without:avg", "coverage_rate:avg",
        ])
        return row

    def test_with_and_without_the_content(self):
        leads = self._scenario()
        shares, reached, without, win_with, win_without, days_with, days_without, coverage = self._figures([
            ("lead_id", "in", leads.ids), ("content_id", "=", self.content_link.id),
            ("stage_id", "=", self.stage_team1_1.id),
        ])
        self.assertEqual((shares, reached, without), (3, 2, 3))
        self.assertEqual(win_with, 50.0, "A won, B lost")
        self.assertEqual(win_without, 50.0, "C won, D lost; open E does not count")
        self.assertAlmostEqual(days_with, 9.0, places=3)
        self.assertAlmostEqual(days_without, 12.0, places=3)
        self.assertAlmostEqual(coverage, 60.0, places=3, msg="A, B and E got some content in this stage")
        # content of the stage's phase, used in a meeting only
        shares, reached, without, *_rest = self._figures([
            ("lead_id", "in", leads.ids), ("content_id", "=", self.content_doc.id),
            ("stage_id", "=", self.stage_team1_1.id),
        ])
        self.assertEqual((shares, reached, without), (1, 1, 4))

    def test_per_stage_coverage(self):
        leads = self._scenario()
        groups = dict(self.Report._read_group(
            [("lead_id", "in", leads.ids)], ["stage_id"], ["coverage_rate:avg"]
        ))
        self.assertAlmostEqual(groups[self.stage_team1_1], 60.0, places=3)
        self.assertNotIn(self.stage_team1_won, groups, "no content serves the won stage")

    def test_rows_follow_lead_visibility(self):
        leads = self._scenario()
        with self.mock_datetime_and_now(self.t0):
            other = self._create_opportunities(1, user=self.user_sales_leads)
        self.content_link._record_usage(other, "meeting")
        visible = self.Report.with_user(self.user_sales_salesman).search([]).lead_id
        self.assertEqual(visible, leads | self.lead)
        self.assertNotIn(other, visible)
        self.assertIn(other, self.Report.with_user(self.user_sales_leads).search([]).lead_id)
        self.assertTrue(self.Report.with_user(self.user_sales_manager).formatted_read_group(
            [], ["content_id"], ["share_count:sum"]
        ))
