"""Elements no body pass reads are dropped before the body is extracted, keeping the text around
them; JSON-LD stays (trafilatura's recall pass reads its articleBody)."""

from __future__ import annotations

from lxml import etree

from newswatch.extract.html import drop_non_content, load_html

PAGE = """<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>
<script>var tracking = 1;</script><style>p { color: red }</style></head>
<body><p>Before<script>inline()</script> after the script.</p>
<svg><path d="M0 0"/><text>label</text></svg>Tail of the drawing.
<template><p>Hidden</p></template><p>Last paragraph.</p></body></html>"""


def test_scripts_styles_drawings_and_templates_go_their_tails_stay() -> None:
    tree = load_html(PAGE)
    assert tree is not None
    drop_non_content(tree)
    html = etree.tostring(tree, encoding="unicode")
    for gone in ("tracking", "inline()", "color: red", "<svg", "label", "Hidden"):
        assert gone not in html
    text = " ".join(tree.text_content().split())
    assert "Before after the script." in text
    assert "Tail of the drawing." in text and "Last paragraph." in text
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]
