from datetime import datetime, timedelta

import psycopg2

from odoo.tests import tagged

from .common import SalesCycleCommon, stock_duration_tracking


@tagged("post_install", "-at_install")
class TestBackfill(SalesCycleCommon):
    def _lead_with_tracked_moves(self, t0, moves):
        """A lead created at t0 then moved at t0 + offset (days) to each stage,
        with stock stage tracking in its chatter; its live history is removed so
        it looks like a lead from before the addon."""
        with self.mock_datetime_and_now(t0):
            lead = self._create_opportunities(1)
            self.flush_tracking()
        for days, stage in moves:
            with self.mock_datetime_and_now(t0 + timedelta(days=days)):
                lead.stage_id = stage
                self.flush_tracking()
        self.History.search([("lead_id", "=", lead.id)]).unlink()
        return lead

    def test_backfilled_durations_equal_stock_duration_tracking(self):
        t0 = datetime(2026, 1, 5, 8, 0, 0)
        lead_a = self._lead_with_tracked_moves(t0, [
            (2.5, self.stage_gen_1), (4, self.stage_team1_2), (9, self.stage_gen_1),
        ])
        lead_b = self._lead_with_tracked_moves(t0 + timedelta(hours=5), [(1, self.stage_team1_won)])
        lead_c = self._lead_with_tracked_moves(t0, [])
        now = t0 + timedelta(days=20)
        with self.mock_datetime_and_now(now):
            inserted = self.History._backfill_from_tracking()
            self.assertEqual(inserted, 4 + 2 + 1)
            for lead in lead_a | lead_b | lead_c:
                expected = stock_duration_tracking(lead)
                got = {}
                for stay in self._stays(lead):
                    end = stay.date_out or now
                    got[stay.stage_id.id] = got.get(stay.stage_id.id, 0) + int(
                        (end - stay.date_in).total_seconds()
                    )
                self.assertEqual(got, expected, lead.name)

        stays_a = self._stays(lead_a)
        self.assertEqual(
            stays_a.mapped("stage_id"),
            self.stage_team1_1 | self.stage_gen_1 | self.stage_team1_2 | self.stage_gen_1,
        )
        self.assertEqual(stays_a.mapped("direction"), ["first", "forward", "forward", "backward"])
        self.assertEqual(stays_a.mapped("duration_days")[:3], [2.5, 1.5, 5.0])
        # what the live path notes, derived for the backfilled stays too
        self.assertEqual(stays_a.mapped("next_stage_id")[:3],
                         self.stage_gen_1 | self.stage_team1_2 | self.stage_gen_1)
        self.assertEqual(stays_a.mapped("next_direction"), ["forward", "forward", "backward", False])
        self.assertEqual((lead_a.cycle_stage_count, lead_a.cycle_backward_count), (3, 1))
        self.assertEqual(lead_a.cycle_phase_reached_ids,
                         self.phase_prospecting | self.phase_qualification | self.phase_proposal)
        self.assertEqual((lead_c.cycle_stage_count, lead_c.cycle_backward_count), (0, 0))
        self.assertEqual(len(stays_a.filtered(lambda s: not s.date_out)), 1)
        self.assertEqual(self._stays(lead_c).date_in, lead_c.create_date, "one open stay")
        self.assertFalse(self._stays(lead_c).date_out)

    def test_backfill_rewrites_no_row_of_a_lead_that_never_moved(self):
        # installing on a big pipeline: the counts' new columns are empty, and
        # a lead without stage changes keeps its row as it is (same ctid)
        lead = self._lead_with_tracked_moves(datetime(2026, 1, 5, 8, 0, 0), [])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET cycle_stage_count = NULL, cycle_backward_count = NULL WHERE id = %s",
            [lead.id],
        )
        self.env.cr.execute("SELECT ctid FROM crm_lead WHERE id = %s", [lead.id])
        ctid = self.env.cr.fetchone()[0]
        self.assertEqual(self.History._backfill_from_tracking(), 1)
        self.env.cr.execute("SELECT ctid, cycle_stage_count FROM crm_lead WHERE id = %s", [lead.id])
        self.assertEqual(self.env.cr.fetchone(), (ctid, None))
        self.env.invalidate_all()
        self.assertEqual(lead.cycle_stage_count, 0)

    def test_backfill_is_idempotent(self):
        t0 = datetime(2026, 1, 5, 8, 0, 0)
        lead = self._lead_with_tracked_moves(t0, [(3, self.stage_team1_2)])
        self.assertEqual(self.History._backfill_from_tracking(), 2)
        before = self._stays(lead).read(["stage_id", "date_in", "date_out", "duration_days"])
        self.assertEqual(self.History._backfill_from_tracking(), 0)
        self.assertEqual(
            self._stays(lead).read(["stage_id", "date_in", "date_out", "duration_days"]), before
        )

    def test_backfilled_lead_continues_with_live_history(self):
        t0 = datetime(2026, 1, 5, 8, 0, 0)
        lead = self._lead_with_tracked_moves(t0, [(3, self.stage_team1_2)])
        self.History._backfill_from_tracking()
        with self.mock_datetime_and_now(t0 + timedelta(days=10)):
            lead.stage_id = self.stage_team1_won
        stays = self._stays(lead)
        self.assertEqual(len(stays), 3)
        self.assertEqual(stays[1].duration_days, 7.0)
        self.assertEqual(stays[2].direction, "forward")

    def test_backfill_into_empty_tables_builds_their_indexes_and_foreign_keys_after_the_load(self):
        t0 = datetime(2026, 1, 5, 8, 0, 0)
        lead = self._lead_with_tracked_moves(t0, [(3, self.stage_gen_1), (5, self.stage_team1_2)])
        keys = """SELECT tablename, indexname, indexdef FROM pg_indexes
                   WHERE tablename IN ('sales_cycle_stage_history', 'crm_lead_cycle_phase_reached_rel')
                   UNION ALL
                  SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid IN ('sales_cycle_stage_history'::regclass,
                                      'crm_lead_cycle_phase_reached_rel'::regclass)
                ORDER BY 1, 2, 3"""
        self.env.cr.execute(keys)
        before = self.env.cr.fetchall()
        self.assertEqual(len([key for key in before if "FOREIGN KEY" in key[2]]), 7 + 2)
        # as on install
        self.env.cr.execute("DELETE FROM sales_cycle_stage_history")
        self.env.cr.execute("DELETE FROM crm_lead_cycle_phase_reached_rel")
        count = self.History._backfill_from_tracking()
        self.env.cr.execute("SELECT count(*) FROM sales_cycle_stage_history")
        self.assertEqual(count, self.env.cr.fetchone()[0])
        self.env.cr.execute(keys)
        self.assertEqual(self.env.cr.fetchall(), before, "every index and foreign key is back, as it was")
        phases = self._stays(lead).cycle_phase_id
        self.assertTrue(phases)
        self.assertEqual(lead.cycle_phase_reached_ids, phases)
        self.assertEqual(lead.cycle_phases_reached_key, ",".join(map(str, sorted(phases.ids))))
        self.assertEqual(self._stays(lead).mapped("stage_id"),
                         self.stage_team1_1 | self.stage_gen_1 | self.stage_team1_2)
        # the summary holds the backfilled stays as the live ones
        self.env.cr.execute("""SELECT sum(stay_count) FROM sales_cycle_stage_summary""")
        summed = self.env.cr.fetchone()[0]
        self.env.cr.execute("""SELECT count(*) FROM sales_cycle_stage_history
                                WHERE date_out IS NULL OR duration_days IS NOT NULL""")
        self.assertEqual(summed, self.env.cr.fetchone()[0])
        # the open stays' unique index is there again: a second open stay is refused
        with self.assertRaises(psycopg2.errors.UniqueViolation), self.cr.savepoint():
            self.env.cr.execute("""
                INSERT INTO sales_cycle_stage_history (lead_id, stage_id, date_in, direction)
                VALUES (%s, %s, now(), 'first')
            """, [lead.id, self.stage_gen_1.id])
        # and so are the foreign keys: a stay of a lead that does not exist is refused
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation), self.cr.savepoint():
            self.env.cr.execute("""
                INSERT INTO sales_cycle_stage_history (lead_id, stage_id, date_in, direction)
                VALUES (%s, %s, now(), 'first')
            """, [lead.id + 1000000, self.stage_gen_1.id])
