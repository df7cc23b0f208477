"""When an article's event happened, as far as story matching can tell, and how far apart two are.

An article with a publication date (the page, the feed, the record) is placed at it. One without
is *not* placed at the time we happened to read it (a file ingested months later would be months
from its dated neighbours); its text may still say when:

- a **dateline** ("CARCASSONNE, France, Oct 14 -", "OSLO, March 20 (Reuters) -") is the day it was
  filed: a point, to the day;
- **dates it states** ("killed on December 4", "between September 4 and September 9") happened
  before it was written: the latest of them is a *lower bound*. Dates in a sentence that speaks
  of the future ("will be held on", "next", "scheduled") are not read;
- otherwise its time is **unknown**: no evidence either way, only the upper bound that it was
  published before we first saw it.

Most stated dates carry no year. A year-less date is resolved against what it is compared with:
a dateline to the nearest such day, a stated past date to the latest such day at most
``AHEAD_DAYS`` after the other side (news states past events; a date further ahead is last year's).

``gap_hours`` gives the hours between an article and a story's span under these rules (0 when
they are compatible); story matching decays its score with it and drops candidates beyond its
window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MONTH_NUMBER = {
    **{
        m: i + 1
        for i, m in enumerate(
            "january february march april may june july august september october november december".split()
        )
    },
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    "sept": 9,
}
_MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# "October 14", "Oct. 14, 2025", "14 October 2025" (not "May" the verb: a day must follow or lead).
_DATE = re.compile(
    rf"(?=[JFMASOND0-9])\b(?:(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MON})\.?(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b(?!\d)"
)
# A dateline opens the body: upper-case place (maybe ", Country"), the day, maybe an agency, a dash.
_DATELINE = re.compile(
    rf"^\s*[A-Z][A-Z'.\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z.'\- ]{{1,30}})?,?\s+"
    rf"(?P<m>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:,?\s+(?P<y>(?:19|20)\d\d))?\s*(?:\([^)]{{1,40}}\))?\s*[-\u2013\u2014]"
)
_FUTURE = re.compile(r"\b(?:will|next|scheduled|due to|to be held|plans? to|expected to|until)\b", re.I)
# A stated past date may lie this far after the other side's time: the same year then; beyond, last year.
AHEAD_DAYS = 60
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar day as stated: the year only when the text gives it."""

    month: int
    day: int
    year: int | None = None

    def near(self, ref: datetime) -> datetime | None:
        """The day nearest ``ref`` (its year when stated), at 00:00 UTC."""
        if self.year is not None:
            return _at(self.year, self.month, self.day)
        options = [_at(ref.year + k, self.month, self.day) for k in (-1, 0, 1)]
        found = [d for d in options if d is not None]
        return min(found, key=lambda d: abs(d - ref)) if found else None

    def before(self, ref: datetime) -> datetime | None:
        """The latest such day no more than ``AHEAD_DAYS`` after ``ref`` (its year when stated)."""
        if self.year is not None:
            return _at(self.year, self.month, self.day)
        limit = ref + timedelta(days=AHEAD_DAYS)
        for k in (1, 0, -1, -2):
            d = _at(ref.year + k, self.month, self.day)
            if d is not None and d <= limit:
                return d
        return None


def _at(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:  # "February 30", "June 31"
        return None


@dataclass(frozen=True, slots=True)
class TextTime:
    """What the text alone says of when it was written (see the module docstring)."""

    dateline: Day | None = None
    stated: tuple[Day, ...] = ()  # past dates stated in the text, in order of appearance


def _day(month: str, day: str, year: str | None) -> Day | None:
    m = MONTH_NUMBER.get(month.lower().rstrip("."))
    d = int(day)
    if m is None or not 1 <= d <= 31:
        return None
    return Day(m, d, int(year) if year else None)


def text_time(title: str, body: str) -> TextTime:
    """The dateline and the past dates an article states (title, standfirst and body)."""
    dateline = None
    m = _DATELINE.match(body)
    if m:
        dateline = _day(m["m"], m["d"], m["y"])
    stated: list[Day] = []
    text = f"{title}.\n{body}"
    for dm in _DATE.finditer(text):
        # The sentence it stands in: a date in one that speaks of the future is not a past date.
        start = max(text.rfind(c, 0, dm.start()) for c in ".!?\n") + 1
        ends = [i for i in (text.find(c, dm.end()) for c in ".!?\n") if i != -1]
        if _FUTURE.search(text, start, min(ends) if ends else len(text)):
            continue
        day = _day(dm["m1"] or dm["m2"], dm["d1"] or dm["d2"], dm["y1"] or dm["y2"])
        if day is not None and day not in stated:
            stated.append(day)
    return TextTime(dateline, tuple(stated))


@dataclass(slots=True)
class When:
    """An article's time for story matching: ``at`` when published, else what its text says."""

    at: datetime | None  # the publication time, when known
    seen: datetime  # first seen (the publication time when known): it was published no later
    text: TextTime

    @property
    def known(self) -> bool:
        return self.at is not None

    def kind(self) -> str:
        if self.at is not None:
            return "published"
        if self.text.dateline is not None:
            return "dateline"
        if self.text.stated:
            return "stated dates"
        return "unknown"

    def point_near(self, ref: datetime) -> datetime | None:
        """The article's own time as a point, resolved near ``ref``: published, else the dateline."""
        if self.at is not None:
            return self.at
        if self.text.dateline is not None:
            return self.text.dateline.near(ref)
        return None

    def after(self, ref: datetime) -> datetime | None:
        """The latest past date it states, resolved against ``ref``: it was written no earlier."""
        days = [d for d in (s.before(ref) for s in self.text.stated) if d is not None]
        return max(days) if days else None


def _distance(t0: datetime, t1: datetime, first: datetime, last: datetime) -> float:
    """Hours between the span [t0, t1] and the span [first, last]; 0 when they overlap."""
    if t1 < first:
        return (first - t1).total_seconds() / 3600
    if t0 > last:
        return (t0 - last).total_seconds() / 3600
    return 0.0


def gap_hours(when: When, first: datetime | None, last: datetime | None, other: When | None) -> float:
    """Hours between an article and a story: its span of published members [first, last] when it
    has one, else ``other`` (the time of its founding article, which has no publication date)."""
    if first is not None and last is not None:
        if when.at is not None:
            return _distance(when.at, when.at, first, last)
        point = when.point_near(last)
        if point is not None:  # a dateline: that day, 24 hours wide
            return _distance(point, point + DAY, first, last)
        gap = _distance(when.seen, when.seen, first, first) if when.seen < first - DAY else 0.0
        floor = when.after(last)
        if floor is not None and floor > last + DAY:
            gap = max(gap, (floor - last - DAY).total_seconds() / 3600)
        return gap
    if other is None:
        return 0.0
    # The story has no published member: compare what both texts say.
    if when.at is None and other.at is not None:
        when, other = other, when
    ref = when.at or when.seen
    mine = when.point_near(ref)
    theirs = other.point_near(mine or ref)
    if mine is not None and theirs is not None:
        return _distance(mine, mine + DAY, theirs, theirs + DAY)
    if mine is not None:  # a point against the other's stated past dates: not before them
        floor = other.after(mine)
        return max(0.0, (floor - mine - DAY).total_seconds() / 3600) if floor is not None else 0.0
    if theirs is not None:
        floor = when.after(theirs)
        return max(0.0, (floor - theirs - DAY).total_seconds() / 3600) if floor is not None else 0.0
    return 0.0
