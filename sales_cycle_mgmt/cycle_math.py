"""Plain computations of the sales cycle, with no ORM: unit-tested directly."""

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from dateutil import rrule

# The fewest observations (answers, closed deals, stays) behind a rate or an
# average shown as a number: below it, reports, the dashboard, the velocity and
# the stage benchmarks say "not enough data" and show the count instead.
MIN_SAMPLE = 5


def enough_data(count):
    """True when ``count`` observations are enough to show their rate or average."""
    return (count or 0) >= MIN_SAMPLE


PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
# The one definition of the Net Promoter buckets, shared by Python and the SQL
# reports: (bucket, lowest score, weight in the NPS), highest bucket first.
_NPS_BUCKETS = ((PROMOTER, 9, 100), (PASSIVE, 7, 0), (DETRACTOR, 0, -100))


def nps_thresholds():
    """(bucket, lowest score) pairs, highest first: a 0-10 answer belongs to the
    first bucket whose lowest score it reaches."""
    return tuple((bucket, low) for bucket, low, _weight in _NPS_BUCKETS)


def nps_weights():
    """{bucket: weight}: the NPS of some answers is the average of their weights."""
    return {bucket: weight for bucket, _low, weight in _NPS_BUCKETS}


def nps_bucket(score):
    """Net Promoter bucket of a 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"an NPS answer is a whole number from 0 to 10, not {score!r}")
    return next(bucket for bucket, low in nps_thresholds() if score >= low)


def nps_score(scores):
    """% promoters - % detractors over all answers, in [-100, 100], one decimal;
    None when there is no answer (a score of 0 would claim a balance)."""
    buckets = [nps_bucket(score) for score in scores]
    if not buckets:
        return None
    weights = nps_weights()
    return round(sum(weights[bucket] for bucket in buckets) / len(buckets), 1)


def next_working_day(day, weekend=(5, 6)):
    """The first day after ``day`` that is not a weekend day (Monday is 0)."""
    if not isinstance(day, date):
        raise TypeError(f"expected a date, not {day!r}")
    day += timedelta(days=1)
    while day.weekday() in weekend:
        day += timedelta(days=1)
    return day


# Cadences of pulse campaigns and one-on-one series: (rrule frequency, interval).
CADENCES = {
    "weekly": (rrule.WEEKLY, 1),
    "biweekly": (rrule.WEEKLY, 2),
    "monthly": (rrule.MONTHLY, 1),
    "quarterly": (rrule.MONTHLY, 3),
}


def recurrence(start, cadence):
    """The occurrences of a series of ``cadence`` from ``start`` (a datetime), as
    a ``dateutil`` rule like the ``calendar`` addon's. Every occurrence is counted
    from ``start``: a monthly series on the 31st falls on the last day of the
    shorter months and comes back to the 31st instead of drifting to the 28th."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}, expected one of {sorted(CADENCES)}")
    freq, interval = CADENCES[cadence]
    params = {}
    if freq == rrule.MONTHLY and start.day > 28:
        # the last of the days 28..start.day the month has, as "31st or last day"
        params = {"bymonthday": tuple(range(28, start.day + 1)), "bysetpos": -1}
    return rrule.rrule(freq, dtstart=start, interval=interval, **params)


def _as_datetime(day):
    return day if isinstance(day, datetime) else datetime.combine(day, time.min)


def occurrence(start, cadence, index):
    """The ``index``-th occurrence (0 is ``start``) of a series of ``cadence``;
    ``start`` is a date or a datetime, and so is the result."""
    if index < 0:
        raise ValueError(f"an occurrence index is 0 or more, not {index!r}")
    found = recurrence(_as_datetime(start), cadence)[index]
    return found if isinstance(start, datetime) else found.date()


def next_occurrence(start, cadence, after):
    """The first occurrence of the series starting at ``start`` (a date or a
    datetime) with ``cadence`` that falls on or after ``after``; ``start``
    itself when ``after`` is not later."""
    if isinstance(start, datetime) != isinstance(after, datetime):
        raise TypeError(f"start and after must both be dates or both datetimes: {start!r}, {after!r}")
    found = recurrence(_as_datetime(start), cadence).after(_as_datetime(after), inc=True)
    return found if isinstance(start, datetime) else found.date()

# ------------------------------------------------------------
# Sales content and customer questions
# ------------------------------------------------------------

_WEB_SCHEMES = ("http", "https")


def is_web_url(url):
    """True for an absolute http(s) address with a host and no whitespace or
    control characters (browsers strip those, so ``" javascript:..."`` would
    otherwise slip through)."""
    if not url or not isinstance(url, str) or re.search(r"[\s\x00-\x1f\x7f]", url):
        return False
    try:
        parsed = urlsplit(url)
        host = parsed.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parsed.scheme.lower() in _WEB_SCHEMES and bool(host)


def normalize_question(text):
    """The comparison key of a customer question: case, accents' composition,
    punctuation and spacing do not make two questions different."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())
