"""Plain computations of the sales cycle, with no ORM: unit-tested directly."""

import re
import unicodedata
from datetime import date, timedelta
from urllib.parse import urlsplit

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
