"""Cleaning: turn an extracted article into a normalised, hashed ``Article``.

Order: unicode and whitespace (``text.normalize``), boilerplate lines (share bars, newsletter and
comment prompts, credits), trailing boilerplate blocks ("COMMENTS (1)", "Related articles", ...),
a deck repeated at the top of the body, duplicate paragraphs; then language, word count and the
content hash of the matching form of the body (quotes, case and spacing do not change it).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from newswatch.language import detect_language
from newswatch.records import Article, Extracted, article_id_for, utcnow
from newswatch.text import (
    fold,
    normalize,
    paragraphs,
    remember_words,
    top_level_alternatives,
    word_count,
    words,
)
from newswatch.urls import article_identity, canonical_url

# A whole line that is page furniture, not article text (matched on the folded line).
_BOILERPLATE_LINE = re.compile(
    r"""^(?:
        (?:share|tweet|email|print|pin|whatsapp|facebook|twitter|linkedin|reddit|telegram|copy\ link)
            (?:\s*(?:this|on|via|article|story|post|page|[:|/,]))*(?:\s+(?:facebook|twitter|x|linkedin|whatsapp|email|reddit|telegram|[|/,]))*\s*:?$
      | share\ (?:this|on)\b.{0,60}$
      | follow\ us\ on\b.{0,80}$
      | (?:sign\ up|subscribe)\ (?:for|to)\b.{0,100}(?:newsletter|updates|alerts|briefing|inbox).{0,60}$
      | (?:read|see)\ (?:more|also)\s*:?.{0,120}$
      | (?:also\ read|related|recommended|most\ read|trending\ now|more\ from)\s*:?.{0,120}$
      | advertisement|sponsored(?:\ content)?|ad$
      | (?:photo|photograph|image|picture|file\ photo|media)\s*(?:credit|caption|source)?\s*:.{0,150}$
      | (?:copyright|©|\(c\))\s.{0,150}$
      | all\ rights\ reserved\.?.{0,80}$
      | click\ here\b.{0,100}$
      | comments?\s*\(\d+\)$
      | (?:\d+\s+)?comments?$
      | (?:leave|post|add)\ a\ comment.{0,60}$
      | comments\ are\ (?:moderated|closed).{0,200}$
      | for\ more\ information,?\ (?:please\ )?see\ our\ comments?\ faq.{0,40}$
      | (?:published|updated|posted)\ (?:on|at)?\s*:?\s*[\w ,:.\-]{0,40}$
      | (?:back\ to\ top|top\ stories|skip\ to\ (?:main\ )?content|loading\.*)$
      # paywall and subscription prompts
      | .{0,80}\bsubscribe\b.{0,60}\b(?:full\ story|to\ continue|continue\ reading|to\ read\ more)\b.{0,80}$
      | .{0,120}\balready\ a\ subscriber\b.{0,160}$
      | (?:first-time\ )?subscribers\ (?:also\ )?(?:receive|get|enjoy)\b.{0,160}$
      # newsletter, app and social prompts
      | .{0,60}\bsign(?:ing)?\ up\b.{0,120}\b(?:newsletter|updates|alerts|inbox
                                                           |e-?mail|best\ content)\b.{0,200}$
      | .{0,80}\b(?:view|read)\ the\ (?:full|entire)\ (?:story|article)\b.{0,120}$
      | .{0,60}\bnewsletter\s*:?$
      | get\ (?:the|our)\b.{0,60}\b(?:by\ email|newsletter|in\ your\ inbox)\b
            (?:.{0,40}|.{0,60}\bsign\ ?up\b.{0,10})$
      | .{0,80}\bdownload\ (?:the|our)\b.{0,60}\bapps?\b.{0,80}$
      | follow\b.{0,80}\bon\ (?:twitter|facebook|instagram|x|linkedin|tiktok|youtube|threads)\b.{0,200}$
      | we(?:'d)?\ (?:want|love|would\ love)\ to\ hear\ (?:from\ you|what\ you\ think)\b.{0,120}$
      | (?:submit|send)\ (?:us\ )?your\ (?:letter|story|tip|news)\b.{0,120}$
      # credits, copyright and disclosure lines
      | credits?\s*:.{0,150}$
      | \(\s*(?:(?:photo|image|picture|video)\ )?credits?\s*:.{0,150}\)$
      | .{0,80}\bcopyrighted\ property\b.{0,200}$
      | .{0,40}\bpermission\b.{0,60}\b(?:reprint|reproduc|republish|redistribut).{0,200}$
      | this\ (?:post|article|page|story)\ (?:contains|may\ contain|includes)
            \ (?:references|affiliate|links)\b.{0,160}$
      # "read more" in Spanish and Portuguese
      | (?:lea|lee|leer|leia|ver|vea|mira)\s+(?:tambi[eé]n|m[aá]s|adem[aá]s|mais)?\s*:.{0,160}$
      | (?:te\ puede\ interesar|noticias\ relacionadas|contenido\ relacionado|relacionad[oa]s?)\s*:?.{0,120}$
    )""",
    re.VERBOSE,
)


def _alternatives(verbose_source: str) -> list[str]:
    """The top-level alternatives of a verbose ``^(?: ... )`` pattern's source."""
    body = verbose_source.strip()
    assert body.startswith("^(?:") and body.endswith(")")
    return [a.strip() for a in top_level_alternatives(body[4:-1], verbose=True)]


_ANYWHERE = re.compile(r"\.\{0,\d+\}\\b")
_PLAIN_WORD = re.compile(r"(?:\\ |[a-z])+")  # letters and escaped spaces: a literal in verbose mode


def _furniture_matchers(
    pattern: re.Pattern[str],
) -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """``pattern`` split for speed: its alternatives that start with a fixed word in one regex,
    and each one that looks anywhere in the line (``.{0,N}\\bword``) alone with the word it needs,
    so that it runs only on lines containing that word ("" when it needs no single word).

    Matching any alternative is matching the pattern; those ``.{0,N}`` alternatives backtracked
    over every line and were most of ``strip_boilerplate``'s time.
    """
    anchored, anywhere = [], []
    for alt in _alternatives(pattern.pattern):
        m = _ANYWHERE.match(alt)
        if m is None:
            anchored.append(alt)
            continue
        word = _PLAIN_WORD.match(alt, m.end())
        lead = word.group().replace("\\ ", " ") if word else ""
        if word and alt[word.end() : word.end() + 1] in ("?", "*", "{"):  # its last letter is optional
            lead = lead[:-1]
        anywhere.append((lead, re.compile(f"^(?:{alt})", pattern.flags)))
    return re.compile("^(?:" + "\n|".join(anchored) + ")", pattern.flags), tuple(anywhere)


_FURNITURE_START, _FURNITURE_ANYWHERE = _furniture_matchers(_BOILERPLATE_LINE)


def _is_furniture(folded_line: str) -> bool:
    """``_BOILERPLATE_LINE.match(folded_line)``, as a bool."""
    if _FURNITURE_START.match(folded_line):
        return True
    return any(
        (not lead or lead in folded_line) and rx.match(folded_line) for lead, rx in _FURNITURE_ANYWHERE
    )


# A line after which everything is furniture, when it sits in the last part of the text.
_TRAILER_START = re.compile(
    r"""^(?:comments?\s*\(\d+\)|comments?|\d+\s+comments?|leave\ a\ (?:comment|reply)
        |related\ (?:articles|stories|news|content)|more\ (?:stories|from\b.{0,40}|on\ this\ story)
        |you\ (?:may|might)\ also\ like|recommended(?:\ for\ you)?|read\ next|most\ (?:read|popular)
        |(?:join|start)\ the\ (?:conversation|discussion)|tagged|tags|topics|related\ topics
        |contenido\ relacionado|noticias\ relacionadas|te\ puede\ interesar|watch\ this\ next)\s*:?$""",
    re.VERBOSE,
)

# Trailers count only in the last share of the body (a heading "Comments" early is content).
_TRAILER_ZONE = 0.5
_MAX_FURNITURE_LINE = 220


# A share bar flattened into a paragraph ("By A. Writer - May 4, 2022 Share Facebook Twitter
# WhatsApp Email Telegram A senior official said..."): three or more share buttons in a row, one of
# them a network (``_SHARE_NETWORKS``), capitalised as buttons are and separated by spaces alone (a
# sentence naming networks has commas or "and"). Its words would count as topic evidence.
_SHARE_BUTTON = (
    r"(?:Share(?:\ this(?:\ (?:article|story|page))?)?|Facebook|Twitter|WhatsApp|Whatsapp|E-?mail|Telegram"
    r"|LinkedIn|Linkedin|Pinterest|Reddit|Print|Messenger|Flipboard|Tumblr|Instagram|YouTube|Copy\ link|SMS)"
)
_SHARE_BAR = re.compile(rf"(?<!\w){_SHARE_BUTTON}(?:[ \t]+{_SHARE_BUTTON}){{2,}}(?!\w)[ \t]*", re.VERBOSE)
_SHARE_NETWORKS = (
    "Facebook",
    "Twitter",
    "WhatsApp",
    "Whatsapp",
    "LinkedIn",
    "Linkedin",
    "Telegram",
    "Instagram",
)


def strip_share_bars(text: str) -> str:
    """Remove share-button runs from inside paragraphs (``_SHARE_BAR``)."""
    if not any(n in text for n in _SHARE_NETWORKS):
        return text  # no bar without a network's name: the common case costs a few substring tests
    return _SHARE_BAR.sub("", text)


def strip_boilerplate(body: str) -> str:
    """Drop furniture lines, share bars inside paragraphs and a trailing furniture block; keep
    everything else as it was."""
    lines = body.split("\n")
    total = sum(len(line) for line in lines) or 1
    # Each line is folded at most once, and only where a pattern is tried on it: the trailer
    # patterns in the last part of the text, the furniture patterns on short lines.
    folded: list[str | None] = [None] * len(lines)

    def folded_line(i: int) -> str:
        f = folded[i]
        if f is None:
            f = folded[i] = fold(lines[i]).strip()
        return f

    seen = 0
    cut = len(lines)
    for i, line in enumerate(lines):
        if seen / total >= _TRAILER_ZONE and _TRAILER_START.match(folded_line(i)):
            cut = i
            break
        seen += len(line)
    kept = [
        line
        for i, line in enumerate(lines[:cut])
        if not (line.strip() and len(line) <= _MAX_FURNITURE_LINE and _is_furniture(folded_line(i)))
    ]
    return normalize(strip_share_bars("\n".join(kept)))


def drop_repeats(body: str, *, deck: str | None = None, title: str | None = None) -> str:
    """Remove paragraphs that repeat an earlier one, the deck or the title (templates repeat them)."""
    return _drop_repeats(body, deck, title)[0]


def _drop_repeats(body: str, deck: str | None, title: str | None) -> tuple[str, int]:
    """``drop_repeats`` and the ``word_count`` of its result.

    The paragraphs are split into words here anyway, and no word spans a line break: the kept
    paragraphs' words are the result's ``words`` (remembered for the content hash and the later
    stages) and, where a paragraph is ASCII (folding then only changes case), its word count.
    """
    seen: set[str] = set()
    for known in (deck, title):
        if known:
            seen.add(" ".join(words(known)))
    out = []
    tokens: list[str] = []
    count = 0
    for para in paragraphs(body):
        para_words = words(para)
        key = " ".join(para_words)
        if not key or key in seen:
            continue
        seen.add(key)
        out.append(para)
        tokens += para_words
        count += len(para_words) if para.isascii() else word_count(para)
    text = "\n\n".join(out)
    remember_words(text, tokens)
    return text, count


def _is_lead(deck: str, body: str) -> bool:
    """Whether the deck only repeats the start of the body (cut short, maybe with "...")."""
    d = words(deck.rstrip(". …"))
    if len(d) > 3:
        d = d[:-1]  # a truncated description may end inside a word
    return bool(d) and words(body[: len(deck) * 2 + 50])[: len(d)] == d


def _utc(value: datetime | None) -> datetime | None:
    # Extraction keeps a page's own offset (for tracing); the warehouse stores UTC.
    return value.astimezone(UTC) if value is not None else None


def content_hash(text: str) -> str:
    """Hash of the matching form: same words in the same order give the same hash."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()[:32]


def clean(
    extracted: Extracted, *, source: str, url: str, origin: str = "", first_seen_at: Any = None
) -> Article:
    """Normalise and de-furnish an extracted article and give it its identity and hash."""
    title = normalize(extracted.title).replace("\n", " ")
    deck = normalize(extracted.deck).replace("\n", " ") if extracted.deck else None
    body = strip_boilerplate(normalize(extracted.body))
    if deck and body and _is_lead(deck, body):
        deck = None  # a meta description copying the first paragraph is not a standfirst
    body, body_words = _drop_repeats(body, deck, title)
    # Identity from the canonical form of the URL (the page's own canonical link only to fold an
    # AMP or mobile edition into its page); the URL as fetched stays ``url``.
    canonical = canonical_url(extracted.canonical_url or url)
    identity = article_identity(url, extracted.canonical_url)
    language = detect_language(f"{title}\n{body}") or extracted.language_hint
    provenance = dict(extracted.provenance)
    if deck is None:
        provenance.pop("deck", None)
    if language and "language" not in provenance:
        provenance["language"] = "text" if language != extracted.language_hint else "meta"
    return Article(
        article_id=article_id_for(identity),
        source=source,
        url=url,
        canonical_url=canonical,
        title=title,
        body=body,
        deck=deck,
        published_at=_utc(extracted.published_at),
        modified_at=_utc(extracted.modified_at),
        authors=extracted.authors,
        site_name=extracted.site_name,
        language=language,
        word_count=body_words,
        content_hash=content_hash(body or title),
        first_seen_at=first_seen_at or utcnow(),
        provenance=provenance,
        origin=origin or source,
    )
