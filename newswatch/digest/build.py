"""The digest's content from warehouse rows: ranked stories with headline, summary, links, names,
tags, what is new since the previous digest, sections by topic and watchlist, the chart.

Everything here is plain Python over the rows of ``warehouse/reports/digest*.sql`` (fetched by
``newswatch.warehouse.reports``), so it is tested without a warehouse. Text from articles is
cleaned here (``safe.clean_text``) and URLs made safe (``safe.safe_url``); the templates then
escape for their format.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from newswatch.digest.chart import Chart, build_chart
from newswatch.digest.rank import Rank, rank
from newswatch.digest.safe import NAME_CHARS, SENTENCE_CHARS, TITLE_CHARS, clean_text, safe_url
from newswatch.digest.summary import Version, best_version, summarise
from newswatch.stories.facts import differences, facts_of

LINKS_SHOWN = 8  # originals listed per story; the rest are counted
NAMES_SHOWN = 5
TAGS_SHOWN = 6
# A story's topic tag is shown when at least this share of its original articles carry it (one
# article's stray subtopic does not speak for sixty); watchlist topics are shown whatever their share.
TAG_SHARE = 0.25
NEWS_SHOWN = 3  # new facts and disagreements per story
TOP_STORIES = 5
FACT_VERSIONS = 8  # versions read for new facts and compared for disagreements, per story


@dataclass(frozen=True, slots=True)
class Watchlist:
    """The configured watchlists: topics (id -> label) and names (entity id -> name)."""

    topics: Mapping[str, str] = field(default_factory=dict)
    entities: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Link:
    outlet: str
    title: str
    url: str | None  # None: nothing safe to link to (a local file, a script URL)
    published_at: datetime | None
    copies: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class Tag:
    topic: str
    label: str
    watched: bool


@dataclass(slots=True)
class Card:
    story_id: str
    headline: str
    summary: list[str]
    is_new: bool
    first_seen_at: datetime
    last_seen_at: datetime
    article_count: int
    version_count: int
    source_count: int
    new_today: int
    rank: Rank
    section: str  # its own top-level topic's label (story_topic: most leads, then best score)
    links: list[Link] = field(default_factory=list)
    more_links: int = 0
    names: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    watched: list[str] = field(default_factory=list)  # watchlist labels and names it matches
    new_outlets: list[str] = field(default_factory=list)
    more_new_outlets: int = 0
    new_facts: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    @property
    def copies(self) -> int:
        return self.version_count - self.article_count


@dataclass(slots=True)
class Section:
    title: str
    cards: list[Card]


@dataclass(slots=True)
class Digest:
    day: date
    timezone: str
    cards: list[Card]  # ranked, best first
    touched: int  # stories touched that day (cards may be fewer: max_stories)
    sections: list[Section] = field(default_factory=list)  # by top-level topic
    watchlists: list[Section] = field(default_factory=list)
    chart: Chart | None = None
    health: str | None = None
    outlet_count: int = 0  # outlets of the stories shown
    # "What is new" counts articles first seen from ``since``: where the previous digest of the
    # warehouse stopped looking (``since_last``), or, without one, the start of the day.
    since: datetime | None = None
    since_last: bool = False
    covered_until: datetime | None = None  # this digest saw articles first seen before this

    @property
    def new_count(self) -> int:
        return sum(1 for c in self.cards if c.is_new)

    @property
    def top(self) -> list[Card]:
        return self.cards[:TOP_STORIES]


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The day as a half-open range of aware datetimes in ``zone`` (23 or 25 hours on a DST change)."""
    return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles``; ``many`` for irregular plurals (``1 story``, ``3 stories``)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def link_url(row: Mapping[str, Any]) -> str | None:
    """The article's own web address: its URL, else its canonical URL (a file's front-matter `url`)."""
    return safe_url(row.get("url")) or safe_url(row.get("canonical_url"))


