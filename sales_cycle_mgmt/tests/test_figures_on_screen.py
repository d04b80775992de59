import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

EXPECTED_KEY = "sales_cycle_mgmt_expected_figures"


@tagged("post_install", "-at_install")
class TestFiguresOnScreen(HttpCase):
    """Each role reads its figures in Chromium where it reads them every day;
    the test computes every one of them from the leads on its own, not through
    the addon's reports."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="scm_figures_manager", name="Figures Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.rep = new_test_user(
            cls.env, login="scm_figures_rep", name="Figures Rep",
            groups="sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create({
            "name": "SCM Figures Team", "user_id": cls.manager.id, "member_ids": [(6, 0, cls.rep.ids)],
        })
        cls.new = cls.env.ref("crm.stage_lead1")
        cls.qualified = cls.env.ref("crm.stage_lead2")
        cls.qualified.write({"rotting_threshold_days": 5, "rotting_automatic": False})
        Lead = cls.env["crm.lead"]
        now = fields.Datetime.now()

        def opportunity(name, **vals):
            return Lead.create({
                "name": name, "type": "opportunity", "team_id": cls.team.id,
                "user_id": cls.rep.id, "stage_id": cls.new.id, "expected_revenue": 1000, **vals,
            })

        won = Lead.browse()
        for i in range(7):
            lead = opportunity(f"SCM Won {i}")
            lead.action_set_won()
            won |= lead
        lost = Lead.browse()
        for i in range(3):
            lead = opportunity(f"SCM Lost {i}")
            lead.action_set_lost()
            lost |= lead
        for i in range(4):  # leads lost before they were qualified are no lost deals
            Lead.create({"name": f"SCM Cold {i}", "type": "lead", "team_id": cls.team.id}).action_set_lost()
        cls.open_leads = opportunity("SCM Open 0") | opportunity("SCM Open 1")
        cls.rotting = opportunity("SCM Stuck 0") | opportunity("SCM Stuck 1")
        cls.rotting.stage_id = cls.qualified
        cls.env.flush_all()
        # days to win: each won deal created some days before it was won
        for days, lead in enumerate(won, start=3):
            cls.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s WHERE id = %s",
                (lead.date_closed - timedelta(days=days, hours=4), lead.id),
            )
        # the stuck deals entered Qualified 9 days ago, after 4 days in New
        for lead in cls.rotting:
            cls._backdate_stay(lead, created=now - timedelta(days=13, hours=2),
                               moved=now - timedelta(days=9, hours=1))
        Lead.invalidate_model()

    @classmethod
    def _backdate_stay(cls, lead, created, moved):
        """Move the lead's creation and its entry in the current stage back in
        time the way the chatter would have recorded it."""
        cr = cls.env.cr
        cr.execute("UPDATE crm_lead SET create_date = %s, date_last_stage_update = %s WHERE id = %s",
                   (created, moved, lead.id))
        cr.execute("""
            UPDATE sales_cycle_stage_history
               SET date_in = CASE WHEN date_out IS NULL THEN %(moved)s ELSE %(created)s END,
                   date_out = CASE WHEN date_out IS NULL THEN NULL ELSE %(moved)s END
             WHERE lead_id = %(lead)s
        """, {"moved": moved, "created": created, "lead": lead.id})
        cls.env.invalidate_all()

    def _independent_figures(self):
        """Every figure from the leads themselves, as a manager counts them."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        opportunities = Lead.search([("type", "=", "opportunity")])
        won = opportunities.filtered(lambda lead: lead.won_status == "won")
        lost = opportunities.filtered(lambda lead: lead.won_status == "lost")
        open_ = opportunities.filtered(lambda lead: lead.active and lead.won_status == "pending")
        now = fields.Datetime.now()
        rotting = open_.filtered(
            lambda lead: lead.stage_id.rotting_threshold_days
            and lead.date_last_stage_update + timedelta(days=lead.stage_id.rotting_threshold_days) < now
        )
        days_to_win = sum(
            (lead.date_closed - lead.create_date).total_seconds() / 86400 for lead in won
        ) / len(won)
        return {
            "open": len(open_),
            "win_rate": round(100.0 * len(won) / (len(won) + len(lost)), 2),
            "days_to_win": round(days_to_win, 1),
            "rotting": len(rotting),
        }

    def _start_with_expected(self, url, tour, login, expected):
        code = (
            f"sessionStorage.setItem({EXPECTED_KEY!r}, {json.dumps(json.dumps(expected))});"
            f"odoo.startTour({tour!r}, {json.dumps({'stepDelay': 0, 'startUrl': url})})"
        )
        self.start_tour(url, tour, login=login, code=code)

    def test_manager_reads_the_same_figures_on_the_dashboard_and_in_the_report(self):
        figures = self._independent_figures()
        # the data this test made, not an empty database
        self.assertEqual(figures["open"], 4)
        self.assertEqual(figures["win_rate"], 70.0)
        self.assertEqual(figures["rotting"], 2)
        dashboard = self.env.ref("sales_cycle_mgmt.action_sales_cycle_dashboard")
        report = self.env.ref("sales_cycle_mgmt.sales_cycle_report_action")
        self._start_with_expected(
            f"/odoo/action-{dashboard.id}",
            "sales_cycle_mgmt_manager_figures_tour", self.manager.login, {
                "dashboard": {
                    "Open opportunities": figures["open"],
                    "Win rate (%)": round(figures["win_rate"], 1),
                    "Days to win": figures["days_to_win"],
                    "Rotting deals": figures["rotting"],
                },
                # no customer answered a survey: too few answers for an NPS
                "not_enough": {"Customer NPS": 0},
                "report_url": f"/odoo/action-{report.id}",
                "report": {
                    "Open Opportunities": figures["open"],
                    "Win Rate (%)": figures["win_rate"],
                },
            },
        )

    def test_salesperson_reads_days_in_stage_and_the_statusbar_time(self):
        lead = self.rotting[0]
        now = fields.Datetime.now()
        self.assertEqual((now - lead.date_last_stage_update).days, 9)
        self._start_with_expected(
            f"/odoo/crm/{lead.id}", "sales_cycle_mgmt_rep_figures_tour", self.rep.login, {
                "lead": {
                    "stage": self.qualified.name,
                    "days_in_stage": 9,
                    # 4 days 1 hour in New, 9 days 1 hour in Qualified so far
                    "statusbar": {self.new.name: "4d", self.qualified.name: "9d"},
                },
            },
        )
