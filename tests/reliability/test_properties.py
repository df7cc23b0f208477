"""Properties over generated inputs (hypothesis): the Unicode boundary, URL canonicalisation,
cleaning, copy detection and the loader."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newswatch.clean import clean
from newswatch.copies.minhash import CopyIndex, assign_copies, signatures_for
from newswatch.records import Batch, Extracted
from newswatch.settings import CopySettings
from newswatch.text import normalize, valid_text, valid_value
from newswatch.urls import canonical_url, is_tracking_param

# Any code point, lone surrogates and controls included (hypothesis leaves surrogates out by default).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=200)
FORBIDDEN = {chr(c) for c in range(0x20) if c not in (0x09, 0x0A)} | {"\x7f"}


@given(ANY_TEXT)
def test_valid_text_is_valid_and_idempotent(text: str) -> None:
    out = valid_text(text)
    out.encode("utf-8")  # no lone surrogate survives
    assert not (set(out) & FORBIDDEN)
    assert valid_text(out) == out


@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=200))
def test_valid_text_keeps_valid_text(text: str) -> None:
    assert valid_text(text) == text


@given(
    st.dictionaries(st.text(max_size=5), st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3), st.integers()))
)
def test_valid_value_makes_every_string_valid(record: dict[str, object]) -> None:
    out = valid_value(record)
    for k in out:
        k.encode("utf-8")
    for v in out.values():
        for s in v if isinstance(v, list) else [v]:
            if isinstance(s, str):
                s.encode("utf-8")


@given(ANY_TEXT)
def test_normalize_after_the_boundary_is_idempotent(text: str) -> None:
    once = normalize(valid_text(text))
    assert normalize(once) == once
    once.encode("utf-8")


# -- URLs ----------------------------------------------------------------------------------------

LABEL = st.text(string.ascii_letters + string.digits, min_size=1, max_size=10)
SEGMENT = st.text(string.ascii_letters + string.digits + "-_.~%", min_size=1, max_size=12).filter(
    lambda s: s not in (".", "..")
)
PARAM_NAME = st.one_of(
    st.text(string.ascii_lowercase, min_size=1, max_size=8),
    st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "id", "page", "ref", "source", "q"]),
)
PARAM = st.tuples(PARAM_NAME, st.text(string.ascii_letters + string.digits, max_size=8))


@st.composite
def web_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    host = ".".join(draw(st.lists(LABEL, min_size=2, max_size=4)))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/" + "/".join(draw(st.lists(SEGMENT, max_size=4)))
    params = draw(st.lists(PARAM, max_size=5))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#c=1"]))
    return f"{scheme}://{host}{port}{path}{'?' + query if query else ''}{fragment}"


@given(web_urls())
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(web_urls())
def test_canonical_url_keeps_what_identifies_the_page(url: str) -> None:
    parts, out = urlsplit(url), urlsplit(canonical_url(url))
    assert out.hostname == parts.hostname.lower()  # type: ignore[union-attr]
    assert out.scheme == parts.scheme.lower() and not out.fragment
    kept = [p for p in parts.query.split("&") if p and not is_tracking_param(p.split("=")[0])]
    assert [p for p in out.query.split("&") if p] == kept  # every other parameter, in order
    default = {"http": 80, "https": 443}[out.scheme]
    assert (out.port or default) == (parts.port or {"http": 80, "https": 443}[parts.scheme.lower()])


@given(web_urls(), web_urls())
def test_different_pages_stay_different(a: str, b: str) -> None:
    def key(u: str) -> tuple[str, int, str, list[str]]:
        p = urlsplit(u)
        kept = [q for q in p.query.split("&") if q and not is_tracking_param(q.split("=")[0])]
        scheme = p.scheme.lower()
        return (p.hostname or "", p.port or {"http": 80, "https": 443}[scheme], p.path.rstrip("/"), kept)

    assume(key(a) != key(b) or urlsplit(a).scheme.lower() != urlsplit(b).scheme.lower())
    assert canonical_url(a) != canonical_url(b)


# -- cleaning ------------------------------------------------------------------------------------

WORDS = (
    "the council budget minister river school water talks border trade city report court election "
    "farmers road police hospital season market university rain village station debate plan"
).split()
SENTENCE = st.lists(st.sampled_from(WORDS), min_size=4, max_size=14).map(
    lambda w: " ".join(w).capitalize() + "."
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join)
BODY = st.lists(PARAGRAPH, min_size=1, max_size=6).map("\n\n".join)
NOISE = st.text(st.characters(exclude_categories=()), max_size=8)


@given(SENTENCE, BODY, NOISE)
@settings(deadline=None, max_examples=40)
def test_cleaning_is_idempotent_and_never_empties_an_article(title: str, body: str, noise: str) -> None:
    # A paragraph that only repeats the headline is dropped on purpose: some paragraph must not.
    assume(any(p.strip(". ").lower() != title.strip(". ").lower() for p in body.split("\n\n")))
    first = clean(Extracted(title=title, body=body + noise), source="s", url="https://news.example/a")
    assert first.title and first.body  # an article of prose keeps its text
    again = clean(Extracted(title=first.title, body=first.body), source="s", url="https://news.example/a")
    assert (again.title, again.body, again.content_hash) == (first.title, first.body, first.content_hash)


# -- copy detection ------------------------------------------------------------------------------

LONG_BODY = st.lists(SENTENCE, min_size=40, max_size=60).map(" ".join)


@given(SENTENCE, LONG_BODY, st.integers(0, 10_000))
@settings(deadline=None, max_examples=15)
def test_a_copy_is_found_and_an_original_is_not_a_copy(title: str, body: str, seed: int) -> None:
    tokens = body.split(" ")
    # A text that repeats a few words has few distinct shingles: one changed word is then a large
    # share of them, and no longer a near copy by design.
    assume(len(set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], tokens[4:], strict=False))) >= 100)
    copies = CopySettings()
    original = clean(Extracted(title=title, body=body), source="a", url="https://a.example/1")
    # The same text elsewhere, with one word changed: a near copy.
    words = body.split(" ")
    words[seed % len(words)] = "announcement"
    copy = clean(Extracted(title=title, body=" ".join(words)), source="b", url="https://b.example/9")
    original.published_at = datetime(2026, 6, 1, tzinfo=UTC)
    copy.published_at = datetime(2026, 6, 2, tzinfo=UTC)
    index = CopyIndex(copies)
    batch = [original, copy]
    matches = assign_copies(batch, index, signatures_for(batch, copies))
    assert [(m.article_id, m.copy_of) for m in matches] == [(copy.article_id, original.article_id)]
    assert original.copy_of is None


# -- the loader ----------------------------------------------------------------------------------


def _snapshot(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in ("articles", "copy_signatures"):
        cols = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if r[0] not in ("run_id", "loaded_at", "updated_at")
        ]
        out[table] = sorted(
            conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=lambda r: str(r[0])
        )
    return out


@given(st.lists(st.tuples(SENTENCE, BODY), min_size=1, max_size=4, unique_by=lambda t: t[0]))
@settings(deadline=None, max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_batch_loaded_twice_equals_it_loaded_once(tmp_path: Path, texts: list[tuple[str, str]]) -> None:
    from newswatch.warehouse.db import connect
    from newswatch.warehouse.loader import load_batch

    articles = [
        clean(Extracted(title=t, body=b), source="s", url=f"https://news.example/{i}")
        for i, (t, b) in enumerate(texts)
    ]
    path = tmp_path / f"w{abs(hash(tuple(texts)))}.duckdb"
    conn = connect(path)
    try:
        load_batch(conn, Batch(articles=list(articles)), run_id="r_1")
        once = _snapshot(conn)
        load_batch(conn, Batch(articles=list(articles)), run_id="r_2")
        assert _snapshot(conn) == once
    finally:
        conn.close()
        path.unlink(missing_ok=True)


# -- bounded decoding ----------------------------------------------------------------------------


def _encode(data: bytes, coding: str) -> bytes:
    import gzip as gz
    import zlib

    import brotli
    import zstandard

    for name in coding.split(", "):
        if name == "gzip":
            data = gz.compress(data)
        elif name == "deflate":
            data = zlib.compress(data)
        elif name == "br":
            data = brotli.compress(data)
        elif name == "zstd":
            data = zstandard.ZstdCompressor().compress(data)
    return data


@given(
    st.binary(max_size=5000),
    st.sampled_from(["gzip", "deflate", "br", "zstd", "gzip, gzip", "gzip, br", "zstd, gzip", "identity"]),
    st.lists(st.integers(1, 700), max_size=20),
)
def test_decoding_in_steps_gives_the_body_whatever_the_chunking(
    data: bytes, coding: str, cuts: list[int]
) -> None:
    from newswatch.sources.decoding import decoded_chunks

    wire = _encode(data, coding)
    chunks, pos = [], 0
    for n in cuts:
        chunks.append(wire[pos : pos + n])
        pos += n
    chunks.append(wire[pos:])
    assert b"".join(decoded_chunks([c for c in chunks if c], coding)) == data
