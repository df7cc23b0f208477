"""clean's cheaper paths must give what the plain definitions give: ``normalize`` (line stripping when
nothing else needs changing, str.split for space runs), the furniture-line pattern split into its
alternatives, and the words and word count ``drop_repeats`` hands on."""

from __future__ import annotations

import gzip
import re
import sys
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.clean import _BOILERPLATE_LINE, _drop_repeats, _is_furniture, drop_repeats
from newswatch.text import _CONTROL, _INVISIBLE_CHARS, _SPACES, _WORD, fold, normalize, word_count, words

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "news_html"


def reference_normalize(text: str) -> str:
    text = _INVISIBLE_CHARS.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out)


def test_normalize_treats_every_space_break_and_control_as_defined() -> None:
    odd = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if not 0xD800 <= c < 0xE000
        and (chr(c).isspace() or unicodedata.category(chr(c)) in ("Cc", "Cf", "Zs", "Zl", "Zp"))
    ]
    assert len(odd) > 150
    for ch in odd:
        for text in (f"a{ch}b", f" {ch} x", f"x{ch}{ch} y\n{ch}", ch, f"a\r{ch}\nb  c"):
            assert normalize(text) == reference_normalize(text), repr(text)


@given(
    st.text(alphabet=st.sampled_from("ab é\u0301 \t\n\r\u00a0\u2028\u2029\u200b\u0085\x0b\x00")) | st.text()
)
def test_normalize_matches_its_definition(text: str) -> None:
    assert normalize(text) == reference_normalize(text)


def _page_lines() -> set[str]:
    lines = set()
    for page in sorted(FIXTURES.glob("*.html.gz")):
        text = re.sub(r"<[^>]+>", "\n", gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace"))
        lines.update(f for f in (fold(line).strip() for line in text.split("\n")) if f and len(f) <= 220)
    return lines


VOCAB = sorted(set(re.findall(r"[a-z][a-z'\-]+", _BOILERPLATE_LINE.pattern.replace("\\ ", " "))))


def test_furniture_lines_are_the_patterns_matches_on_real_pages() -> None:
    lines = _page_lines()
    assert len(lines) > 5000
    furniture = [line for line in lines if _BOILERPLATE_LINE.match(line)]
    assert len(furniture) > 20
    for line in lines:
        assert _is_furniture(line) == bool(_BOILERPLATE_LINE.match(line)), line


@settings(max_examples=500)
@given(st.lists(st.sampled_from([*VOCAB, "the", "our", ":", "(3)", "12", "|", "©", "x", "app"]), max_size=12))
def test_furniture_lines_are_the_patterns_matches(parts: list[str]) -> None:
    line = " ".join(parts)
    assert _is_furniture(line) == bool(_BOILERPLATE_LINE.match(line))


PARAGRAPHS = st.lists(
    st.text(alphabet=st.sampled_from("ab’'-É ß\u0301 ﬁ12"), min_size=0, max_size=400), max_size=8
).map(lambda ps: "\n\n".join(ps + ps[:2]))  # some repeated


@given(PARAGRAPHS)
def test_drop_repeats_hands_on_the_words_and_count_of_its_result(body: str) -> None:
    text, count = _drop_repeats(body, None, None)
    assert text == drop_repeats(body)
    assert count == word_count(text)
    assert words(text) == _WORD.findall(fold(text))  # possibly remembered from the paragraphs
