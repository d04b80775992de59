import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestCycleReports(SalesCycleCommon):
    """Report figures against values computed here from leads moved at known times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t0 = datetime(2026, 5, 4, 9, 0, 0)
        cls.Report = cls.env["sales.cycle.report"]
        cls.StageReport = cls.env["sales.cycle.stage.report"]

    def _move(self, lead, stage, days):
        with self.mock_datetime_and_now(self.t0 + timedelta(days=days)):
            lead.write({"stage_id": stage.id})

    def _scenario(self):
        """A: 1 -> gen_1 (2d) -> team1_2 (3d) -> won (day 10): forward all the way.
        B: 1 -> team1_2 (skips gen_1, day 4) -> gen_1 (back, day 6) -> lost (day 8).
        C: 1 -> gen_1 (day 1), still open."""
        with self.mock_datetime_and_now(self.t0):
            a, b, c = self._create_opportunities(3, expected_revenue=1000, probability=50)
        self._move(a, self.stage_gen_1, 2)
        self._move(a, self.stage_team1_2, 5)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=10)):
            a.action_set_won()
        self._move(b, self.stage_team1_2, 4)
        self._move(b, self.stage_gen_1, 6)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=8)):
            b.action_set_lost()
        self._move(c, self.stage_gen_1, 1)
        self.env.flush_all()
        return a, b, c

    def test_cycle_report_per_lead(self):
        a, b, c = self._scenario()
        rows = {r.lead_id: r for r in self.Report.search([("lead_id", "in", (a | b | c).ids)])}
        self.assertEqual(rows[a].won_status, "won")
        self.assertAlmostEqual(rows[a].cycle_days, 10.0, places=3)
        self.assertEqual(rows[a].stage_changes, 3)
        self.assertEqual(rows[a].backward_moves, 0)
        self.assertEqual(rows[b].won_status, "lost")
        self.assertAlmostEqual(rows[b].cycle_days, 8.0, places=3)
        self.assertEqual(rows[b].stage_changes, 2, "to team1_2, back to gen_1; lost is no move")
        self.assertEqual(rows[b].backward_moves, 1)
        self.assertEqual(rows[c].won_status, "pending")
        self.assertGreater(rows[c].cycle_days, 200, "open: counted up to now")
        [(win_rate, won)] = self.Report._read_group(
            [("lead_id", "in", (a | b | c).ids)], [], ["win_rate:avg", "won_count:sum"]
        )
        self.assertEqual((win_rate, won), (50.0, 1), "1 won of 2 closed; open leads do not count")
        self.assertEqual(rows[c].prorated_revenue, 500.0)

    def test_cycle_report_counts_each_lead_by_its_status_and_type(self):
        """Open, won, lost and closed count opportunities only, an archived open
        one in none of them, and the days to win are the won ones' cycle."""
        with self.mock_datetime_and_now(self.t0):
            won, lost, open_, archived, lead_lost = self._create_opportunities(5)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=6)):
            won.action_set_won()
            lost.action_set_lost()
            archived.active = False
            lead_lost.type = "lead"
            lead_lost.action_set_lost()
        self.env.flush_all()
        fields = ["open_count", "won_count", "lost_count", "closed_count"]
        rows = {r.lead_id: r for r in self.Report.with_context(active_test=False).search(
            [("lead_id", "in", (won | lost | open_ | archived | lead_lost).ids)])}
        self.assertEqual({lead: [rows[lead][f] for f in fields] for lead in rows}, {
            won: [0, 1, 0, 1], lost: [0, 0, 1, 1], open_: [1, 0, 0, 0],
            archived: [0, 0, 0, 0], lead_lost: [0, 0, 0, 0],
        })
        self.assertAlmostEqual(rows[won].days_to_win, 6.0, places=3)
        self.assertAlmostEqual(rows[won].days_to_win, rows[won].cycle_days, places=6)
        self.assertEqual([lead for lead in rows if rows[lead].days_to_win], [won])

    @contextmanager
    def _statements(self):
        statements = []
        yield from self._patchExecute(statements)

    def test_cycle_report_pivot_takes_win_rate_and_lead_count_from_the_sums_it_reads(self):
        """Each aggregate over every lead costs per row: the pivot's win rate is
        its won over closed sums and its lead count its count, the same figures
        as the average of the per-lead rates, without aggregates of their own."""
        a, b, c = self._scenario()
        d, e = self._create_opportunities(2)
        e.action_set_won()
        d.type = "lead"
        d.action_set_lost()  # lost before it was qualified: no lost deal
        domain = [("lead_id", "in", (a | b | c | d | e).ids)]
        measures = ["lead_count:sum", "win_rate:avg", "won_count:sum", "closed_count:sum", "__count"]
        with self._statements() as statements:
            [groups] = self.Report.formatted_read_grouping_sets(domain, [[]], measures)
        [select] = [q for q in statements if "GROUP" in q]
        aggregates = set(re.findall(r"\b(?:SUM|AVG|COUNT)\([^)]*\)", select.split(" FROM ")[0]))
        self.assertEqual(aggregates, {
            "COUNT(*)", 'SUM("sales_cycle_report"."won_count")', 'SUM("sales_cycle_report"."closed_count")',
        }, select)
        self.assertEqual((groups[0]["lead_count:sum"], groups[0]["__count"]), (5, 5))
        # the figures themselves, below the minimum sample the pivot asks for
        [(count, win_rate, won, closed)] = self.Report._read_group(
            domain, [], ["lead_count:sum", "win_rate:avg", "won_count:sum", "closed_count:sum"]
        )
        rates = [row.win_rate for row in self.Report.search(domain) if row.closed_count]
        self.assertEqual(len(rates), 3, "a and e won, b lost")
        self.assertEqual(win_rate, sum(rates) / len(rates))
        self.assertEqual((count, won, closed), (5, 2, 3))

    def test_stage_report_next_stage_conversion_and_losses(self):
        a, b, c = self._scenario()
        rows = self.StageReport.search([("lead_id", "in", (a | b | c).ids)], order="lead_id, date_in")
        by_lead = {lead: rows.filtered(lambda r, lead=lead: r.lead_id == lead) for lead in (a, b, c)}
        self.assertEqual(by_lead[a].mapped("next_stage_id"),
                         self.stage_gen_1 | self.stage_team1_2 | a.stage_id)
        self.assertEqual(by_lead[a].mapped("outcome"), ["forward", "forward", "forward", "won"])
        self.assertEqual(by_lead[b].mapped("outcome"), ["forward", "backward", "lost"])
        self.assertEqual(by_lead[c].mapped("outcome"), ["forward", "open"])
        open_stay = by_lead[c][-1]
        self.assertGreater(open_stay.duration_days, 200, "an open stay counts up to now")

        groups = {
            stage: (rate, lost) for stage, rate, lost in self.StageReport._read_group(
                [("lead_id", "in", (a | b | c).ids)], ["stage_id"],
                ["conversion_rate:avg", "lost_count:sum"],
            )
        }
        # stage 1: a, b and c all moved on
        self.assertEqual(groups[self.stage_team1_1], (100.0, 0))
        # team1_2: a went forward, b went back
        self.assertEqual(groups[self.stage_team1_2], (50.0, 0))
        # gen_1: a forward, b lost there, c still there (not counted)
        self.assertEqual(groups[self.stage_gen_1], (50.0, 1))

    def test_reopened_after_lost_continues(self):
        with self.mock_datetime_and_now(self.t0):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=2)):
            lead.action_set_lost()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=5)):
            lead.action_unarchive()
            lead.write({"stage_id": self.stage_team1_2.id})
        self.env.flush_all()
        row = self.Report.search([("lead_id", "=", lead.id)])
        self.assertEqual(row.won_status, "pending")
        outcomes = self.StageReport.search([("lead_id", "=", lead.id)], order="date_in").mapped("outcome")
        self.assertEqual(outcomes, ["forward", "open"])

    def test_salesperson_reads_own_rows_and_companies_never_mix(self):
        mine = self._create_opportunities(1)
        theirs = self._create_opportunities(1, user=self.user_sales_leads)
        company_2 = self.env["res.company"].create({"name": "SCM Second Company"})
        other_company = self.env["crm.lead"].create({
            "name": "Company 2 deal", "type": "opportunity", "user_id": False,
            "company_id": company_2.id, "team_id": False,
        })
        self.env.flush_all()
        for Model in (self.Report, self.StageReport):
            seen = Model.with_user(self.user_sales_salesman).search([]).mapped("lead_id")
            self.assertIn(mine, seen)
            self.assertNotIn(theirs, seen)
            # unassigned, so only the company rule keeps it out
            self.assertNotIn(other_company, seen, "a company the user is not in")
            manager_seen = Model.with_user(self.user_sales_manager).search([]).mapped("lead_id")
            self.assertIn(theirs, manager_seen)


