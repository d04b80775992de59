import json
import re
from datetime import datetime

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import file_path

from ..cycle_math import MIN_SAMPLE
from .common import SalesCycleCommon

DASHBOARD = "sales_cycle_mgmt/data/files/sales_cycle_dashboard.json"


def _figures(data):
    for sheet in data["sheets"]:
        for figure in sheet["figures"]:
            yield figure["data"]


@tagged("post_install", "-at_install")
class TestDashboard(SalesCycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("sales_cycle_mgmt.spreadsheet_dashboard_sales_cycle")
        with open(file_path(DASHBOARD)) as f:
            cls.data = json.load(f)

    def _read(self, user, model, domain, groupby, measure):
        """What the spreadsheet asks the server for one chart or key figure."""
        Model = self.env[model].with_user(user)
        field = Model._fields.get(measure)
        aggregate = "__count" if measure == "__count" else f"{measure}:{field.aggregator}"
        return Model.formatted_read_group(domain, groupby, [aggregate])

    def test_every_chart_and_figure_reads_as_a_manager(self):
        leads = self._create_opportunities(MIN_SAMPLE + 2)
        leads[:MIN_SAMPLE].action_set_won()
        self.env.flush_all()
        sources = [
            (p["model"], p["domain"], [], p["measures"][0]["fieldName"]) for p in self.data["pivots"].values()
        ] + [
            (c["metaData"]["resModel"], c["searchParams"]["domain"], c["metaData"]["groupBy"],
             c["metaData"]["measure"])
            for c in _figures(self.data) if c["type"].startswith("odoo_")
        ]
        self.assertGreaterEqual(len(sources), 10)
        for model, domain, groupby, measure in sources:
            with self.subTest(model=model, measure=measure, groupby=groupby):
                self.assertIn(model, self.env)
                if measure != "__count":
                    self.assertIn(measure, self.env[model]._fields)
                groups = self._read(self.user_sales_manager, model, domain, groupby, measure)
                self.assertIsInstance(groups, list)
        # the figures are real: the win rate over these leads' rows
        rate = self._read(self.user_sales_manager, "sales.cycle.report",
                          [("lead_id", "in", leads.ids)], [], "win_rate")
        self.assertEqual(rate[0]["win_rate:avg"], 100.0, "won leads, the two others still open")

    def test_days_in_stage_chart_lists_only_stages_deals_stay_in(self):
        """A won stage has no time in stage: no empty bar for it."""
        leads = self._create_opportunities(2)
        leads.action_set_won()
        self.env.flush_all()
        won_stages = self.env["crm.stage"].search([("is_won", "=", True)])
        chart = next(c for c in _figures(self.data) if c["type"].startswith("odoo_")
                     and c["metaData"]["resModel"] == "sales.cycle.stage.report"
                     and c["metaData"]["measure"] == "duration_days")
        groups = self._read(self.user_sales_manager, chart["metaData"]["resModel"],
                            chart["searchParams"]["domain"], chart["metaData"]["groupBy"],
                            chart["metaData"]["measure"])
        shown = {group["stage_id"][0] for group in groups if group["stage_id"]}
        self.assertTrue(shown, "the leads' first stage shows")
        self.assertFalse(shown & set(won_stages.ids))

    def test_key_figures_are_the_reports_over_opportunities_only(self):
        """Each key figure reads the report's own field, with no domain of its
        own: the dashboard, the report as its action opens it and an
        independent count agree, and leads lost before they were opportunities
        are no lost deals."""
        Lead = self.env["crm.lead"]
        with self.mock_datetime_and_now(datetime(2026, 3, 2, 9)):
            won = self._create_opportunities(MIN_SAMPLE)
            lost = self._create_opportunities(1)
            still_open = self._create_opportunities(3)
            archived = self._create_opportunities(1)
            cold = Lead.create([{"name": f"Cold lead {i}", "type": "lead", "team_id": self.sales_team_1.id}
                                for i in range(4)])
        with self.mock_datetime_and_now(datetime(2026, 3, 12, 9)):
            won.action_set_won()
            (lost | cold).action_set_lost()
            archived.action_archive()
        self.env.flush_all()
        ours = [("lead_id", "in", (won | lost | still_open | archived | cold).ids)]
        expected = {"Open opportunities": 3, "Win rate (%)": 100.0 * MIN_SAMPLE / (MIN_SAMPLE + 1),
                    "Days to win": 10.0}
        action = self.env["ir.actions.act_window"]._for_xml_id("sales_cycle_mgmt.sales_cycle_report_action")
        defaults = [("type", "=", "opportunity")]  # the action's default filter, Opportunities
        self.assertIn("search_default_filter_opportunities", action["context"])
        for pivot in self.data["pivots"].values():
            if pivot["name"] not in expected:
                continue
            measure, manager = pivot["measures"][0]["fieldName"], self.user_sales_manager
            key = f"{measure}:{self.env['sales.cycle.report']._fields[measure].aggregator}"
            on_dashboard = self._read(manager, pivot["model"], pivot["domain"] + ours, [], measure)
            in_report = self._read(manager, "sales.cycle.report", defaults + ours, [], measure)
            with self.subTest(figure=pivot["name"]):
                self.assertEqual(pivot["domain"], [], "the report's figure, no domain of the dashboard's")
                self.assertAlmostEqual(on_dashboard[0][key], expected[pivot["name"]], places=2)
                self.assertAlmostEqual(in_report[0][key], expected[pivot["name"]], places=2)

    def test_scorecards_point_at_the_figures_of_the_data_sheet(self):
        data_sheet = next(s for s in self.data["sheets"] if s["name"] == "Data")
        scorecards = [c for c in _figures(self.data) if c["type"] == "scorecard"]
        self.assertEqual(len(scorecards), len(self.data["pivots"]))
        for card in scorecards:
            cell = card["keyValue"].split("!")[1]
            self.assertIn("PIVOT.VALUE", data_sheet["cells"][cell])

    def test_key_figures_show_the_reports_figure_unrounded(self):
        """83.33 as the report's pivot shows it, not rounded to 83.3 and shown as 83.30."""
        data_sheet = next(s for s in self.data["sheets"] if s["name"] == "Data")
        for card in (c for c in _figures(self.data) if c["type"] == "scorecard"):
            formula = data_sheet["cells"][card["keyValue"].split("!")[1]]
            with self.subTest(figure=card["title"]["text"]):
                self.assertNotRegex(formula.upper(), r"\b(ROUND|ROUNDUP|ROUNDDOWN|TRUNC|INT)\(")

    def test_averages_blank_under_the_minimum_sample_are_bars_whose_title_says_so(self):
        """A blank is no bar, where a line would fall to zero; the title tells why it is missing."""
        sheet = next(s for s in self.data["sheets"] if s["name"] == "Dashboard")
        sampled = 0
        for figure in sheet["figures"]:
            chart = figure["data"]
            if not chart["type"].startswith("odoo_"):
                continue
            model = self.env[chart["metaData"]["resModel"]]
            if chart["metaData"]["measure"] not in getattr(model, "_sample_fields", {}):
                continue
            sampled += 1
            title = re.match(r"\[(.*?)\]\(", sheet["cells"][f"{'AB'[figure['col']]}{figure['row']}"]).group(1)
            with self.subTest(chart=title):
                self.assertEqual(chart["type"], "odoo_bar")
                self.assertIn(f"{MIN_SAMPLE}+", title)
        self.assertEqual(sampled, 4, "days in stage, days to win, win rate, content coverage")

    def test_managers_see_the_dashboard_salespeople_do_not(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(self.user_sales_manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.user_sales_salesman).search([]))
        dashboard = self.dashboard.with_user(self.user_sales_manager)
        served = json.loads(dashboard._get_serialized_readonly_dashboard())
        self.assertEqual(served["translation_namespace"], "sales_cycle_mgmt")
        self.assertEqual(len(served["snapshot"]["sheets"]), 2)


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    def test_manager_opens_the_sales_cycle_dashboard(self):
        manager = new_test_user(
            self.env, login="scm_dashboard_manager", name="Dashboard Manager",
            groups="sales_team.group_sale_manager",
        )
        action = self.env.ref("sales_cycle_mgmt.action_sales_cycle_dashboard")
        self.start_tour(f"/odoo/action-{action.id}", "sales_cycle_mgmt_dashboard_tour", login=manager.login)
