import unittest
from datetime import date

from ..cycle_math import next_working_day, nps_bucket, nps_score


class TestNps(unittest.TestCase):
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


class TestWorkingDays(unittest.TestCase):
    def test_next_working_day_skips_the_weekend(self):
        self.assertEqual(next_working_day(date(2026, 11, 27)), date(2026, 11, 30))  # Fri -> Mon
        self.assertEqual(next_working_day(date(2026, 11, 28)), date(2026, 11, 30))  # Sat -> Mon
        self.assertEqual(next_working_day(date(2026, 11, 24)), date(2026, 11, 25))  # Tue -> Wed
        with self.assertRaises(TypeError):
            next_working_day("2026-11-27")