def rank_rows(stories: Iterable[Mapping[str, Any]], day_end: datetime) -> dict[str, Rank]:
    """The rank of each story row of ``reports/digest.sql`` (see ``rank.py``)."""
    return {
        r["story_id"]: rank(
            outlets=r["source_count"],
            articles=r["article_count"],
            new_today=r["new_today"],
            new_yesterday=r["new_yesterday"],
            is_new=bool(r["is_new"]),
            last_seen_at=r["last_seen_at"],
            day_end=day_end,
            watchlist_matches=len(r["watch_topics"] or []) + len(r["watch_entities"] or []),
        )
        for r in stories
    }


def choose(stories: Sequence[Mapping[str, Any]], ranks: Mapping[str, Rank], limit: int) -> list[Any]:
    """The ``limit`` best stories, best first; ties go to the one seen last, then to the id."""
    ordered = sorted(
        stories, key=lambda r: (-ranks[r["story_id"]].score, -r["last_seen_at"].timestamp(), r["story_id"])
    )
    return ordered[:limit]


def build_digest(
    day: date,
    zone: tzinfo,
    *,
    story_rows: Iterable[Mapping[str, Any]],
    article_rows: Iterable[Mapping[str, Any]],
    topic_rows: Iterable[Mapping[str, Any]] = (),
    entity_rows: Iterable[Mapping[str, Any]] = (),
    chart_rows: Iterable[Mapping[str, Any]] = (),
    health_rows: Iterable[Mapping[str, Any]] = (),
    watchlist: Watchlist | None = None,
    limit: int = 100,
    chart_days: int = 14,
    since: datetime | None = None,
    covered_until: datetime | None = None,
) -> Digest:
    """Shape the report rows into a ranked digest of at most ``limit`` stories.

    ``since`` is where the previous digest stopped looking (what is new counts from there); without
    it, from the start of the day. ``covered_until`` is when this digest read the warehouse
    (default: the day's end), recorded when it is issued as the next digest's ``since``.
    """
    watch = watchlist or Watchlist()
    start, end = day_bounds(day, zone)
    new_from = since if since is not None else start
    stories = list(story_rows)
    ranks = rank_rows(stories, end)
    stories = choose(stories, ranks, len(stories))
    chosen = stories[:limit]
    articles: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    outlets: set[str] = set()
    for a in article_rows:
        articles[a["story_id"]].append(a)
        outlets.add(a["source"])
    topics: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for t in topic_rows:
        topics[t["story_id"]].append(t)
    names: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for e in entity_rows:
        names[e["story_id"]].append(e)
    cards = [
        _card(r, ranks[r["story_id"]], articles[r["story_id"]], topics[r["story_id"]],
              names[r["story_id"]], watch, new_from, zone)
        for r in chosen
    ]  # fmt: skip
    digest = Digest(
        day=day, timezone=str(zone), cards=cards, touched=len(stories), outlet_count=len(outlets),
        since=new_from.astimezone(zone), since_last=since is not None,
        covered_until=min(covered_until, end) if covered_until is not None else end,
    )  # fmt: skip
    digest.sections = _sections(cards)
    digest.watchlists = _watchlists(cards, chosen, watch)
    days = [day - timedelta(days=chart_days - 1 - i) for i in range(chart_days)]
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for c in chart_rows:
        counts[str(c["label"])][c["day"]] = int(c["stories"])
    digest.chart = build_chart(days, counts)
    digest.health = health_note(health_rows)
    return digest


