from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from ..models.sales_cycle_stage_history import _array
from .common import SalesCycleCommon


@tagged("post_install", "-at_install")
class TestStageHistory(SalesCycleCommon):
    def test_create_opens_first_stay_with_entry_context(self):
        lead = self._create_opportunities(1)
        stay = self._stays(lead)
        self.assertEqual(len(stay), 1)
        self.assertRecordValues(stay, [{
            "stage_id": self.stage_team1_1.id,
            "cycle_phase_id": self.phase_prospecting.id,
            "team_id": self.sales_team_1.id,
            "user_id": self.user_sales_salesman.id,
            "company_id": lead.company_id.id,
            "direction": "first",
            "date_out": False,
            "date_in": lead.date_last_stage_update,
        }])

    def test_stage_change_closes_stay_and_opens_next_at_same_instant(self):
        t0 = datetime(2026, 3, 2, 9, 0, 0)
        t1 = t0 + timedelta(days=3, hours=12)
        with self.mock_datetime_and_now(t0):
            lead = self._create_opportunities(1)
        with self.mock_datetime_and_now(t1):
            lead.write({"stage_id": self.stage_team1_2.id})
        first, second = self._stays(lead)
        self.assertEqual(first.date_out, t1)
        self.assertAlmostEqual(first.duration_days, 3.5, places=4)
        self.assertEqual(second.date_in, lead.date_last_stage_update)
        self.assertEqual(second.date_in, t1)
        self.assertEqual(second.direction, "forward")
        self.assertFalse(second.date_out)

    def test_direction_follows_stage_sequence(self):
        lead = self._create_opportunities(1, stage=self.stage_team1_2)
        lead.stage_id = self.stage_gen_1  # 5 -> 3
        lead.stage_id = self.stage_team1_won  # 3 -> 70
        self.assertEqual(self._stays(lead).mapped("direction"), ["first", "backward", "forward"])

    def test_writing_the_same_stage_opens_nothing(self):
        lead = self._create_opportunities(1)
        lead.write({"stage_id": self.stage_team1_1.id})
        lead.write({"name": "Renamed", "stage_id": self.stage_team1_1.id})
        self.assertEqual(len(self._stays(lead)), 1)

    def test_moving_to_the_stage_of_an_open_stay_written_in_bulk_opens_nothing(self):
        # an import or a script wrote the open stay in the next stage already:
        # the move neither closes it nor trips the one-open-stay index, and
        # counts no stage change the history does not hold
        lead = self._create_opportunities(1)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sales_cycle_stage_history SET stage_id = %s WHERE lead_id = %s",
            [self.stage_team1_2.id, lead.id],
        )
        self.env.invalidate_all()
        lead.write({"stage_id": self.stage_team1_2.id})
        stay = self._stays(lead)
        self.assertEqual(len(stay), 1)
        self.assertRecordValues(stay, [{"stage_id": self.stage_team1_2.id, "date_out": False}])
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(lead.cycle_stage_count, 0)
        lead.write({"stage_id": self.stage_gen_1.id})  # a real move back counts
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertRecordValues(lead, [{"cycle_stage_count": 1, "cycle_backward_count": 1}])

    def test_team_and_salesperson_are_those_at_entry(self):
        lead = self._create_opportunities(1)
        lead.write({"user_id": self.user_sales_leads.id})
        lead.write({"stage_id": self.stage_team1_2.id})
        first, second = self._stays(lead)
        self.assertEqual(first.user_id, self.user_sales_salesman)
        self.assertEqual(second.user_id, self.user_sales_leads)

    def _queries(self, leads, stage):
        """Queries of one stage change, flush and post-commit work included.
        Stock chatter tracking posts one message per lead, so it is disabled to
        measure what the change itself costs."""
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        leads.with_context(tracking_disable=True).write({"stage_id": stage.id})
        self.env.flush_all()
        self.env.cr.precommit.run()
        return self.env.cr.sql_log_count - before

    def test_batch_move_query_count_does_not_grow_with_batch(self):
        one = self._create_opportunities(1)
        hundred = self._create_opportunities(100)
        for_one = self._queries(one, self.stage_team1_2)
        self.env.invalidate_all()
        with self.assertQueryCount(for_one):
            hundred.with_context(tracking_disable=True).write({"stage_id": self.stage_team1_2.id})
        self.assertEqual(self._queries(hundred, self.stage_gen_1), self._queries(one, self.stage_gen_1))
        self.assertEqual(self.History.search_count([("lead_id", "in", hundred.ids)]), 300)
        self.assertEqual(
            self.History.search_count([("lead_id", "in", hundred.ids), ("date_out", "=", False)]),
            100,
        )

    def test_array_parameters_reach_postgresql_as_they_were(self):
        # what the move statements send their columns as, one literal each
        when = datetime(2026, 3, 2, 9, 0, 0, 123456)
        cases = [
            ("int", [0, 7, False, None, -3]),
            ("varchar", ['say "hi"', "back\\slash", "a,b", "{x}", "NULL", "", False]),
            ("timestamp", [when, None, datetime(2026, 3, 2)]),
        ]
        for sql_type, values in cases:
            self.env.cr.execute(f"SELECT %s::{sql_type}[]", [_array(values)])
            expected = [None if value is False else value for value in values]
            self.assertEqual(self.env.cr.fetchone()[0], expected, sql_type)
        with self.assertRaises(TypeError):
            _array([1.5])

    def _statements_of_move(self, leads, stage):
        """The SQL statements of moving ``leads`` to ``stage``, flush included."""
        statements = []
        execute = self.env.cr.execute

        def logged(query, params=None, log_exceptions=True):
            statements.append(str(query.code if hasattr(query, "code") else query))
            return execute(query, params, log_exceptions)

        with patch.object(self.env.cr, "execute", logged):
            leads.write({"stage_id": stage.id})
            self.env.flush_all()
        return statements

    def test_a_move_closes_and_opens_the_stays_in_one_statement(self):
        leads = self._create_opportunities(20)
        self.env.flush_all()
        statements = self._statements_of_move(leads, self.stage_team1_2)
        on_history = [q for q in statements if "sales_cycle_stage_history" in q]
        self.assertEqual(len(on_history), 1, on_history)
        self.assertEqual(self.History.search_count([("lead_id", "in", leads.ids)]), 40)
        self.assertEqual(
            self.History.search([("lead_id", "in", leads.ids), ("date_out", "=", False)]).stage_id,
            self.stage_team1_2,
        )

    def test_winning_by_a_move_writes_each_stay_once_with_the_new_status(self):
        leads = self._create_opportunities(20)
        bulk = leads[0]  # its open stay was written in the won stage already
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sales_cycle_stage_history SET stage_id = %s WHERE lead_id = %s",
            [self.stage_team1_won.id, bulk.id],
        )
        self.env.invalidate_all()
        statements = self._statements_of_move(leads - bulk, self.stage_team1_won)
        on_history = [q for q in statements if "UPDATE sales_cycle_stage_history" in q]
        self.assertEqual(len(on_history), 1, on_history)
        for lead in leads - bulk:
            self.assertEqual([(s.stage_id, s.lead_status) for s in self._stays(lead)], [
                (self.stage_team1_1, "won"), (self.stage_team1_won, "won"),
            ])
        bulk.write({"stage_id": self.stage_team1_won.id})
        self.assertRecordValues(self._stays(bulk), [
            {"stage_id": self.stage_team1_won.id, "lead_status": "won", "date_out": False},
        ])
        lost = self._create_opportunities(1)
        lost.action_set_lost()
        self.assertEqual(self._stays(lost)[-1].lead_status, "lost", "no move: the open stay")

    def test_deleting_a_lead_deletes_its_stays(self):
        lead = self._create_opportunities(1)
        lead.stage_id = self.stage_team1_2
        stays = self._stays(lead)
        lead.unlink()
        self.assertFalse(stays.exists())

    def test_merge_keeps_the_surviving_history_coherent(self):
        leads = self._create_opportunities(2)
        leads[0].stage_id = self.stage_team1_2
        head = leads._merge_opportunity(auto_unlink=True)
        self.assertEqual(len(head), 1)
        tail = leads - head
        self.assertFalse(tail.exists())
        stays = self._stays(head)
        self.assertEqual(stays.filtered(lambda s: not s.date_out).stage_id, head.stage_id)
        self.assertEqual(len(stays.filtered(lambda s: not s.date_out)), 1)
        self.assertFalse(self.History.search([("lead_id", "in", tail.ids)]))

    def test_lead_without_stage_has_no_open_stay_until_it_gets_one(self):
        lead = self._create_opportunities(1)
        lead.stage_id = False
        stays = self._stays(lead)
        self.assertEqual(len(stays), 1)
        self.assertTrue(stays.date_out, "leaving every stage closes the stay")
        lead.stage_id = self.stage_gen_1
        current = self._stays(lead).filtered(lambda s: not s.date_out)
        self.assertEqual(current.stage_id, self.stage_gen_1)
        self.assertEqual(current.direction, "forward")

    def test_deleting_a_stage_keeps_its_past_stays(self):
        stage = self.env["crm.stage"].create({"name": "Temporary", "sequence": 2})
        lead = self._create_opportunities(1, stage=stage)
        lead.stage_id = self.stage_team1_2
        stay = self._stays(lead)[0]
        stage.unlink()
        self.assertTrue(stay.exists())
        self.assertFalse(stay.stage_id)
        self.assertTrue(stay.date_out)

    def test_lost_and_restored_lead_keeps_one_continuous_history(self):
        # crm.stage has no archiving in Odoo 19: archiving concerns leads (lost)
        lead = self._create_opportunities(1)
        lead.action_set_lost()
        self.assertFalse(lead.active)
        self.assertEqual(len(self._stays(lead)), 1, "losing a lead is not a stage change")
        rep_history = self.History.with_user(self.user_sales_salesman)
        self.assertEqual(rep_history.search_count([("lead_id", "=", lead.id)]), 1,
                         "the rep still sees the history of their lost lead")
        lead.action_unarchive()
        lead.stage_id = self.stage_team1_2
        stays = self._stays(lead)
        self.assertEqual(stays.mapped("stage_id"), self.stage_team1_1 | self.stage_team1_2)
        self.assertEqual(stays.mapped("direction"), ["first", "forward"])

    def test_team_change_that_moves_the_stage_is_recorded(self):
        lead = self._create_opportunities(1, stage=self.stage_team1_2)
        other_team = self.env["crm.team"].create({"name": "Other team"})
        lead.team_id = other_team  # stage_team1_2 is team 1's only: crm recomputes it
        self.assertNotEqual(lead.stage_id, self.stage_team1_2)
        self.assertEqual(self._stays(lead)[-1].stage_id, lead.stage_id)

    @users("user_sales_salesman")
    def test_salesperson_sees_the_history_of_own_leads_only(self):
        mine = self._create_opportunities(1, user=self.user_sales_salesman)
        others = self._create_opportunities(1, user=self.user_sales_leads).sudo()
        history = self.env["sales.cycle.stage.history"]
        self.assertTrue(history.search([("lead_id", "=", mine.id)]))
        self.assertFalse(history.search([("lead_id", "=", others.id)]))
        foreign = self.History.sudo().search([("lead_id", "=", others.id)])
        with self.assertRaises(AccessError):
            foreign.with_user(self.env.user).read(["duration_days"])

    @users("user_sales_salesman")
    def test_salesperson_cannot_write_history(self):
        lead = self._create_opportunities(1, user=self.user_sales_salesman)
        stay = self.env["sales.cycle.stage.history"].search([("lead_id", "=", lead.id)])
        with self.assertRaises(AccessError):
            stay.write({"duration_days": 0})

    def test_time_in_stage_groups_in_read_group(self):
        t0 = datetime(2026, 3, 2, 9, 0, 0)
        with self.mock_datetime_and_now(t0):
            leads = self._create_opportunities(2)
        with self.mock_datetime_and_now(t0 + timedelta(days=2)):
            leads[0].stage_id = self.stage_team1_2
        with self.mock_datetime_and_now(t0 + timedelta(days=4)):
            leads[1].stage_id = self.stage_team1_2
        groups = self.History._read_group(
            [("lead_id", "in", leads.ids), ("date_out", "!=", False)],
            ["stage_id"], ["duration_days:avg", "max_duration_days:max", "__count"],
        )
        self.assertEqual(groups, [(self.stage_team1_1, 3.0, 4.0, 2)])

    def test_stays_note_where_the_lead_went_and_the_lead_counts_its_moves(self):
        lead = self._create_opportunities(1)
        self.assertEqual((lead.cycle_stage_count, lead.cycle_backward_count), (0, 0))
        counts = []
        for stage in (self.stage_team1_2, self.stage_gen_1, self.stage_team1_2, self.stage_team1_won):
            lead.stage_id = stage
            self.env.invalidate_all()  # flushed, then read back: the counts are stored
            counts.append((lead.cycle_stage_count, lead.cycle_backward_count))
        # every move counts, back into a stage it had been in too
        self.assertEqual(counts, [(1, 0), (2, 1), (3, 1), (4, 1)])
        self.assertEqual(lead.cycle_phase_reached_ids, self.phase_prospecting | self.phase_qualification
                         | self.phase_proposal | self.phase_closing)
        self.assertRecordValues(self._stays(lead), [
            {"stage_id": self.stage_team1_1.id, "next_stage_id": self.stage_team1_2.id,
             "next_direction": "forward"},
            {"stage_id": self.stage_team1_2.id, "next_stage_id": self.stage_gen_1.id,
             "next_direction": "backward"},
            {"stage_id": self.stage_gen_1.id, "next_stage_id": self.stage_team1_2.id,
             "next_direction": "forward"},
            {"stage_id": self.stage_team1_2.id, "next_stage_id": self.stage_team1_won.id,
             "next_direction": "forward"},
            {"stage_id": self.stage_team1_won.id, "next_stage_id": False, "next_direction": False},
        ])

    def test_bulk_recompute_agrees_with_the_live_path(self):
        leads = self._create_opportunities(3)
        leads.stage_id = self.stage_team1_2
        leads[:2].stage_id = self.stage_gen_1
        leads[0].stage_id = self.stage_team1_won
        leads[1].stage_id = False  # left every stage
        self.env.invalidate_all()  # the live figures as stored, and nothing left to flush
        stays = self.History.search([("lead_id", "in", leads.ids)], order="id")
        live_stays = stays.read(["next_stage_id", "next_direction"])
        live_leads = leads.read(["cycle_stage_count", "cycle_backward_count", "cycle_phase_reached_ids"])
        self.assertEqual([(r["cycle_stage_count"], r["cycle_backward_count"]) for r in live_leads],
                         [(3, 1), (2, 1), (1, 0)])
        self.env.cr.execute(
            "UPDATE sales_cycle_stage_history SET next_stage_id = NULL, next_direction = NULL"
            " WHERE lead_id = ANY(%s)", [leads.ids],
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET cycle_stage_count = 0, cycle_backward_count = 0 WHERE id = ANY(%s)",
            [leads.ids],
        )
        self.env.cr.execute(
            "DELETE FROM crm_lead_cycle_phase_reached_rel WHERE lead_id = ANY(%s)", [leads.ids]
        )
        self.env.invalidate_all()
        self.History._recompute_lead_figures()
        self.assertEqual(stays.read(["next_stage_id", "next_direction"]), live_stays)
        self.assertEqual(
            leads.read(["cycle_stage_count", "cycle_backward_count", "cycle_phase_reached_ids"]), live_leads
        )
        report = self.env["sales.cycle.report"].search([("lead_id", "in", leads.ids)])
        figures = {row.lead_id: (row.stage_changes, row.backward_moves) for row in report}
        self.assertEqual([figures[lead] for lead in leads], [(3, 1), (2, 1), (1, 0)])
