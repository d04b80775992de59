import json
from datetime import date, datetime, timedelta

from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..cycle_math import MIN_SAMPLE, enough_data
from .content_common import SalesContentCommon
from .test_dashboard import DASHBOARD


@tagged("post_install", "-at_install")
class TestSampleSizes(SalesContentCommon):
    """Every rate and average a manager reads comes with its sample size, and
    is blank ("not enough data") under cycle_math.MIN_SAMPLE: figures are
    compared with counts made here from the leads themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t0 = datetime(2026, 5, 4, 9, 0, 0)

    def _closed(self, won, lost, stage=None, won_after=10, lost_after=4):
        """``won`` + ``lost`` opportunities created at t0, closed some days later."""
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(won + lost, stage=stage)
        with self.mock_datetime_and_now(self.t0 + timedelta(days=won_after)):
            leads[:won].action_set_won()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=lost_after)):
            leads[won:].action_set_lost()
        self.env.flush_all()
        return leads[:won], leads[won:]

    def _read(self, model, domain, aggregates, groupby=()):
        return self.env[model].with_user(self.user_sales_manager).formatted_read_group(
            domain, list(groupby), aggregates
        )

    def test_minimum_sample(self):
        self.assertGreater(MIN_SAMPLE, 1)
        self.assertFalse(enough_data(MIN_SAMPLE - 1))
        self.assertFalse(enough_data(None))
        self.assertTrue(enough_data(MIN_SAMPLE))

    def test_every_report_pivot_with_samples_explains_its_blank_cells(self):
        """The note under such a pivot names the minimum the server applies."""
        with open(file_path("sales_cycle_mgmt/static/src/reports/sample_note_pivot.js")) as f:
            self.assertIn(f"export const MIN_SAMPLE = {MIN_SAMPLE};", f.read())
        sampled = [name for name, model in self.env.registry.items()
                   if getattr(model, "_sample_fields", None) and not model._abstract]
        self.assertGreaterEqual(len(sampled), 4)
        for model in sampled:
            with self.subTest(model=model):
                arch = self.env[model].get_view(view_type="pivot")["arch"]
                self.assertIn('js_class="sales_cycle_sample_pivot"', arch)

    def test_win_rate_and_days_to_win_are_blank_under_the_minimum(self):
        won, lost = self._closed(1, 0)
        [group] = self._read("sales.cycle.report", [("lead_id", "in", won.ids)],
                             ["win_rate:avg", "closed_count:sum", "days_to_win:avg", "won_count:sum"])
        self.assertEqual(group["closed_count:sum"], 1)
        self.assertIs(group["win_rate:avg"], False, "one won deal is no 100% win rate")
        self.assertIs(group["days_to_win:avg"], False)
        won, lost = self._closed(MIN_SAMPLE, 2)
        ours = [("lead_id", "in", (won | lost).ids)]
        [group] = self._read("sales.cycle.report", ours, ["win_rate:avg", "days_to_win:avg"])
        self.assertAlmostEqual(group["win_rate:avg"], 100.0 * len(won) / len(won | lost), places=3)
        self.assertAlmostEqual(group["days_to_win:avg"], 10.0, places=3)
        # the sample asked for is in the answer, the one added to tell is not
        self.assertNotIn("closed_count:sum", group)
        by_team = self._read("sales.cycle.report", ours, ["win_rate:avg", "closed_count:sum"], ["team_id"])
        self.assertEqual([g["closed_count:sum"] for g in by_team], [len(won | lost)])

    def test_funnel_conversion_is_blank_under_the_minimum_of_leads(self):
        few = self._create_opportunities(MIN_SAMPLE - 1)
        few[:1].stage_id = self.stage_gen_1
        self.env.flush_all()

        def qualification(leads):
            groups = self._read("sales.cycle.funnel.report", [("lead_id", "in", leads.ids)],
                                ["conversion_rate:avg", "lead_count:sum"], ["cycle_phase_id"])
            return next(g for g in groups if g["cycle_phase_id"][0] == self.phase_qualification.id)

        group = qualification(few)
        self.assertEqual(group["lead_count:sum"], 1, "the count stands")
        self.assertIs(group["conversion_rate:avg"], False, "1 lead of 4 is no 25% conversion")
        self.assertNotIn("__count", group, "the sample added to tell is not in the answer")
        enough = few | self._create_opportunities(1)
        self.assertEqual(qualification(enough)["conversion_rate:avg"], 100.0 / MIN_SAMPLE)

    def test_dashboard_key_figures_show_their_sample_and_not_enough_data(self):
        with open(file_path(DASHBOARD)) as f:
            data = json.load(f)
        data_sheet = next(s for s in data["sheets"] if s["name"] == "Data")
        cards = {c["data"]["title"]["text"]: c["data"] for s in data["sheets"] for c in s["figures"]
                 if c["data"]["type"] == "scorecard"}
        samples = {"Win rate (%)": "closed_count", "Days to win": "won_count", "Customer NPS": "answer_count"}
        for label, sample in samples.items():
            with self.subTest(figure=label):
                card = cards[label]
                value_cell, shown_cell = card["keyValue"].split("!")[1], card["baseline"].split("!")[1]
                count_cell = "C" + value_cell[1:]
                self.assertEqual(card["baselineMode"], "text")
                self.assertIn("PIVOT.VALUE", data_sheet["cells"][count_cell])
                self.assertIn(f'"{sample}"', data_sheet["cells"][count_cell])
                # under the minimum: no figure, and "not enough data: <count>" below it
                self.assertIn(f"IF({count_cell}<{MIN_SAMPLE},", data_sheet["cells"][value_cell])
                self.assertIn(f"IF({count_cell}<{MIN_SAMPLE},", data_sheet["cells"][shown_cell])
                self.assertIn("not enough data", data_sheet["cells"][shown_cell])
                pivot = next(p for p in data["pivots"].values() if p["name"] == label)
                self.assertIn(sample, [m["fieldName"] for m in pivot["measures"]])
                self.assertIn(sample, self.env[pivot["model"]]._fields)

    def test_velocity_shows_its_samples_and_no_figure_under_the_minimum(self):
        won, _lost = self._closed(1, 0)
        wizard = self.env["sales.cycle.velocity"].with_user(self.user_sales_manager).create({
            "date_from": "2026-05-01", "date_to": "2026-06-30", "group_by": "user",
        })
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda line: line.user_id == self.user_sales_salesman)
        self.assertEqual((line.closed_count, line.won_count), (1, 1))
        self.assertFalse(line.rate_enough or line.won_enough or line.velocity_enough)
        self.assertEqual(line.velocity, 0.0, "no velocity from one won deal")
        self.assertIn("Not enough data", line.sample_note)
        self.assertIn(str(MIN_SAMPLE), line.sample_note)
        # enough closed and won deals: the figures, equal to a count made here
        won_more, lost_more = self._closed(MIN_SAMPLE, 1)
        (won | won_more).write({"expected_revenue": 1200})
        wizard.action_compute()
        line = wizard.line_ids.filtered(lambda line: line.user_id == self.user_sales_salesman)
        all_won, all_closed = won | won_more, won | won_more | lost_more
        self.assertEqual((line.closed_count, line.won_count), (len(all_closed), len(all_won)))
        self.assertTrue(line.rate_enough and line.won_enough and line.velocity_enough)
        self.assertFalse(line.sample_note)
        open_count = self.env["crm.lead"].search_count([
            ("user_id", "=", self.user_sales_salesman.id), ("type", "=", "opportunity"),
            ("won_status", "=", "pending"),
        ])
        rate = len(all_won) / len(all_closed)
        self.assertAlmostEqual(line.win_rate, 100 * rate, places=1)
        self.assertAlmostEqual(line.velocity, open_count * rate * 1200 / 10,
                               delta=open_count * 1200 / 10 * 0.001,
                               msg="the stored win rate has one decimal")

    def test_stage_benchmark_is_not_enough_data_under_the_minimum(self):
        self.env["ir.config_parameter"].sudo().set_param("sales_cycle_mgmt.benchmark_min_samples", 3)
        stage = self.env["crm.stage"].create({"name": "Benchmarked", "sequence": 2,
                                               "team_ids": [self.sales_team_1.id],
                                               "rotting_threshold_days": 30})
        self._closed(3, 0, stage=stage, won_after=12)
        self.env["crm.stage"]._compute_benchmarks()
        self.assertEqual(stage.benchmark_sample_size, 3)
        self.assertEqual(stage._benchmark_min_samples(), MIN_SAMPLE, "never under the minimum sample")
        self.assertFalse(stage.benchmark_enough)
        self.assertEqual(stage.benchmark_note, f"Not enough data: 3 of {MIN_SAMPLE} won stays")
        self.assertEqual(stage.rotting_threshold_days, 30, "3 stays do not set the days to rot")
        self._closed(MIN_SAMPLE - 3, 0, stage=stage, won_after=12)
        self.env["crm.stage"]._compute_benchmarks()
        self.assertTrue(stage.benchmark_enough)
        self.assertFalse(stage.benchmark_note)
        self.assertEqual(stage.rotting_threshold_days, 12)


@tagged("post_install", "-at_install")
class TestContentEffectivenessSamples(SalesContentCommon):
    """Content effectiveness compares opportunities that reached the same
    stage, counts each lead once, and leaves blank what it cannot tell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t0 = datetime(2026, 5, 4, 9, 0, 0)
        cls.Report = cls.env["sales.content.report"]

    def _read(self, domain, aggregates, groupby=()):
        return self.Report.with_user(self.user_sales_manager).formatted_read_group(
            domain, list(groupby), aggregates
        )

    def _closed_with(self, content, won, lost, won_after, lost_after):
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(won + lost, email_from="c@example.com")
        if content:
            content._record_usage(leads, "email")
        with self.mock_datetime_and_now(self.t0 + timedelta(days=won_after)):
            leads[:won].action_set_won()
        with self.mock_datetime_and_now(self.t0 + timedelta(days=lost_after)):
            leads[won:].action_set_lost()
        return leads

    def test_unqualified_leads_lost_at_once_are_not_compared(self):
        with_link = self._closed_with(self.content_link, 3, 2, won_after=10, lost_after=20)
        without = self._closed_with(False, 2, 3, won_after=30, lost_after=40)
        with self.mock_datetime_and_now(self.t0):
            cold = self.env["crm.lead"].create([
                {"name": f"Cold {i}", "type": "lead", "team_id": self.sales_team_1.id,
                 "stage_id": self.stage_team1_1.id} for i in range(4)
            ])
            cold.action_set_lost()
        self.env.flush_all()
        ours = [("lead_id", "in", (with_link | without | cold).ids),
                ("content_id", "=", self.content_link.id), ("stage_id", "=", self.stage_team1_1.id)]
        [group] = self._read(ours, [
            "lead_count:count_distinct", "closed_with_count:count_distinct",
            "closed_without_count:count_distinct", "win_rate_with:avg", "win_rate_without:avg",
            "cycle_days_with:avg", "cycle_days_without:avg",
        ])
        self.assertEqual(group["lead_count:count_distinct"], 10, "the cold leads are no opportunities")
        self.assertEqual(group["closed_with_count:count_distinct"], 5)
        self.assertEqual(group["closed_without_count:count_distinct"], 5)
        self.assertAlmostEqual(group["win_rate_with:avg"], 60.0, places=3)
        self.assertAlmostEqual(group["win_rate_without:avg"], 40.0, places=3)
        self.assertAlmostEqual(group["cycle_days_with:avg"], (3 * 10 + 2 * 20) / 5, places=3)
        self.assertAlmostEqual(group["cycle_days_without:avg"], (2 * 30 + 3 * 40) / 5, places=3)

    def test_leads_reached_counts_each_lead_once(self):
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(3, email_from="c@example.com")
        # both contents serve the first stage; each lead gets both, one twice
        self.content_link._record_usage(leads, "email")
        self.content_doc._record_usage(leads, "meeting")
        self.content_doc._record_usage(leads[0], "meeting")
        self.env.flush_all()
        ours = [("lead_id", "in", leads.ids)]
        [group] = self._read(ours, ["reached_count:count_distinct", "share_count:sum"])
        self.assertEqual(group["reached_count:count_distinct"], 3, "3 leads, not 3 per content")
        self.assertEqual(group["share_count:sum"], 7)
        by_content = {g["content_id"][0]: g["reached_count:count_distinct"]
                      for g in self._read(ours, ["reached_count:count_distinct"], ["content_id"])}
        self.assertEqual(by_content[self.content_link.id], 3)
        self.assertEqual(by_content[self.content_doc.id], 3)

    def test_nothing_to_compare_is_blank_not_zero(self):
        with self.mock_datetime_and_now(self.t0):
            leads = self._create_opportunities(2, email_from="c@example.com")
        self.content_link._record_usage(leads, "email")
        self.env.flush_all()
        [group] = self._read(
            [("lead_id", "in", leads.ids), ("content_id", "=", self.content_link.id)],
            ["win_rate_with:avg", "cycle_days_with:avg", "win_rate_without:avg",
             "closed_with_count:count_distinct"],
        )
        self.assertEqual(group["closed_with_count:count_distinct"], 0)
        self.assertIs(group["win_rate_with:avg"], False)
        self.assertIs(group["cycle_days_with:avg"], False)
        self.assertIs(group["win_rate_without:avg"], False)


