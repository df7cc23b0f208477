"""The order of the digest: what matters to a desk first (docs/digest.md explains each part).

A story's score is a sum of points a reader can check against what the digest shows:

- outlets: ``log2(1 + outlets)`` x 2: the second outlet counts most, the twentieth little more;
- articles: ``log2(1 + articles)`` (originals; copies count once);
- growth: ``log2(1 + articles first seen today)``, doubled for a story that was already running
  and grew faster today than the day before (a developing story);
- recency: up to 1 point, halving every 12 hours since the story's last article before the
  digest's end of day;
- watchlists: 1.5 points per watchlist topic or name the story matches, at most 3 matches.

The weights are editorial choices stated here, not fitted to any data; ties go to the story seen
last, then to its id, so the order is stable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

OUTLET_WEIGHT = 2.0
ARTICLE_WEIGHT = 1.0
GROWTH_WEIGHT = 1.0
RECENCY_HALF_LIFE_HOURS = 12.0
WATCHLIST_POINTS = 1.5
WATCHLIST_CAP = 3


@dataclass(frozen=True, slots=True)
class Rank:
    score: float
    outlets: float
    articles: float
    growth: float
    recency: float
    watchlist: float

    def explain(self) -> str:
        parts = [
            ("outlets", self.outlets),
            ("articles", self.articles),
            ("growth", self.growth),
            ("recency", self.recency),
            ("watchlist", self.watchlist),
        ]
        return " + ".join(f"{name} {value:.1f}" for name, value in parts if value) or "0"


def rank(
    *,
    outlets: int,
    articles: int,
    new_today: int,
    new_yesterday: int,
    is_new: bool,
    last_seen_at: datetime,
    day_end: datetime,
    watchlist_matches: int,
) -> Rank:
    """The points of one story (see the module docstring)."""
    o = OUTLET_WEIGHT * math.log2(1 + max(outlets, 0))
    a = ARTICLE_WEIGHT * math.log2(1 + max(articles, 0))
    g = GROWTH_WEIGHT * math.log2(1 + max(new_today, 0))
    if not is_new and new_today > new_yesterday:
        g *= 2
    age_hours = max((day_end - last_seen_at).total_seconds() / 3600.0, 0.0)
    r = 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS)
    w = WATCHLIST_POINTS * min(max(watchlist_matches, 0), WATCHLIST_CAP)
    return Rank(round(o + a + g + r + w, 4), round(o, 4), round(a, 4), round(g, 4), round(r, 4), w)