@tagged("post_install", "-at_install")
class TestFunnelAndSnapshots(SalesCycleCommon):
    def test_funnel_counts_skipped_phases_and_backward_moves_once(self):
        # phases: team1_1 Prospecting (10), gen_1 Qualification (20), team1_2 Proposal (40)
        a, b, c = self._create_opportunities(3)
        a.stage_id = self.stage_gen_1
        a.stage_id = self.stage_team1_2            # through every phase
        b.stage_id = self.stage_team1_2            # skips Qualification
        b.stage_id = self.stage_gen_1              # then goes back
        self.env.flush_all()
        Funnel = self.env["sales.cycle.funnel.report"]
        domain = [("lead_id", "in", (a | b | c).ids)]
        rows = {
            phase: (count, rate, skipped)
            for phase, count, rate, skipped in Funnel._read_group(
                domain, ["cycle_phase_id"], ["lead_count:sum", "conversion_rate:avg", "skipped:sum"]
            )
        }
        self.assertEqual(rows[self.phase_prospecting][:2], (3, 100.0))
        self.assertEqual(rows[self.phase_qualification], (2, 200 / 3, 0))
        self.assertEqual(rows[self.phase_proposal][0], 2, "b counts once despite going back")
        needs = self.env.ref("sales_cycle_mgmt.phase_needs_analysis")
        self.assertEqual(rows[needs], (2, 200 / 3, 2), "no stage in it: reached by skipping")
        self.assertEqual(rows[self.phase_closing][0], 0)
        phases_in_order = [p for p, *_ in Funnel._read_group(domain, ["cycle_phase_id"], [])]
        self.assertEqual(phases_in_order, sorted(phases_in_order, key=lambda p: p.sequence), "funnel order")

    def test_snapshots_and_what_changed_between_them(self):
        lead, steady = self._create_opportunities(
            2, expected_revenue=1000, date_deadline="2026-06-30"
        )
        Snapshot = self.env["sales.cycle.snapshot"]
        with self.mock_datetime_and_now(datetime(2026, 6, 1, 8)):
            self.assertEqual(Snapshot._cron_take(), Snapshot.search_count([("date", "=", "2026-06-01")]))
            self.assertEqual(Snapshot._cron_take(), 0, "the same day twice adds nothing")
        lead.write({"stage_id": self.stage_team1_2.id, "expected_revenue": 800,
                    "date_deadline": "2026-07-31"})
        with self.mock_datetime_and_now(datetime(2026, 6, 8, 8)):
            Snapshot._cron_take()
        second = Snapshot.search([("lead_id", "=", lead.id), ("date", "=", "2026-06-08")])
        self.assertRecordValues(second, [{
            "previous_date": date(2026, 6, 1), "previous_stage_id": self.stage_team1_1.id,
            "previous_revenue": 1000.0, "previous_deadline": date(2026, 6, 30),
        }])
        lead.write({"stage_id": self.stage_gen_1.id, "date_deadline": "2026-08-31"})
        with self.mock_datetime_and_now(datetime(2026, 6, 15, 8)):
            Snapshot._cron_take()
        self.env.flush_all()
        Change = self.env["sales.cycle.snapshot.change"]
        changes = Change.search([("lead_id", "=", lead.id)], order="date")
        self.assertEqual(changes.mapped("stage_move"), ["forward", "backward"])
        self.assertEqual(changes.mapped("amount_change"), [-200.0, 0.0])
        self.assertEqual(changes.mapped("amount_trend"), ["down", "same"])
        [(pushed,)] = Change._read_group([("lead_id", "=", lead.id)], [], ["closing_pushed:sum"])
        self.assertEqual(pushed, 2, "pushed twice")
        steady_changes = Change.search([("lead_id", "=", steady.id)])
        self.assertEqual(set(steady_changes.mapped("stage_move")), {"same"})
        self.assertEqual(sum(steady_changes.mapped("closing_pushed")), 0)

    def test_snapshot_changes_order_stages_as_the_pipeline_does(self):
        """Two stages of the same sequence: the pipeline orders them by id, and
        so do the stage history and the changes between snapshots."""
        first = self.env["crm.stage"].create({"name": "Twin A", "sequence": 4})
        second = self.env["crm.stage"].create({"name": "Twin B", "sequence": 4})
        lead = self._create_opportunities(1, stage=first)
        Snapshot = self.env["sales.cycle.snapshot"]
        with self.mock_datetime_and_now(datetime(2026, 6, 1, 8)):
            Snapshot._cron_take()
        lead.stage_id = second
        with self.mock_datetime_and_now(datetime(2026, 6, 8, 8)):
            Snapshot._cron_take()
        self.env.flush_all()
        change = self.env["sales.cycle.snapshot.change"].search([("lead_id", "=", lead.id)])
        self.assertEqual((change.stage_move, change.forward_count, change.backward_count), ("forward", 1, 0))
        self.assertEqual(self._stays(lead)[-1].direction, "forward")

    def test_days_in_stage_count_pipeline_stages_only(self):
        with self.mock_datetime_and_now(datetime(2026, 1, 5, 9)):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(datetime(2026, 1, 7, 9)):
            lead.stage_id = self.stage_team1_2
        with self.mock_datetime_and_now(datetime(2026, 1, 10, 9)):
            lead.action_set_won()  # weeks ago: its stay in Won has lasted since
        self.env.flush_all()
        rows = self.env["sales.cycle.stage.report"].search([("lead_id", "=", lead.id)])
        won_stay = rows.filtered(lambda row: row.stage_id.is_won)
        self.assertTrue(won_stay)
        self.assertFalse(won_stay.duration_days, "won: no longer in the pipeline")
        self.assertTrue((rows - won_stay).filtered("duration_days"))

    def test_report_views_open_on_what_reads_right(self):
        def arch(model, kind):
            return etree.fromstring(self.env[model].get_views([(False, kind)])["views"][kind]["arch"])

        funnel = arch("sales.cycle.funnel.report", "graph")
        self.assertIsNone(funnel.get("order"), "bars in funnel order, not by size")
        self.assertEqual(arch("sales.pulse.report", "graph").get("stacked"), "0", "trend lines side by side")
        conversion = arch("sales.cycle.stage.report", "pivot")
        self.assertFalse(conversion.xpath("//field[@type='col']"), "no column per outcome")
        self.assertEqual(conversion.xpath("//field[@type='measure']/@name")[0], "conversion_rate")


