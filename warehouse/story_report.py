"""One story from the warehouse, explained: members, outlets, first and last seen, evidence, differences."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from newswatch.digest.build import story_topic
from newswatch.stories.facts import Difference, differences
from newswatch.warehouse.db import query, report_sql
from newswatch.warehouse.merges import resolve_story
from newswatch.warehouse.reports import dicts, with_id_list

# The digest's reports read the articles first seen before an end: here, every one.
_EVERY_MEMBER = datetime(9999, 12, 31, tzinfo=UTC)


@dataclass(slots=True)
class Member:
    article_id: str
    source: str
    title: str
    url: str
    published_at: datetime | None
    first_seen_at: datetime
    copy_of: str | None
    score: float | None
    opened_story: bool
    evidence: dict[str, Any]


@dataclass(slots=True)
class StoryReport:
    story_id: str
    asked_for: str  # the id asked for (a merged id leads here)
    title: str
    first_seen_at: datetime
    last_seen_at: datetime
    first_published_at: datetime | None
    last_published_at: datetime | None
    article_count: int
    version_count: int
    outlets: list[str]
    members: list[Member] = field(default_factory=list)
    merged_from: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    topic: str | None = None  # its own top-level topic's label, as the digest files it
    topic_leads: int = 0  # how many of its originals lead with that topic


def story_report(conn: duckdb.DuckDBPyConnection, story_id: str) -> StoryReport | None:
    """The story ``story_id`` (or the one it was merged into), or None when there is none."""
    sid = resolve_story(conn, story_id)
    row = conn.execute(query("story_row"), [sid]).fetchone()
    if row is None:
        return None
    rows = conn.execute(query("story_members"), [sid]).fetchall()
    title, first_seen, last_seen, first_pub, last_pub, count, versions = row
    report = StoryReport(
        sid, story_id, title, first_seen, last_seen, first_pub, last_pub, count, versions,
        outlets=sorted({r[1] for r in rows}),
    )  # fmt: skip
    texts: list[tuple[str, str]] = []
    for r in rows:
        evidence = json.loads(r[9]) if isinstance(r[9], str) else (r[9] or {})
        report.members.append(Member(*r[:9], evidence=evidence))  # type: ignore[misc]
        if r[6] is None:  # copies say what their original says
            texts.append((r[0], f"{r[2]}.\n{r[10] or ''}\n{r[11]}"))
    report.merged_from = [m[0] for m in conn.execute(query("story_merged_from"), [sid]).fetchall()]
    try:  # the story's topics as the digest reads them (its leads counted from its own articles)
        sql, params = with_id_list(report_sql("digest_topics"), "story_ids", [sid])
        top = story_topic(dicts(conn.execute(sql, {**params, "end": _EVERY_MEMBER})))
    except (duckdb.BinderException, duckdb.CatalogException):  # read-only, written by an older version
        top = None
    if top is not None:
        report.topic, report.topic_leads = str(top["label"] or top["topic"]), int(top["leads"] or 0)
    report.differences = differences(texts)
    return report


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def render_text(report: StoryReport) -> str:
    """The story as plain text, the way `newswatch story ID` prints it."""
    lines = [f"Story {report.story_id}: {report.title}"]
    if report.asked_for != report.story_id:
        lines.append(f"({report.asked_for} was merged into this story)")
    lines += [
        f"First seen {_when(report.first_seen_at)}, last seen {_when(report.last_seen_at)}",
        f"Published {_when(report.first_published_at)} to {_when(report.last_published_at)}",
        f"{report.article_count} articles ({report.version_count} versions with copies)"
        f" from {len(report.outlets)} outlets: {', '.join(report.outlets)}",
    ]
    if report.merged_from:
        lines.append(f"Merged from: {', '.join(report.merged_from)}")
    if report.topic:
        originals = sum(1 for m in report.members if not m.copy_of)
        lines.append(f"Topic: {report.topic} ({report.topic_leads} of {originals} articles lead with it)")
    lines += ["", "Members:"]
    for m in report.members:
        how = (
            f"copy of {m.copy_of}"
            if m.copy_of
            else "opened the story"
            if m.opened_story
            else f"score {m.score:.3f}"
            if m.score is not None
            else "placed earlier"
        )
        lines.append(f"- {m.article_id} [{m.source}] {m.title}")
        lines.append(f"    {_when(m.published_at or m.first_seen_at)}  {how}  {m.url}")
        ev = m.evidence
        if not m.copy_of and (ev.get("shared_entities") or ev.get("shared_terms")):
            lines.append(
                f"    evidence: lexical {ev.get('lexical')}, names {ev.get('entities')};"
                f" shared names: {', '.join(map(str, ev.get('shared_entities') or [])) or '-'};"
                f" shared terms: {', '.join(map(str, ev.get('shared_terms') or [])) or '-'}"
            )
    lines += ["", "Where versions differ:"]
    if not report.differences:
        lines.append("- nothing found (no dates, figures or role holders that contradict)")
    for d in report.differences:
        lines.append(f"- {d.kind} ({d.role}): {d.a.value} vs {d.b.value}")
        lines.append(f'    {d.a.article_id}: "{d.a.quote}"')
        lines.append(f'    {d.b.article_id}: "{d.b.quote}"')
    return "\n".join(lines)


def as_json(report: StoryReport) -> dict[str, Any]:
    from dataclasses import asdict

    return json.loads(json.dumps(asdict(report), default=str))
