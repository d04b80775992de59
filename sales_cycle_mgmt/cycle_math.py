"""Plain computations of the sales cycle, with no ORM: unit-tested directly."""

from datetime import date, timedelta

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"


def nps_bucket(score):
    """Net Promoter bucket of a 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is a whole number from 0 to 10, not {score!r}")
    if score >= 9:
        return PROMOTER
    if score >= 7:
        return PASSIVE
    return DETRACTOR


def nps_score(scores):
    """% promoters - % detractors over all answers, in [-100, 100], one decimal;
    None when there is no answer (a score of 0 would claim a balance)."""
    buckets = [nps_bucket(score) for score in scores]
    if not buckets:
        return None
    promoters, detractors = buckets.count(PROMOTER), buckets.count(DETRACTOR)
    return round(100.0 * (promoters - detractors) / len(buckets), 1)


def next_working_day(day, weekend=(5, 6)):
    """The first day after ``day`` that is not a weekend day (Monday is 0)."""
    if not isinstance(day, date):
        raise TypeError(f"expected a date, not {day!r}")
    day += timedelta(days=1)
    while day.weekday() in weekend:
        day += timedelta(days=1)
    return day