@tagged("post_install", "-at_install")
class TestVelocity(SalesCycleCommon):
    def test_velocity_and_its_four_parts_per_salesperson(self):
        t0 = datetime(2026, 4, 1, 9)
        with self.mock_datetime_and_now(t0):
            won_a, won_b, lost, *still_open = self._create_opportunities(5)
        won_a.expected_revenue, won_b.expected_revenue = 1000, 3000
        with self.mock_datetime_and_now(t0 + timedelta(days=10)):
            won_a.action_set_won()
        with self.mock_datetime_and_now(t0 + timedelta(days=30)):
            won_b.action_set_won()
            lost.action_set_lost()
        wizard = self.env["sales.cycle.velocity"].with_user(self.user_sales_salesman).create({
            "date_from": "2026-04-01", "date_to": "2026-05-31", "group_by": "user",
        })
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda line: line.user_id == self.user_sales_salesman)
        open_count = self.env["crm.lead"].search_count([
            ("user_id", "=", self.user_sales_salesman.id), ("type", "=", "opportunity"),
            ("won_status", "=", "pending"),
        ])
        self.assertGreaterEqual(open_count, len(still_open))
        self.assertEqual(line.open_count, open_count)
        self.assertAlmostEqual(line.win_rate, 200 / 3, places=1)
        self.assertEqual(line.avg_won_revenue, 2000.0)
        self.assertAlmostEqual(line.avg_cycle_days, 20.0, places=3)
        self.assertEqual((line.closed_count, line.won_count), (3, 2))
        # three closed deals are under the minimum sample: the parts, no velocity
        self.assertFalse(line.velocity_enough)
        self.assertEqual(line.velocity, 0.0)

    def test_period_must_start_before_it_ends(self):
        with self.assertRaisesRegex(ValidationError, "start before it ends"):
            self.env["sales.cycle.velocity"].create({"date_from": "2026-05-01", "date_to": "2026-04-01"})
