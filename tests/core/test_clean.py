from hypothesis import given
from hypothesis import strategies as st

from newswatch.clean import clean, content_hash, strip_boilerplate
from newswatch.language import detect_language
from newswatch.records import Extracted
from newswatch.text import fold, normalize, words


def test_curly_quotes_are_kept_but_match_as_plain() -> None:
    assert fold("‘visible and verifiable’ “steps” – now") == "'visible and verifiable' \"steps\" - now"
    assert words("Pakistan’s ‘visible’") == words("Pakistan's 'visible'") == ["pakistan's", "visible"]
    assert content_hash("“Hello,”  world\u00a0— again") == content_hash('"hello," WORLD - again')


def test_normalize_whitespace_and_invisible_characters() -> None:
    raw = "Title\u200b here\r\n\r\n\r\n  body\u00a0 text \t more\n\n\nend\u00ad"
    assert normalize(raw) == "Title here\n\nbody text more\n\nend"


def test_boilerplate_lines_and_trailers_are_removed() -> None:
    body = "\n".join(
        [
            "The ministers met in Beijing and agreed on a plan for the corridor.",
            "Share this article: Facebook | Twitter | WhatsApp",
            "The plan covers industry, agriculture and mining over five years.",
            "Sign up for our daily newsletter to get the news in your inbox.",
            "Officials said the next round would be held in Islamabad.",
            "Advertisement",
            "Both sides also discussed trade, investment and security cooperation.",
            "COMMENTS (3)",
            "Comments are moderated and generally will be posted if they are on-topic.",
            "A reader's comment that is not part of the article at all.",
        ]
    )
    cleaned = strip_boilerplate(body)
    assert "Share this" not in cleaned and "newsletter" not in cleaned
    assert "Advertisement" not in cleaned and "COMMENTS" not in cleaned
    assert "reader's comment" not in cleaned
    assert cleaned.count("\n") == 3  # the four article sentences stay


def test_caption_and_photo_credit_lines_are_removed() -> None:
    body = "\n".join(
        [
            "City came from behind to win 2-1 and go top of the league.",
            "Image caption: Kwame Asante celebrates his late winner (Getty Images)",
            "Media caption: The manager speaks after the match",
            "Photograph: Jon Super/AP",
            "Image source, Reuters",
            "The referee will be asked to explain the decision on Monday.",
        ]
    )
    cleaned = strip_boilerplate(body)
    assert "caption" not in cleaned and "Photograph" not in cleaned, cleaned
    assert "Image source, Reuters" in cleaned  # no colon: a line of the text, as far as a rule can tell
    assert "late winner" not in cleaned and "referee" in cleaned


def test_a_comments_heading_early_in_the_text_is_content() -> None:
    body = "Comments\nThe minister's comments drew criticism from the opposition parties.\n" + (
        "More analysis of the statement follows here. " * 20
    )
    assert "drew criticism" in strip_boilerplate(body)


def test_language_detection_from_text() -> None:
    assert (
        detect_language("Pakistan and China called for visible and verifiable action on terror groups")
        == "en"
    )
    assert detect_language("El gobierno anunció nuevas medidas económicas para el próximo año fiscal") == "es"
    assert detect_language("Too short") is None


def test_clean_builds_an_identified_article() -> None:
    art = clean(
        Extracted(
            title="  A  title ", body="Body text of the article.\n\nBody text of the article.", deck="A deck"
        ),
        source="s",
        url="file:///x.txt",
    )
    assert art.title == "A title"
    assert art.body == "Body text of the article."  # repeated paragraph dropped
    assert art.article_id.startswith("a_") and art.canonical_url == "file:///x.txt"
    assert art.word_count == 5


@given(st.text(min_size=0, max_size=400))
def test_normalize_is_idempotent_and_hash_ignores_spacing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert content_hash(text) == content_hash("  " + text.replace(" ", "   ") + "\n")
