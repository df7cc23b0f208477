"""The digest renders untrusted titles, outlets and URLs: nothing in them may become markup."""

from datetime import UTC, date, datetime

from newswatch.digest.render import build_digest, render, safe_url

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def hostile_digest():  # type: ignore[no-untyped-def]
    story = {
        "story_id": "s_1",
        "title": "<script>alert(1)</script> *bold* [x](y)",
        "is_new": True,
        "first_seen_at": NOW,
        "last_seen_at": NOW,
        "article_count": 1,
        "version_count": 2,
        "source_count": 1,
        "sources": ["<img src=x onerror=alert(2)>"],
        "topics": ["terrorism"],
    }
    articles = [
        {
            "story_id": "s_1",
            "article_id": "a_1",
            "source": "<b>outlet</b>",
            "title": "<script>x</script>",
            "url": "javascript:alert(3)",
            "published_at": None,
            "copy_of": None,
        },
        {
            "story_id": "s_1",
            "article_id": "a_2",
            "source": "wire",
            "title": "copy",
            "url": "https://example.org/a?b=1&c=<2>",
            "published_at": None,
            "copy_of": "a_1",
        },
    ]
    return build_digest(date(2026, 11, 23), [story], articles, {"terrorism": "act of terror"})


def test_html_digest_escapes_everything_it_did_not_write() -> None:
    html = render(hostile_digest(), "html")
    assert "<script>" not in html and "<img" not in html and "<b>outlet" not in html
    assert "&lt;script&gt;" in html
    assert "javascript:" not in html  # a script URL becomes a dead link
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in html
    assert "act of terror" in html and "copy" in html


def test_markdown_digest_escapes_markdown_and_links() -> None:
    md = render(hostile_digest(), "md")
    assert "\\<script\\>" in md and "\\*bold\\*" in md and "\\[x\\](y)" in md
    assert "](#)" in md  # the javascript: link is neutralised
    assert "1 (+1 copy) from 1 source" in md


def test_safe_url_keeps_web_and_file_links_only() -> None:
    assert safe_url("https://example.org/x y") == "https://example.org/x%20y"
    assert safe_url("file:///tmp/a.txt") == "file:///tmp/a.txt"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "//evil"):
        assert safe_url(bad) == "#"
