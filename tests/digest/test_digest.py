"""The digest renders untrusted titles, outlets, names and URLs: nothing in them may become markup,
a link or a reordering of what a reader sees; and it reads right (ranks, plurals, summaries, links)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newswatch.digest import Watchlist, build_digest, day_bounds, plural, render
from newswatch.digest.chart import build_chart, svg
from newswatch.digest.rank import rank
from newswatch.digest.safe import clean_text, md_escape, md_link, safe_url
from newswatch.digest.summary import Version, best_version, summarise

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EVIL_URL = "https://evil.example/a)\n<img src=x onerror=alert(1)>\n[x](javascript:alert(2))"


def story(sid: str = "s_1", **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "story_id": sid,
        "article_count": 1,
        "version_count": 1,
        "source_count": 1,
        "first_seen_at": NOW,
        "last_seen_at": NOW,
        "new_today": 1,
        "new_yesterday": 0,
        "is_new": True,
        "watch_topics": [],
        "watch_entities": [],
    }
    row.update(over)
    return row


def article(aid: str, sid: str = "s_1", **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "story_id": sid,
        "article_id": aid,
        "source": "wire",
        "title": f"title {aid}",
        "url": f"https://example.org/{aid}",
        "canonical_url": f"https://example.org/{aid}",
        "published_at": None,
        "first_seen_at": NOW,
        "copy_of": None,
        "deck": None,
        "body": "",
    }
    row.update(over)
    return row


def hostile_digest():  # type: ignore[no-untyped-def]
    stories = [story(version_count=6, article_count=5, source_count=5)]
    articles = [
        article("a_1", title="<script>alert(1)</script> *bold* [x](y)", source="<img src=x onerror=alert(2)>",
                url="javascript:alert(3)"),
        article("a_2", title="copy", url="https://example.org/a?b=1&c=<2>", copy_of="a_1"),
        article("a_3", title="Newline URL", url=EVIL_URL, canonical_url=EVIL_URL),
        article("a_4", title="Local", url="file:///etc/passwd", canonical_url="file:///etc/passwd"),
        article("a_5", title="Invoice \u202egpj.exe\u202c \u2066x\u2069\x07 now", source="Bidi\u202e Outlet"),
        article("a_6", title="Long " * 24_000, source="L" * 5000),
    ]  # fmt: skip
    topics = [
        {"story_id": "s_1", "topic": "terrorism", "label": "act of terror", "parent": None, "score": 3.0,
         "articles": 1},
    ]  # fmt: skip
    return build_digest(DAY, UTC, story_rows=stories, article_rows=articles, topic_rows=topics)


def test_html_digest_escapes_everything_it_did_not_write() -> None:
    html = render(hostile_digest(), "html")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert "javascript:" not in html  # a script URL is no link at all
    assert 'href="file:' not in html and "file:///etc/passwd" not in html
    assert 'href="https://example.org/a?b=1&amp;c=%3C2%3E"' in html
    # a URL with newlines in it is not one URL: no link, and its markup never reaches the page
    assert "evil.example" not in html and '<span class="nolink">Newline URL</span>' in html
    assert "\u202e" not in html and "\u2066" not in html and "\x07" not in html
    assert "Invoice gpj.exe x now" in html
    assert max(len(line) for line in re.findall(r"<h3>(.*?)</h3>", html)) <= 301
    assert "L" * 81 not in html  # outlet names are cut too
    assert "act of terror" in html


def test_markdown_digest_escapes_markdown_and_keeps_links_whole() -> None:
    md = render(hostile_digest(), "md")
    assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\]\\(y\\)" in md
    assert "javascript:" not in md and "file:" not in md
    # finding: a record URL with newlines put a raw <img onerror> line into the Markdown
    assert not any(line.lstrip().startswith(("<", "[x]")) for line in md.splitlines())
    assert not re.search(r"(?<!\\)<img", md)  # only ever escaped
    assert "evil.example" not in md
    assert "- wire: Newline URL\n" in md  # shown as text, not as a link
    assert "\u202e" not in md and "\x07" not in md
    assert "5 articles (+1 copy) from 5 outlets" in md


def test_safe_url_keeps_http_links_only_and_encodes_what_could_end_a_link() -> None:
    assert safe_url("https://example.org/x y") is None  # two words are not one URL
    assert (
        safe_url("https://example.org/a(b)[c]<d>'e\"") == "https://example.org/a%28b%29%5Bc%5D%3Cd%3E%27e%22"
    )
    assert safe_url("  HTTP://Example.org/ok?a=1&b=2#f ") == "HTTP://Example.org/ok?a=1&b=2#f"
    assert safe_url("https://example.org/caf%C3%A9") == "https://example.org/caf%C3%A9"
    for bad in (
        "javascript:alert(1)",
        " JAVASCRIPT:x",
        "data:text/html,x",
        "vbscript:x",
        "//evil",
        "file:///etc/passwd",
        "https://",
        "http:/x",
        "mailto:a@b",
        "",
        None,
        "https://a\nb",
    ):
        assert safe_url(bad) is None, bad  # fmt: skip
    assert md_link("t", None) == "t"
    assert md_link("a]b", "https://x.org/") == "[a\\]b](<https://x.org/>)"


def test_clean_text_removes_what_reorders_or_hides_text_and_cuts_long_fields() -> None:
    assert clean_text("a\u202eb\u202cc\u2067d\u2069\u200fe\x00f\x1bg\u0085h\U000e0041i") == "abcdefghi"
    assert clean_text("line\none\ttwo\r\n") == "line one two"
    assert clean_text("نیم\u200cفاصله") == "نیم\u200cفاصله"  # the joiner Persian needs stays
    cut = clean_text("word " * 1000, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(" …")
    assert clean_text("\ud800 lone") == "lone"
    assert (
        md_escape("a_b*c`d<e>[f](g)#h|i~j!k&l\\m")
        == "a\\_b\\*c\\`d\\<e\\>\\[f\\]\\(g\\)\\#h\\|i\\~j\\!k\\&l\\\\m"
    )


def test_plurals_read_right() -> None:
    assert plural(1, "article") == "1 article" and plural(2, "article") == "2 articles"
    assert plural(1, "story", "stories") == "1 story" and plural(0, "story", "stories") == "0 stories"
    assert plural(1200, "outlet") == "1,200 outlets"
    d = build_digest(DAY, UTC, story_rows=[story()], article_rows=[article("a_1")])
    md, html = render(d, "md"), render(d, "html")
    for text in (md, html):
        assert "1 article from 1 outlet" in text and "1 story (1 new)" in text
        assert "1 articles" not in text and "1 sources" not in text


def test_copies_are_listed_under_their_original_and_count_once() -> None:
    rows = [story(article_count=2, version_count=3, source_count=3)]
    arts = [
        article("a_1", source="Dawn"),
        article("a_2", source="Wire copy", copy_of="a_1"),
        article("a_3", source="The News", url="file:///x/y.md", canonical_url="https://thenews.example/y"),
    ]
    d = build_digest(DAY, UTC, story_rows=rows, article_rows=arts)
    card = d.cards[0]
    assert [link.outlet for link in card.links] == ["Dawn", "The News"]
    assert [c.outlet for c in card.links[0].copies] == ["Wire copy"]
    assert card.links[1].url == "https://thenews.example/y"  # the front-matter URL, not the file
    md = render(d, "md")
    assert "2 articles (+1 copy) from 3 outlets" in md
    assert "copy, Wire copy: [title a\\_2](<https://example.org/a_2>)" in md


def test_topics_are_tags_not_a_comma_soup_and_watchlists_get_sections() -> None:
    rows = [story("s_1", watch_topics=["cpec"], watch_entities=["person:wang-yi"]), story("s_2")]
    arts = [article("a_1", "s_1"), article("a_2", "s_2")]
    topics = [
        {"story_id": "s_1", "topic": "economy", "label": "economy, business and finance", "parent": None,
         "score": 2.0, "articles": 1},
        {"story_id": "s_1", "topic": "cpec", "label": "CPEC", "parent": "economy", "score": 3.0,
         "articles": 1},
        {"story_id": "s_2", "topic": "arts", "label": "arts, culture, entertainment and media",
         "parent": None,
         "score": 2.0, "articles": 1},
    ]  # fmt: skip
    watch = Watchlist({"cpec": "CPEC"}, {"person:wang-yi": "Wang Yi"})
    d = build_digest(DAY, UTC, story_rows=rows, article_rows=arts, topic_rows=topics, watchlist=watch)
    assert d.cards[0].story_id == "s_1"  # the watchlist points rank it first
    assert [t.label for t in d.cards[0].tags] == ["CPEC"] and d.cards[0].tags[0].watched
    assert [s.title for s in d.sections] == [
        "Economy, business and finance",
        "Arts, culture, entertainment and media",
    ]
    assert [(w.title, [c.story_id for c in w.cards]) for w in d.watchlists] == [("CPEC · Wang Yi", ["s_1"])]
    html = render(d, "html")
    assert '<li class="watched" title="watchlist">CPEC</li>' in html
    assert "<li>arts, culture, entertainment and media</li>" in html  # one tag, commas and all


def test_rank_puts_outlets_growth_recency_and_watchlists_first() -> None:
    end = NOW + timedelta(hours=15)
    base = dict(articles=3, new_today=1, new_yesterday=1, is_new=True, last_seen_at=NOW, day_end=end,
                watchlist_matches=0)  # fmt: skip
    assert rank(outlets=5, **base).score > rank(outlets=2, **base).score  # type: ignore[arg-type]
    assert rank(outlets=2, **{**base, "watchlist_matches": 1}).score > rank(outlets=2, **base).score  # type: ignore[arg-type]
    older = {**base, "last_seen_at": NOW - timedelta(hours=24)}
    assert rank(outlets=2, **base).score > rank(outlets=2, **older).score  # type: ignore[arg-type]
    growing = {**base, "is_new": False, "new_today": 4, "new_yesterday": 1}
    steady = {**base, "is_new": False, "new_today": 4, "new_yesterday": 6}
    assert rank(outlets=2, **growing).growth == pytest.approx(2 * rank(outlets=2, **steady).growth, abs=1e-3)  # type: ignore[arg-type]
    assert "outlets" in rank(outlets=2, **base).explain()  # type: ignore[arg-type]
    rows = [story("s_a", source_count=1), story("s_b", source_count=4, article_count=4)]
    d = build_digest(DAY, UTC, story_rows=rows, article_rows=[])
    assert [c.story_id for c in d.cards] == ["s_b", "s_a"]
    assert len(build_digest(DAY, UTC, story_rows=rows, article_rows=[], limit=1).cards) == 1


SHARED = (
    "Pakistan and China signed a financing agreement for the ML-1 railway upgrade in Islamabad on Monday."
)


def test_summary_takes_the_sentences_the_versions_share_deterministically() -> None:
    versions = [
        Version("a1", "Rail deal", f"{SHARED} The weather in the capital was mild for the season. "
                "Officials from both governments attended the signing ceremony at the ministry."),
        Version("a2", "ML-1 deal signed", "A local festival drew large crowds across the northern city. "
                "Pakistan and China signed the financing agreement for the ML-1 railway upgrade on Monday. "
                "Officials from both governments attended the ceremony at the finance ministry."),
        Version("a3", "Railway", "Cricket fans celebrated a narrow victory in the final over of the match. "
                f"{SHARED}"),
    ]  # fmt: skip
    out = summarise(versions, title="Rail deal")
    assert 2 <= len(out) <= 3
    assert any("ML-1 railway upgrade" in s for s in out)
    assert not any("festival" in s or "Cricket" in s or "weather" in s for s in out)
    assert summarise(list(versions), title="Rail deal") == out  # same input, same summary
    assert summarise([Version("x", "t", "Too short.")]) == []
    assert best_version(versions) in (0, 1, 2)
    assert (
        best_version([Version("a", "x", "one two three", copies=0), Version("b", "y", "zzz", copies=2)]) == 1
    )


def test_chart_is_inline_svg_with_escaped_labels_and_no_external_asset() -> None:
    days = [DAY - timedelta(days=13 - i) for i in range(14)]
    counts = {f"<topic {i}>": {days[-1]: i + 1, days[0]: 1} for i in range(9)}
    chart = build_chart(days, counts)
    assert len(chart.series) == 8 and chart.series[-1].label == "other topics"
    out = svg(chart)
    assert out.startswith("<svg") and "<topic" not in out and "&lt;topic 8&gt;" in out
    assert "href" not in out and "<script" not in out and "url(" not in out
    assert out.count("<rect") == 16  # the first and the last day, 8 series each; empty days draw nothing
    d = build_digest(DAY, UTC, story_rows=[story()], article_rows=[article("a_1")],
                     chart_rows=[{"day": DAY, "label": "health", "stories": 3}])  # fmt: skip
    html, md = render(d, "html"), render(d, "md")
    assert "<svg" in html and "health (3)" in html
    assert "| health | ▁▁▁▁▁▁▁▁▁▁▁▁▁█ | 3 |" in md


def test_health_note_names_failing_sources_in_one_line() -> None:
    rows = [{"source": "dawn", "consecutive_failures": 3, "last_error": "timeout\nafter 60 s"},
            {"source": "geo", "consecutive_failures": 1, "last_error": None}]  # fmt: skip
    d = build_digest(DAY, UTC, story_rows=[], article_rows=[], health_rows=rows)
    assert d.health == (
        "2 sources are failing: dawn (3 failures in a row: timeout after 60 s); "
        "geo (1 failure in a row: no reason recorded)."
    )
    assert d.health in render(d, "html") and "No stories were first seen" in render(d, "md")


def test_a_day_is_the_configured_zones_calendar_day() -> None:
    start, end = day_bounds(DAY, ZoneInfo("Asia/Karachi"))
    assert start == datetime(2026, 11, 22, 19, 0, tzinfo=UTC) and end - start == timedelta(days=1)
    late = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # already the 23rd in Karachi
    rows = [story(first_seen_at=late, last_seen_at=late)]
    d = build_digest(DAY, ZoneInfo("Asia/Karachi"), story_rows=rows, article_rows=[article("a_1")])
    assert d.cards[0].first_seen_at.utcoffset() == timedelta(hours=5)
    assert "23 Nov 01:00" in render(d, "md")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_unknown_format_is_refused(fmt: str) -> None:
    d = build_digest(DAY, UTC, story_rows=[], article_rows=[])
    assert render(d, fmt)
    with pytest.raises(ValueError, match="unknown digest format"):
        render(d, "pdf")


def test_whats_new_since_the_day_before_outlets_facts_and_disagreements() -> None:
    yesterday = NOW - timedelta(days=1)
    rows = [story(is_new=False, first_seen_at=yesterday, article_count=2, source_count=2)]
    arts = [
        article("a_1", source="Dawn", first_seen_at=yesterday,
                body="Foreign ministers held talks in Beijing on December 4 with Wang Yi on security."),
        article("a_2", source="Geo",
                body="Foreign ministers held talks in Beijing on December 5 with Wang Yi on security. "
                     "Five engineers were hurt in the attack."),
    ]  # fmt: skip
    card = build_digest(DAY, UTC, story_rows=rows, article_rows=arts).cards[0]
    assert card.new_outlets == ["Geo"]
    assert any("Five engineers" in f and f.endswith("(Geo)") for f in card.new_facts)
    assert (
        card.disagreements and "December 4" in card.disagreements[0] and "December 5" in card.disagreements[0]
    )
    md = render(build_digest(DAY, UTC, story_rows=rows, article_rows=arts), "md")
    assert "- New outlets: Geo\n" in md and "(updated)" in md and "1 new article today" in md