def _card(
    row: Mapping[str, Any],
    points: Rank,
    articles: Sequence[Mapping[str, Any]],
    topics: Sequence[Mapping[str, Any]],
    names: Sequence[Mapping[str, Any]],
    watch: Watchlist,
    new_from: datetime,
    zone: tzinfo,
) -> Card:
    originals = [a for a in articles if not a["copy_of"]]
    copies: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for a in articles:
        if a["copy_of"]:
            copies[a["copy_of"]].append(a)
    versions = [
        Version(a["article_id"], str(a["title"] or ""), f"{a['deck'] or ''}\n{a['body'] or ''}",
                len(copies[a["article_id"]]))
        for a in originals
    ]  # fmt: skip
    best = originals[best_version(versions)] if originals else None
    headline = clean_text(best["title"] if best else "(untitled)", TITLE_CHARS) or "(untitled)"
    summary = [clean_text(s, SENTENCE_CHARS) for s in summarise(versions, title=headline)]
    links = []
    for a in originals:
        link = _link(a)
        link.copies = [_link(c) for c in copies[a["article_id"]]]
        links.append(link)
    tags, section = _tags(topics, watch, int(row["article_count"]))
    card = Card(
        story_id=str(row["story_id"]),
        headline=headline,
        summary=summary,
        is_new=bool(row["is_new"]),
        first_seen_at=row["first_seen_at"].astimezone(zone),
        last_seen_at=row["last_seen_at"].astimezone(zone),
        article_count=int(row["article_count"]),
        version_count=int(row["version_count"]),
        source_count=int(row["source_count"]),
        new_today=int(row["new_today"]),
        rank=points,
        section=section,
        links=links[:LINKS_SHOWN],
        more_links=max(int(row["article_count"]) - LINKS_SHOWN, 0),
        names=[clean_text(n["entity"], NAME_CHARS) for n in names[:NAMES_SHOWN]],
        tags=tags,
    )
    card.watched = [t.label for t in tags if t.watched] + [
        clean_text(watch.entities[e], NAME_CHARS) for e in row["watch_entities"] or [] if e in watch.entities
    ]
    _whats_new(card, originals, articles, new_from)
    return card


def _link(a: Mapping[str, Any]) -> Link:
    return Link(
        outlet=clean_text(a["source"], NAME_CHARS) or "unknown outlet",
        title=clean_text(a["title"], TITLE_CHARS),
        url=link_url(a),
        published_at=a["published_at"],
    )


def _tags(topics: Sequence[Mapping[str, Any]], watch: Watchlist, originals: int = 1) -> tuple[list[Tag], str]:
    """The topics at least ``TAG_SHARE`` of the story's ``originals`` carry (when none does, all),
    the most specific of them (a parent implied by a child adds nothing), most carried first;
    watchlist topics whatever their share; and the story's own topic (``story_topic``)."""
    floor = max(1, math.ceil(TAG_SHARE * originals))
    carried = sorted(topics, key=lambda t: (-(t.get("articles") or 1), -t["score"], t["topic"]))
    kept = [t for t in carried if (t.get("articles") or 1) >= floor] or carried  # else the most carried
    parents = {t["parent"] for t in kept if t["parent"]}
    specific = [t for t in kept if t["topic"] not in parents]
    tags = [
        Tag(str(t["topic"]), clean_text(t["label"], NAME_CHARS), t["topic"] in watch.topics)
        for t in specific[:TAGS_SHOWN]
    ]
    watched_extra = [
        Tag(str(t["topic"]), clean_text(t["label"], NAME_CHARS), True)
        for t in topics
        if t["topic"] in watch.topics and t["topic"] not in {x.topic for x in tags}
    ]
    top = story_topic(topics)
    return tags + watched_extra, clean_text(top["label"], NAME_CHARS) if top else "Other news"