@tagged("post_install", "-at_install")
class TestSnapshotDates(SalesContentCommon):
    def test_snapshot_of_a_given_date(self):
        Snapshot = self.env["sales.cycle.snapshot"]
        taken = Snapshot._take_snapshot(date(2026, 3, 2))
        on_date = Snapshot.search([("date", "=", "2026-03-02")])
        self.assertEqual(taken, len(on_date))
        self.assertIn(self.lead, on_date.lead_id)
        self.assertEqual(Snapshot._take_snapshot("2026-03-02"), 0, "the same date twice adds nothing")
        Snapshot._take_snapshot(date(2026, 3, 9))
        later = Snapshot.search([("date", "=", "2026-03-09"), ("lead_id", "=", self.lead.id)])
        self.assertEqual(later.previous_date, date(2026, 3, 2))


@tagged("post_install", "-at_install")
class TestCustomerNpsSample(SalesContentCommon):
    def test_customer_nps_needs_the_minimum_of_answers(self):
        customer = self.env["res.partner"].create({"name": "Happy Corp", "email": "buyer@happy.example.com"})
        win_day = datetime(2026, 3, 2, 10)
        with self.mock_datetime_and_now(win_day):
            leads = self._create_opportunities(MIN_SAMPLE, partner_id=customer.id)
            for lead in leads:  # one by one, as salespeople win them
                lead.action_set_won()
        with self.mock_datetime_and_now(datetime(2026, 4, 16, 6)):
            self.env["sales.followup"]._cron_process()
        surveys = leads.followup_ids.filtered(lambda f: f.kind == "satisfaction")
        self.assertEqual(len(surveys), MIN_SAMPLE)
        question = self.env.ref("sales_cycle_mgmt.survey_customer_nps_q_recommend")

        def answer(followup, score):
            followup.user_input_id._save_lines(question, score)
            followup.user_input_id._mark_done()

        with self.mock_datetime_and_now(datetime(2026, 4, 16, 15)):
            for followup in surveys[:-1]:
                answer(followup, 10)
        self.env.flush_all()
        ours = [("lead_id", "in", leads.ids)]
        Report = self.env["sales.followup.report"].with_user(self.user_sales_manager)
        [group] = Report.formatted_read_group(ours, [], ["nps_value:avg", "answer_count:sum"])
        self.assertEqual(group["answer_count:sum"], MIN_SAMPLE - 1)
        self.assertIs(group["nps_value:avg"], False, "too few answers for an NPS")
        with self.mock_datetime_and_now(datetime(2026, 4, 16, 16)):
            answer(surveys[-1], 3)
        self.env.flush_all()
        [group] = Report.formatted_read_group(ours, [], ["nps_value:avg", "answer_count:sum"])
        self.assertEqual(group["answer_count:sum"], MIN_SAMPLE)
        # promoters - detractors over all answers: MIN_SAMPLE - 1 tens, one 3
        self.assertAlmostEqual(group["nps_value:avg"], 100.0 * (MIN_SAMPLE - 2) / MIN_SAMPLE, places=3)
