from datetime import date, datetime

from odoo.tests import BaseCase, tagged

from ..cycle_math import next_occurrence, next_working_day, nps_bucket, nps_score, occurrence


# plain functions, no database: BaseCase so that Odoo's test runner runs them too
@tagged("post_install", "-at_install")
class TestNps(BaseCase):
    def test_buckets_at_their_edges(self):
        self.assertEqual([nps_bucket(s) for s in (0, 6, 7, 8, 9, 10)],
                         ["detractor", "detractor", "passive", "passive", "promoter", "promoter"])

    def test_out_of_range_or_non_integer_answers_are_refused(self):
        for bad in (-1, 11, 7.5, "9", None, True):
            with self.assertRaises(ValueError, msg=repr(bad)):
                nps_bucket(bad)
        with self.assertRaises(ValueError):
            nps_score([9, 12])

    def test_score_is_promoters_minus_detractors_percent(self):
        self.assertEqual(nps_score([10, 9, 8, 3]), 25.0)
        self.assertEqual(nps_score([9, 9, 9]), 100.0)
        self.assertEqual(nps_score([0, 6]), -100.0)
        self.assertEqual(nps_score([10, 0, 7]), 0.0)
        self.assertEqual(nps_score([9, 8, 8]), 33.3, "one decimal")

    def test_no_answer_has_no_score_and_all_passives_score_zero(self):
        self.assertIsNone(nps_score([]))
        self.assertEqual(nps_score([7, 8, 8]), 0.0)

    def test_one_answer(self):
        self.assertEqual(nps_score([10]), 100.0)
        self.assertEqual(nps_score([7]), 0.0)
        self.assertEqual(nps_score([0]), -100.0)

    def test_score_takes_any_iterable_and_refuses_out_of_range_scores(self):
        self.assertEqual(nps_score(score for score in (9, 6)), 0.0)
        self.assertIsNone(nps_score(iter(())))
        for bad in ([10, -1], [11], [9.0], [None]):
            with self.assertRaises(ValueError, msg=repr(bad)):
                nps_score(bad)


@tagged("post_install", "-at_install")
class TestWorkingDays(BaseCase):
    def test_next_working_day_skips_the_weekend(self):
        self.assertEqual(next_working_day(date(2026, 11, 27)), date(2026, 11, 30))  # Fri -> Mon
        self.assertEqual(next_working_day(date(2026, 11, 28)), date(2026, 11, 30))  # Sat -> Mon
        self.assertEqual(next_working_day(date(2026, 11, 24)), date(2026, 11, 25))  # Tue -> Wed
        with self.assertRaises(TypeError):
            next_working_day("2026-11-27")


@tagged("post_install", "-at_install")
class TestNextOccurrence(BaseCase):
    def test_start_itself_when_not_yet_passed(self):
        start = datetime(2026, 3, 3, 9, 0)
        self.assertEqual(next_occurrence(start, "monthly", datetime(2026, 3, 1)), start)
        self.assertEqual(next_occurrence(start, "weekly", start), start, "on or after")

    def test_each_cadence(self):
        start = date(2026, 1, 5)
        after = date(2026, 1, 6)
        self.assertEqual(next_occurrence(start, "weekly", after), date(2026, 1, 12))
        self.assertEqual(next_occurrence(start, "biweekly", after), date(2026, 1, 19))
        self.assertEqual(next_occurrence(start, "monthly", after), date(2026, 2, 5))
        self.assertEqual(next_occurrence(start, "quarterly", after), date(2026, 4, 5))
        self.assertEqual(next_occurrence(start, "quarterly", date(2027, 1, 6)), date(2027, 4, 5))
        self.assertEqual(next_occurrence(start, "weekly", date(2026, 12, 31)), date(2027, 1, 4))

    def test_month_ends_come_back_to_the_start_day(self):
        start = date(2026, 1, 31)
        self.assertEqual(next_occurrence(start, "monthly", date(2026, 2, 1)), date(2026, 2, 28))
        self.assertEqual(next_occurrence(start, "monthly", date(2026, 3, 1)), date(2026, 3, 31))
        self.assertEqual([occurrence(start, "monthly", i) for i in range(4)],
                         [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)])
        self.assertEqual(occurrence(date(2028, 1, 30), "monthly", 1), date(2028, 2, 29), "leap year")
        self.assertEqual(occurrence(date(2028, 1, 30), "monthly", 2), date(2028, 3, 30))
        self.assertEqual([occurrence(date(2025, 11, 30), "quarterly", i) for i in range(3)],
                         [date(2025, 11, 30), date(2026, 2, 28), date(2026, 5, 30)])

    def test_far_occurrences_do_not_drift(self):
        # counted from the start, not from the previous occurrence: the 100th
        # monthly occurrence of a series on the 31st is on the 31st again
        self.assertEqual(occurrence(date(2026, 1, 31), "monthly", 100), date(2034, 5, 31))
        self.assertEqual(next_occurrence(date(2026, 1, 31), "monthly", date(2034, 5, 1)),
                         date(2034, 5, 31))
        self.assertEqual(occurrence(date(2026, 1, 5), "biweekly", 26), date(2027, 1, 4))

    def test_time_of_day_counts(self):
        start = datetime(2026, 1, 5, 9, 0)
        self.assertEqual(next_occurrence(start, "weekly", datetime(2026, 1, 12, 9, 0)),
                         datetime(2026, 1, 12, 9, 0))
        self.assertEqual(next_occurrence(start, "weekly", datetime(2026, 1, 12, 9, 1)),
                         datetime(2026, 1, 19, 9, 0))
        self.assertEqual(next_occurrence(datetime(2026, 1, 31, 9, 30), "monthly", datetime(2026, 2, 1)),
                         datetime(2026, 2, 28, 9, 30), "the time of day stays at month ends")

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            next_occurrence(date(2026, 1, 5), "daily", date(2026, 2, 1))
        with self.assertRaises(ValueError):
            next_occurrence(date(2026, 1, 5), "yearly", date(2025, 2, 1))
        with self.assertRaises(ValueError):
            occurrence(date(2026, 1, 5), "weekly", -1)
        with self.assertRaises(TypeError):
            next_occurrence(datetime(2026, 1, 5, 9), "weekly", date(2026, 2, 1))
