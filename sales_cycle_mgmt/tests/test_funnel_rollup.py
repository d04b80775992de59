from odoo.tests import tagged

from .http_common import ExternalApiCase
from .test_stage_summary import ROW_BY_ROW, StageSummaryCase

FUNNEL = (["cycle_phase_id"], ["lead_count:sum", "conversion_rate:avg", "skipped:sum", "__count"])
BY_STATUS = (["cycle_phase_id", "won_status"], FUNNEL[1])
BY_TEAM = (["team_id", "user_id"], FUNNEL[1])


class FunnelRollupCase(StageSummaryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Funnel = cls.env["sales.cycle.funnel.report"]

    def assertKeysExact(self):
        """Every lead's key is the phases it reached, as the funnel's rows read them."""
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT l.id, l.cycle_phases_reached_key,
                   (SELECT string_agg(r.phase_id::text, ',' ORDER BY r.phase_id)
                      FROM crm_lead_cycle_phase_reached_rel r WHERE r.lead_id = l.id)
              FROM crm_lead l
        """)
        rows = self.env.cr.fetchall()
        self.assertTrue(any(key for _id, key, _phases in rows))
        self.assertEqual([row for row in rows if row[1] != row[2]], [])

    def assertSameFunnel(self, user=None):
        for spec in (FUNNEL, BY_STATUS, BY_TEAM):
            self.assertSameGroups(self.Funnel, spec, user=user)


@tagged("post_install", "-at_install")
class TestFunnelRollup(FunnelRollupCase):
    def test_phases_reached_follow_moves_wins_losses_and_deletions(self):
        leads = self._pipeline()
        self.assertKeysExact()
        self.assertSameFunnel()
        self.assertSameFunnel(user=self.user_sales_manager)
        # a copy starts over; a deleted lead leaves the funnel
        copy = leads[0].copy()
        leads[3].unlink()
        self.assertKeysExact()
        self.assertEqual(copy.cycle_phases_reached_key, str(self.phase_prospecting.id))
        self.assertSameFunnel()
        # a phase deleted leaves every lead's key, a stay written in bulk adds to it
        self.env["crm.stage"].search([("cycle_phase_id", "=", self.phase_proposal.id)]).cycle_phase_id = \
            self.phase_closing
        self.phase_proposal.unlink()
        self.assertKeysExact()
        self.assertSameFunnel()
        self.env.cr.execute("DELETE FROM sales_cycle_stage_history WHERE lead_id = ANY(%s)", [leads.ids])
        self.env.cr.execute("DELETE FROM crm_lead_cycle_phase_reached_rel WHERE lead_id = ANY(%s)",
                            [leads.ids])
        self.env.cr.execute("""
            INSERT INTO sales_cycle_stage_history (lead_id, stage_id, cycle_phase_id, date_in, direction)
            SELECT l.id, %s, %s, l.create_date, 'first' FROM crm_lead l WHERE l.id = ANY(%s)
        """, [self.stage_gen_1.id, self.phase_qualification.id, leads.exists().ids])
        self.History._recompute_lead_figures(leads.exists().ids)
        self.assertKeysExact()
        self.assertSameFunnel()

    def test_phases_reached_follow_the_backfill_and_an_emptied_table(self):
        leads = self._pipeline()
        self.env.cr.execute("TRUNCATE sales_cycle_stage_history, crm_lead_cycle_phase_reached_rel")
        self.env.invalidate_all()
        self.assertFalse(leads.filtered("cycle_phases_reached_key"))
        self.History._backfill_from_tracking()
        self.assertKeysExact()
        self.assertSameFunnel()

    def test_the_backfill_keeps_in_the_key_the_phases_a_lead_had_reached(self):
        leads = self._pipeline()
        self.env.cr.execute("DELETE FROM sales_cycle_stage_history")
        self.env.cr.execute("""INSERT INTO crm_lead_cycle_phase_reached_rel (lead_id, phase_id)
                               VALUES (%s, %s) ON CONFLICT DO NOTHING""",
                            [leads[0].id, self.phase_closing.id])
        self.History._backfill_from_tracking()
        self.assertKeysExact()
        self.assertIn(str(self.phase_closing.id), leads[0].cycle_phases_reached_key.split(","))
        self.assertSameFunnel()

    def test_a_salesperson_reads_the_rows_of_their_own_leads(self):
        self._pipeline()
        groupby, aggregates = FUNNEL
        as_rep = self.Funnel.with_user(self.user_sales_salesman)
        self.assertFalse(as_rep._rollup_applies([], groupby, aggregates))
        self.assertTrue(as_rep._read_group([], groupby, aggregates))


@tagged("post_install", "-at_install")
class TestFunnelRollupRequests(ExternalApiCase, FunnelRollupCase):
    def test_the_funnel_pivot_of_a_manager_reads_the_leads_not_their_phases(self):
        self._pipeline()
        args = [[], [["cycle_phase_id"]], ["lead_count:sum", "conversion_rate:avg", "skipped:sum"]]
        with self.env.cr._enable_logging(), self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            summed = self.call_kw(self.user_sales_manager, "sales.cycle.funnel.report",
                                  "formatted_read_grouping_sets", args)
        funnel_queries = [line for line in logs.output if "sales_cycle_phase" in line]
        self.assertTrue(funnel_queries)
        self.assertFalse([line for line in funnel_queries if "crm_lead_cycle_phase_reached_rel" in line])
        rows = self.call_kw(self.user_sales_manager, "sales.cycle.funnel.report",
                            "formatted_read_grouping_sets", [ROW_BY_ROW, *args[1:]])
        self.assertEqual(summed, rows)

    def test_funnel_pivot_groups_follow_the_record_rules_of_each_role(self):
        mine = self._create_opportunities(2)
        theirs = self._create_opportunities(3, user=self.user_sales_leads)
        self._move(mine | theirs, self.stage_gen_1, 1)
        company_2 = self._moved_deal_of_another_company()
        self.env.flush_all()
        args = [[], [["cycle_phase_id"]], ["lead_count:sum", "skipped:sum"]]
        for user, leads in (
            (self.user_sales_salesman, self.Funnel.with_user(self.user_sales_salesman).search([]).lead_id),
            (self.user_sales_manager, self.env["crm.lead"].with_context(active_test=False).search([
                ("company_id", "!=", company_2.id), ("cycle_phases_reached_key", "!=", False)])),
        ):
            [groups] = self.call_kw(user, "sales.cycle.funnel.report", "formatted_read_grouping_sets", args)
            first = next(g for g in groups if g["cycle_phase_id"][0] == self.phase_prospecting.id)
            self.assertEqual(first["lead_count:sum"], len(leads), user.name)
        # the salesperson's own deals only, the manager's company only
        rep_leads = self.Funnel.with_user(self.user_sales_salesman).search([]).lead_id
        self.assertFalse(rep_leads & theirs)
        self.assertTrue(mine <= rep_leads)