def story_topic(topics: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The top-level topic a story is filed under: the one most of its original articles lead with
    (their first top-level tag), then the best score. A story of many outlets is not filed under
    the one article whose odd topic happens to score highest. digest_chart.sql files stories the
    same way."""
    tops = [t for t in topics if not t["parent"]]
    return max(tops, key=lambda t: (t.get("leads") or 0, t["score"], t["topic"])) if tops else None


def _whats_new(
    card: Card,
    originals: Sequence[Mapping[str, Any]],
    articles: Sequence[Mapping[str, Any]],
    start: datetime,
) -> None:
    """New outlets and facts since ``start`` (the previous digest, or the day's start), and the
    versions that disagree where one of them is new since then."""
    known = [a for a in articles if a["first_seen_at"] < start]
    fresh = [a for a in articles if a["first_seen_at"] >= start]
    outlet = {a["article_id"]: clean_text(a["source"], NAME_CHARS) for a in articles}
    if known:
        before = {a["source"] for a in known}
        joined = sorted({outlet[a["article_id"]] for a in fresh if a["source"] not in before})
        card.new_outlets, card.more_new_outlets = joined[:LINKS_SHOWN], max(len(joined) - LINKS_SHOWN, 0)
        stated = set()
        for a in [x for x in originals if x["first_seen_at"] < start][:FACT_VERSIONS]:
            stated |= {(f.kind, f.role, f.value) for f in facts_of(a["article_id"], _text(a))[0]}
        for a in [x for x in originals if x["first_seen_at"] >= start][:FACT_VERSIONS]:
            for f in facts_of(a["article_id"], _text(a))[0]:
                line = f"{clean_text(f.quote, SENTENCE_CHARS)} ({outlet[a['article_id']]})"
                if (f.kind, f.role, f.value) not in stated and line not in card.new_facts:
                    card.new_facts.append(line)
        card.new_facts = card.new_facts[:NEWS_SHOWN]
    fresh_ids = {a["article_id"] for a in fresh}
    # Pairs of versions grow with the square of their number: the first published ones are compared.
    versions = [(a["article_id"], _text(a)) for a in originals[:FACT_VERSIONS]]
    for d in differences(versions):
        if d.a.article_id in fresh_ids or d.b.article_id in fresh_ids:
            card.disagreements.append(
                f"{d.kind}: “{clean_text(d.a.quote, 160)}” ({outlet[d.a.article_id]}) vs "
                f"“{clean_text(d.b.quote, 160)}” ({outlet[d.b.article_id]})"
            )
        if len(card.disagreements) == NEWS_SHOWN:
            break


def _text(a: Mapping[str, Any]) -> str:
    return f"{a['title']}.\n{a['deck'] or ''}\n{a['body'] or ''}"


def _sections(cards: Sequence[Card]) -> list[Section]:
    """One section per top-level topic, in the order of its best story; stories keep their rank."""
    groups: dict[str, list[Card]] = {}
    for c in cards:
        groups.setdefault(c.section, []).append(c)
    other = groups.pop("Other news", None)
    out = [Section(title[:1].upper() + title[1:], group) for title, group in groups.items()]
    if other:
        out.append(Section("Other news", other))
    return out


def _watchlists(cards: Sequence[Card], rows: Sequence[Mapping[str, Any]], watch: Watchlist) -> list[Section]:
    """The watchlist topics and names the digest's stories match; those matched by the very same
    stories share one line ("Wang Yi · Ishaq Dar: ..."), so a busy story is not listed ten times."""
    by_id = {c.story_id: c for c in cards}
    hits: dict[str, list[Card]] = {}
    for r in rows:
        card = by_id[r["story_id"]]
        for t in r["watch_topics"] or []:
            hits.setdefault(clean_text(watch.topics.get(t, t), NAME_CHARS), []).append(card)
        for e in r["watch_entities"] or []:
            hits.setdefault(clean_text(watch.entities.get(e, e), NAME_CHARS), []).append(card)
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, matched in hits.items():
        groups.setdefault(tuple(c.story_id for c in matched), []).append(name)
    sections = [Section(" · ".join(sorted(names)), [by_id[i] for i in ids]) for ids, names in groups.items()]
    return sorted(sections, key=lambda s: (-len(s.cards), s.title))


def health_note(rows: Iterable[Mapping[str, Any]]) -> str | None:
    """One line on the sources that are failing, or None when none is."""
    failing = list(rows)
    if not failing:
        return None
    parts = []
    for r in failing[:3]:
        n = int(r["consecutive_failures"])
        error = clean_text(r["last_error"] or "no reason recorded", 80)
        parts.append(f"{clean_text(r['source'], NAME_CHARS)} ({plural(n, 'failure')} in a row: {error})")
    more = f" and {plural(len(failing) - 3, 'other')}" if len(failing) > 3 else ""
    verb = "is" if len(failing) == 1 else "are"
    return f"{plural(len(failing), 'source')} {verb} failing: {'; '.join(parts)}{more}."


def watchlist_of(taxonomy: Any) -> Watchlist:
    """The watchlists of a taxonomy: its own topics (those without an IPTC code, which the user
    added to follow a subject) and its ``[[entity]]`` names."""
    return Watchlist(
        topics={t.id: t.label for t in taxonomy.topics if not t.iptc},
        entities={e.entity_id: e.name for e in taxonomy.entities},
    )
