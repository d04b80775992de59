from datetime import datetime, timedelta

from odoo.tests import tagged

from ..models.sales_cycle_stage_summary import SUMMARY_KEYS
from .common import SalesCycleCommon
from .http_common import ExternalApiCase

KEYS = ", ".join(SUMMARY_KEYS)
TIME_IN_STAGE = (["stage_id"], ["duration_days:avg", "max_duration_days:max", "__count"])
STAGE_REPORT = (["stage_id"], ["stay_count:sum", "duration_days:avg", "conversion_rate:avg",
                               "lost_count:sum", "timed_count:sum", "ended_count:sum"])
# the longest stay, open ones included, is not summed up: read row by row
STAGE_REPORT_LONGEST = (["stage_id", "outcome"], ["stay_count:sum", "max_duration_days:max"])
# a domain true of every stay that the summary cannot answer: the stays themselves are read
ROW_BY_ROW = [("lead_id", "!=", False)]


class StageSummaryCase(SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t0 = datetime(2026, 3, 2, 9, 0, 0)
        cls.StageReport = cls.env["sales.cycle.stage.report"]

    def _move(self, leads, stage, days):
        with self.mock_datetime_and_now(self.t0 + timedelta(days=days)):
            leads.write({"stage_id": stage.id})

    def _pipeline(self):
        """Five leads moved forward and back over three weeks; one won, one lost."""
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(5)
        a, b, c, d, e = leads
        self._move(leads, self.stage_gen_1, 1)
        self._move(a | b | c, self.stage_team1_2, 3)
        self._move(b, self.stage_gen_1, 4)  # back
        self._move(c, self.stage_team1_1, 6)  # back, two stages
        self._move(d, self.stage_team1_2, 9)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=12)):
            a.action_set_won()
            b.action_set_lost()
        self._move(e, self.stage_team1_2, 20)
        self.env.flush_all()
        return leads

    def _moved_deal_of_another_company(self):
        """A deal of a second company, which the sales manager is not in, moved once."""
        company = self.env["res.company"].create({"name": "SCM Summary Company"})
        other = self.env["crm.lead"].create({
            "name": "Company 2 deal", "type": "opportunity", "user_id": False, "team_id": False,
            "company_id": company.id, "stage_id": self.stage_team1_1.id,
        })
        self._move(other, self.stage_gen_1, 2)
        return company

    def assertSummaryExact(self):
        """Bucket by bucket, the summary holds what its stays sum up to: open
        ones counted, ended ones with their time."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(f"""
            SELECT {KEYS}, sum(stay_count), sum(days_count), round(sum(days_sum)::numeric, 6), max(days_max),
                   round(sum(date_in_sum)::numeric, 3)
              FROM sales_cycle_stage_summary GROUP BY {KEYS} HAVING sum(stay_count) != 0
        """)
        summary = {row[:-5]: tuple(row[-5:]) for row in cr.fetchall()}
        cr.execute(f"""
            SELECT {KEYS}, count(*), count(duration_days), round(sum(duration_days)::numeric, 6),
                   max(duration_days),
                   round(COALESCE(sum(EXTRACT(EPOCH FROM date_in)) FILTER (WHERE date_out IS NULL),
                                  0)::numeric, 3)
              FROM sales_cycle_stage_history WHERE date_out IS NULL OR duration_days IS NOT NULL
          GROUP BY {KEYS}
        """)
        stays = {row[:-5]: tuple(row[-5:]) for row in cr.fetchall()}
        self.assertTrue(stays, "the scenario ended stays")
        self.assertEqual(summary, stays)

    def assertSameGroups(self, model, spec, user=None, summed=True):
        """The pivot's groups read from the summary are the ones read row by row
        (``summed``: the summary answers, not the rows, as the rules allow)."""
        model = model.with_user(user) if user else model
        groupby, aggregates = spec
        self.assertEqual(model._rollup_applies([], groupby, aggregates), summed)
        self.assertFalse(model._rollup_applies(ROW_BY_ROW, groupby, aggregates))
        groups = model._read_group([], groupby, aggregates)
        row_by_row = model._read_group(ROW_BY_ROW, groupby, aggregates)
        self.assertTrue(groups)
        self.assertEqual(len(groups), len(row_by_row))
        for got, expected in zip(groups, row_by_row, strict=True):
            self.assertEqual(got[0], expected[0])
            for value, reference in zip(got[1:], expected[1:], strict=True):
                if isinstance(reference, float):
                    self.assertAlmostEqual(value, reference, places=6)
                else:
                    self.assertEqual(value, reference)
        return groups


@tagged("post_install", "-at_install")
class TestStageSummary(StageSummaryCase):
    def test_moves_wins_and_losses_keep_the_summary_exact(self):
        leads = self._pipeline()
        self.assertSummaryExact()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=25)):
            leads[1].toggle_active()  # the lost lead comes back
            leads[1].write({"stage_id": self.stage_team1_2.id})
        self.assertSummaryExact()
        for model, spec in ((self.History, TIME_IN_STAGE), (self.StageReport, STAGE_REPORT)):
            self.assertSameGroups(model, spec)
            self.assertSameGroups(model, spec, user=self.user_sales_manager)
        self.assertSameGroups(self.StageReport, STAGE_REPORT_LONGEST, summed=False)

    def test_current_stays_of_won_lost_and_restored_deals_by_outcome(self):
        by_outcome = (["outcome"], ["stay_count:sum", "duration_days:avg", "lost_count:sum",
                                    "conversion_rate:avg", "timed_count:sum", "ended_count:sum"])

        def stays_by_outcome():
            groups = self.assertSameGroups(self.StageReport, by_outcome)
            return {outcome: count for outcome, count, *_rest in groups}

        before = stays_by_outcome()
        leads = self._pipeline()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=30)):
            after = stays_by_outcome()
            self.assertEqual(after.get("lost", 0), before.get("lost", 0) + 1)
            self.assertEqual(after.get("won", 0), before.get("won", 0) + 1)
            leads[1].action_unarchive()
            self.assertEqual(stays_by_outcome().get("lost", 0), before.get("lost", 0))
            leads[2].action_set_lost()
            self.assertEqual(stays_by_outcome().get("lost", 0), before.get("lost", 0) + 1)
        self.assertSummaryExact()

    def test_merges_deletions_and_deleted_stages_keep_the_summary_exact(self):
        leads = self._pipeline()
        a, b, c, d, e = leads
        # the longest stay of its bucket goes with its lead: the bucket is summed again
        with self.mock_datetime_and_now(self.t0 - timedelta(days=300)):
            old = self._create_opportunities(1)
        self._move(old, self.stage_gen_1, 1)
        self._move(old, self.stage_team1_2, 2)
        self.assertSummaryExact()
        old.unlink()
        self.assertSummaryExact()
        (c | d).merge_opportunity()
        self.assertSummaryExact()
        e.unlink()
        self.assertSummaryExact()
        # a stage that has stays but no lead any more: its stays lose it
        stage = self.env["crm.stage"].create({"name": "Short-lived", "sequence": 4})
        self._move(a | b, stage, 30)
        self._move(a | b, self.stage_team1_2, 31)
        self.assertSummaryExact()
        stage.unlink()
        self.assertSummaryExact()
        self.assertSameGroups(self.History, TIME_IN_STAGE)
        self.assertSameGroups(self.StageReport, STAGE_REPORT)

    def test_compaction_and_rebuild_keep_the_figures(self):
        self._pipeline()
        Summary = self.env["sales.cycle.stage.summary"]
        before = self.assertSameGroups(self.StageReport, STAGE_REPORT)
        self.env.cr.execute(f"SELECT count(DISTINCT ({KEYS})) FROM sales_cycle_stage_summary")
        buckets = self.env.cr.fetchone()[0]
        Summary._cron_compact()
        self.env.cr.execute("SELECT count(*) FROM sales_cycle_stage_summary")
        self.assertLessEqual(self.env.cr.fetchone()[0], buckets, "one row per bucket at most")
        self.assertSummaryExact()
        self.assertEqual(self.assertSameGroups(self.StageReport, STAGE_REPORT), before)
        Summary._rebuild()
        self.assertSummaryExact()
        self.assertEqual(self.assertSameGroups(self.StageReport, STAGE_REPORT), before)

    def test_backfill_and_bulk_stays_are_summed_up(self):
        leads = self._pipeline()
        self.env.cr.execute("DELETE FROM sales_cycle_stage_history WHERE lead_id = ANY(%s)", [leads.ids])
        self.assertSummaryExact()
        # stays written in bulk, closed, before their way out is derived
        self.env.cr.execute("""
            INSERT INTO sales_cycle_stage_history (lead_id, stage_id, date_in, date_out,
                                                   duration_days, max_duration_days, direction)
            SELECT l.id, s.id, %s, %s, 2.5, 2.5, 'first' FROM crm_lead l, crm_stage s
             WHERE l.id = ANY(%s) AND s.id = %s
        """, [self.t0, self.t0 + timedelta(days=2.5), leads.ids, self.stage_gen_1.id])
        self.assertSummaryExact()
        self.assertSameGroups(self.StageReport, STAGE_REPORT)
        self.History._recompute_lead_figures(leads.ids)
        self.assertSummaryExact()
        self.assertSameGroups(self.History, TIME_IN_STAGE)
        self.assertSameGroups(self.StageReport, STAGE_REPORT)

    def test_salesperson_and_other_company_read_their_own_rows(self):
        """Rules on the lead's salesperson cannot be answered from the summary: a
        salesperson reads their stays; a company rule can, and keeps companies apart."""
        mine = self._create_opportunities(2)
        theirs = self._create_opportunities(2, user=self.user_sales_leads)
        self._move(mine | theirs, self.stage_gen_1, 1)
        self._moved_deal_of_another_company()
        self.env.flush_all()
        for model, spec in ((self.History, TIME_IN_STAGE), (self.StageReport, STAGE_REPORT)):
            as_rep = model.with_user(self.user_sales_salesman)
            [(count,)] = as_rep._read_group([("stage_id", "=", self.stage_team1_1.id)], [], [spec[1][-1]
                                            if model is self.History else "stay_count:sum"])
            expected = model.with_user(self.user_sales_salesman).search_count(
                [("stage_id", "=", self.stage_team1_1.id)])
            self.assertEqual(count, expected)
            self.assertSameGroups(model, spec, user=self.user_sales_manager)
            self.assertSameGroups(model, spec, user=self.user_sales_salesman, summed=False)


@tagged("post_install", "-at_install")
class TestStageSummaryAccess(ExternalApiCase, StageSummaryCase):
    """Through the web client's JSON-RPC, as each role."""

    def _groups(self, user, model, spec):
        groupby, aggregates = spec
        result = self.call_kw(user, model, "formatted_read_group", [[], groupby, aggregates])
        return {(g["stage_id"] or [False])[0]: g for g in result}

    def test_the_pivot_and_graph_requests_of_a_manager_read_the_summary(self):
        self._pipeline()
        # what the views ask: the pivot's measures, the graph's, and the sample sizes
        # the report base adds to every average
        requests = [
            ("sales.cycle.stage.history", "formatted_read_grouping_sets",
             [[], [["stage_id"]], ["duration_days:avg", "max_duration_days:max", "__count"]]),
            ("sales.cycle.stage.report", "formatted_read_grouping_sets",
             [[], [["stage_id"]], ["conversion_rate:avg", "stay_count:sum", "duration_days:avg",
                                   "__count"]]),
            ("sales.cycle.stage.report", "formatted_read_group",
             [[], ["stage_id"], ["conversion_rate:avg"]]),
        ]
        for model, method, args in requests:
            with self.subTest(model=model, method=method), self.env.cr._enable_logging(), \
                    self.assertLogs("odoo.sql_db", "DEBUG") as logs:
                summed = self.call_kw(self.user_sales_manager, model, method, args)
            self.assertTrue(any("sales_cycle_stage_summary" in line for line in logs.output),
                            f"{model}.{method} read the stays one by one")
            args = [ROW_BY_ROW, *args[1:]]
            self.assertAlmostSame(summed, self.call_kw(self.user_sales_manager, model, method, args))

    def assertAlmostSame(self, got, expected):
        """Equal but for floats within a second and a half (in days, or %): the
        current stays run until each request's now."""
        if isinstance(expected, float):
            self.assertAlmostEqual(got, expected, delta=2e-5)
        elif isinstance(expected, (list, tuple)):
            self.assertEqual(len(got), len(expected))
            for g, e in zip(got, expected, strict=True):
                self.assertAlmostSame(g, e)
        elif isinstance(expected, dict):
            self.assertEqual(got.keys(), expected.keys())
            for key, value in expected.items():
                self.assertAlmostSame(got[key], value)
        else:
            self.assertEqual(got, expected)

    def test_pivot_groups_follow_the_record_rules(self):
        mine = self._create_opportunities(2)
        theirs = self._create_opportunities(3, user=self.user_sales_leads)
        self._move(mine | theirs, self.stage_gen_1, 1)
        self._move(mine | theirs, self.stage_team1_2, 4)
        company_2 = self._moved_deal_of_another_company()
        self.env.flush_all()
        for model, spec, count in (("sales.cycle.stage.history", TIME_IN_STAGE, "__count"),
                                   ("sales.cycle.stage.report", STAGE_REPORT, "stay_count:sum")):
            Model = self.env[model]
            ended = [("stage_id", "=", self.stage_team1_1.id)]
            rep = self._groups(self.user_sales_salesman, model, spec)
            self.assertEqual(rep[self.stage_team1_1.id][count],
                             Model.with_user(self.user_sales_salesman).search_count(ended))
            self.assertNotIn(theirs, Model.with_user(self.user_sales_salesman).search([]).lead_id)
            # the manager is not in the second company: its stay stays out
            manager = self._groups(self.user_sales_manager, model, spec)
            in_company = Model.with_user(self.user_sales_manager).search_count(ended)
            self.assertEqual(manager[self.stage_team1_1.id][count], in_company)
            self.assertEqual(
                in_company, Model.sudo().search_count(ended + [("company_id", "!=", company_2.id)]))
            self.assertGreater(Model.sudo().search_count(ended), in_company)
