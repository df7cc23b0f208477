"""The shipped top-level topic classifier: its file, its features, its calibrated tags with
evidence, and how it shares the work with the lexicon (subtopics, watchlists, user topics)."""

from __future__ import annotations

import dataclasses
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from newswatch.settings import TopicSettings
from newswatch.topics import model as topic_model
from newswatch.topics.evaluate import full_article, headline_article, read_labelled, top_level
from newswatch.topics.taxonomy import Taxonomy, load_configured, parse_taxonomy, tag_article

ROOT = Path(__file__).resolve().parents[2]
SEVENTEEN = ROOT / "tests" / "fixtures" / "topics" / "seventeen" / "articles.jsonl"
WRITTEN = ROOT / "tests" / "fixtures" / "topics" / "written" / "articles.jsonl"
TRAINING = ROOT / "bench" / "written_topics" / "articles.jsonl"
HOLDOUT = ROOT / "tests" / "fixtures" / "holdout" / "topics_fulltext.jsonl"


@pytest.fixture(scope="module")
def model() -> topic_model.TopicModel:
    return topic_model.load_model()


def test_model_file_is_small_and_knows_the_17_top_level_topics(model: topic_model.TopicModel) -> None:
    assert topic_model.MODEL_PATH.stat().st_size < 20_000_000
    assert model.classes == tuple(f"medtop:{i:02d}000000" for i in range(1, 18))
    assert model.word_weights.shape == (topic_model.HASH_BUCKETS, 17)
    assert model.temperature > 0
    card = (topic_model.MODEL_PATH.parent / "README.md").read_text(encoding="utf-8")
    for needed in ("CC BY 4.0", "HuffPost", "UCI", "IPTC", "bench/train_topics.py"):
        assert needed in card


def test_hashed_features_are_stable_words_and_pairs() -> None:
    got = topic_model.hashed_features("The striker scored a late penalty")
    assert set(got.values()) == {"striker", "scored", "late", "penalty", "striker scored", "scored late",
                                 "late penalty"}  # fmt: skip
    assert zlib.crc32(b"penalty") % topic_model.HASH_BUCKETS in got  # the same in every process


def test_passages_are_the_headline_then_runs_of_body_words() -> None:
    body = " ".join(f"w{i}" for i in range(45))
    got = topic_model.passages("Title", "Deck", body)
    assert got[0] == "Title. Deck"
    assert [len(p.split()) for p in got[1:]] == [20, 25]  # the last 5 words join the run before
    assert [len(p.split()) for p in topic_model.passages("T", None, "x " * 12)[1:]] == [12]
    long = topic_model.passages("T", None, "x " * 5000)
    assert len(long) == topic_model.MAX_PASSAGES


def test_passages_split_the_body_only_as_far_as_they_read() -> None:
    """``passages`` splits the body no further than its last run: the same passages as splitting
    it all and keeping the first runs, and ``predict`` reads the runs' words as split."""
    n = topic_model.PASSAGE_WORDS * topic_model.MAX_PASSAGES
    counts = (n - 21, n - 20, n - 19, n - 1, n, n + 1, 3 * n)
    bodies = [
        "",
        "  \n ",
        "one",
        " a  b\tc\u00a0d\u2003e \n",
        *(" ".join(map(str, range(k))) + " " for k in counts),
    ]
    for title, deck in (("Title", "Deck"), ("", None), (" ", "  ")):
        for body in bodies:
            head = ". ".join(p for p in (title, deck or "") if p.strip())
            ws = body.split()
            cut = [
                ws[i : i + topic_model.PASSAGE_WORDS] for i in range(0, len(ws), topic_model.PASSAGE_WORDS)
            ]
            if len(cut) > 1 and len(cut[-1]) < topic_model.PASSAGE_WORDS:  # a short tail joins its run
                cut[-2] = cut[-2] + cut[-1]
                del cut[-1]
            runs = [" ".join(r) for r in cut]
            plain = ([head] if head else []) + runs[: topic_model.MAX_PASSAGES - (1 if head else 0)]
            assert topic_model.passages(title, deck, body) == plain
            headline, words = topic_model._passage_words(title, deck, body)
            assert [p.split() for p in plain] == ([headline.split()] if headline else []) + words


def test_probabilities_are_a_distribution_and_follow_the_text(model: topic_model.TopicModel) -> None:
    p = model.predict("Striker scores twice as champions win the cup final")
    assert p.probs.sum() == pytest.approx(1.0, abs=1e-5)
    assert p.ranked()[0][0] == "medtop:15000000"
    q = model.predict("Central bank raises interest rates as inflation climbs")
    assert q.ranked()[0][0] == "medtop:04000000"


def test_evidence_names_probability_words_and_passage(model: topic_model.TopicModel) -> None:
    body = (
        "The goalkeeper saved two shots before the striker scored in the second half. "
        "The manager praised the players after the league match. Tickets sold out."
    )
    p = model.predict("Late goal wins the derby", None, body)
    ev = p.evidence("medtop:15000000")
    assert ev[0].startswith("classifier: p=")
    words = next(e for e in ev if e.startswith("words: "))
    assert any(w in words for w in ("goalkeeper", "striker", "league", "match", "goal"))
    assert next(e for e in ev if e.startswith("passage: "))


def _pulls(model: topic_model.TopicModel, p: topic_model.Prediction, code: str) -> dict[str, float]:
    """Each word's pull towards ``code`` as ``top_words`` weighs it (the body's words through
    the embedding; the headline's hashed words too), function words included."""
    j = p.classes.index(code)
    assert p.tokens is not None
    index, sums = p.tokens.pulls(model.embedding_pull(j))
    pull = {w: float(sums[i]) for w, i in index.items()}
    for b, w in p.features.items():
        hashed = (model.word_weights[b, j] - model.word_mean[b]) / np.sqrt(len(p.features))
        pull[w] = pull.get(w, 0.0) + float(hashed)
    return pull


def test_evidence_words_leave_out_function_words(model: topic_model.TopicModel) -> None:
    """Chatty quotes pull a little towards some topics ("against", "it's", "very"); they still
    count in the probabilities but are not shown as reasons."""
    body = (
        '"It\'s very good against them, it\'s all about the league," the goalkeeper said. "We '
        'played through it, again and again, against the best club sides, only for the league."'
    )
    p = model.predict("Keeper signs new deal", None, body)
    pull = _pulls(model, p, "medtop:15000000")
    function = {"against", "it's", "very", "again", "only", "through", "all"}
    assert any(pull[w] > 0 for w in function if w in pull)
    shown = p.top_words("medtop:15000000", n=20)
    assert shown and not function & set(shown)
    assert all(pull[w] > 0 for w in shown)
    assert shown == sorted(shown, key=pull.__getitem__, reverse=True)


def test_evidence_words_leave_out_now_and_if(model: topic_model.TopicModel) -> None:
    body = (
        "People here used to grow food behind every house. Now most of us live in flats and buy "
        "everything, and if the rains come the seedlings will need little water. If the rains fail, "
        "now and then the wells run dry."
    )
    p = model.predict("Families dig in at a community garden", None, body)
    code = p.ranked()[0][0]
    pull = _pulls(model, p, code)
    assert any(pull[w] > 0 for w in ("now", "if"))
    assert not {"now", "if"} & set(p.top_words(code, n=20))


def test_the_body_is_read_by_the_embedding_and_the_headline_by_both(model: topic_model.TopicModel) -> None:
    """Hashed words and pairs are read in the headline passage only; a body passage's score is its
    embedding's, so the words shown for it are those whose vectors pull towards the topic."""
    body = "The goalkeeper saved two shots before the striker scored in the second half. " * 3
    p = model.predict("Late goal wins the derby", None, body)
    assert set(p.features.values()) == set(topic_model.hashed_features("Late goal wins the derby").values())
    texts = list(p.texts)
    z = model.embed_passages(texts) @ model.embedding_weights + model.bias
    z[0] = model.logits(texts[:1], [p.features])[0]
    expected = topic_model.pool(topic_model._softmax(z / model.temperature))
    assert np.allclose(p.probs, expected, atol=1e-5)
    # Summed over every word of the article, the words' shares are the passages' embedding scores
    # (above the mean over topics): the evidence is what the model weighed.
    j = p.classes.index("medtop:15000000")
    assert p.tokens is not None
    shares = p.tokens.shares(model.embedding_pull(j))
    assert shares.sum() == pytest.approx(
        float((model.embed_passages(texts) @ model.embedding_pull(j)).sum()), rel=1e-4
    )
    assert {"goalkeeper", "striker"} & set(p.top_words("medtop:15000000"))


def test_default_taxonomy_top_levels_come_from_the_classifier(configured: Taxonomy) -> None:
    assert configured.classifier is not None and configured.embedder is None
    covered = configured.classifier.covered
    assert len(covered) == 17
    for tid in covered:  # no single word tags a top-level topic on its own any more
        assert not configured.by_id[tid].patterns and not configured.by_id[tid].weak
    # Subtopics and watchlists keep their rules.
    assert configured.by_id["terrorism"].patterns and configured.by_id["cpec"].patterns


def test_one_ambiguous_word_no_longer_tags_economy(configured: Taxonomy, taxonomy: Taxonomy) -> None:
    art = full_article_of(
        "Olympic champion sets a world record in the long jump",
        "She cleared 7.52 metres on her last attempt to win gold, a record for the championships. "
        "Her coach said the jump was the best of her career.",
    )
    lexicon = {top_level(taxonomy, t.topic) for t in tag_article(art, taxonomy)}
    tags = tag_article(art, configured)
    assert tags[0].topic == "sport"
    assert "economy-business-finance" not in {top_level(configured, t.topic) for t in tags}
    assert lexicon  # the lexicon tagged something from single words (the behaviour replaced)


def test_a_second_topic_needs_its_own_probability(configured: Taxonomy) -> None:
    for a in read_labelled(SEVENTEEN):
        tags = tag_article(full_article(a), configured)
        model_tags = [t for t in tags if t.evidence and t.evidence[0].startswith("classifier:")]
        assert all(t.score >= configured.classifier.second for t in model_tags[1:]), a.id
        assert all(t.score >= topic_model.MIN_PROBABILITY for t in model_tags), a.id


def test_an_iptc_subtopic_needs_its_top_level_to_be_likely(configured: Taxonomy) -> None:
    from newswatch.topics.taxonomy import _gate_subtopics

    class Fixed:  # a prediction with the given probability for every top-level topic
        def __init__(self, p: float) -> None:
            self.p = p

        def prob(self, code: str) -> float:
            return self.p

        def share(self, code: str) -> float:
            return self.p

    low, high = topic_model.SUBTOPIC_PROBABILITY / 2, topic_model.SUBTOPIC_PROBABILITY * 2
    for p, one_word, kept in [(low, True, False), (high, True, True), (low, False, True)]:
        score = 2.0 if one_word else 4.0  # at the threshold, or several matches
        scores = {"election": score, "cpec": 1.0}
        _gate_subtopics(configured, scores, Fixed(p))
        assert ("election" in scores) == kept, (p, one_word)
        assert "cpec" in scores  # a watchlist (no IPTC code) stands on its rules


def test_watchlists_and_user_topics_stand_on_their_rules(configured: Taxonomy) -> None:
    art = full_article_of("Gwadar port expansion", "Work on CPEC projects at Gwadar resumed this week.")
    topics = {t.topic for t in tag_article(art, configured)}
    assert "cpec" in topics
    own = parse_taxonomy({"topic": [{"id": "my-watch", "terms": ["quantum widget"]}]})
    with_model = topic_model.attach(own)
    assert with_model.classifier is None  # no IPTC top-level topics: the lexicon alone
    assert [t.topic for t in tag_article(full_article_of("A quantum widget", ""), with_model)] == ["my-watch"]


def test_an_article_in_another_language_gets_only_its_explicit_tags(configured: Taxonomy) -> None:
    body = (
        "Los ministros de Exteriores de China y Pakistán se reunieron en Islamabad para revisar los "
        "proyectos del CPEC en Gwadar. El banco central y la inflación dominaron la conferencia de prensa."
    )
    art = dataclasses.replace(full_article_of("China y Pakistán revisan el CPEC", body), language="es")
    tags = tag_article(art, configured)
    assert tags and all(not t.evidence[0].startswith("classifier:") for t in tags), tags
    assert "cpec" in {t.topic for t in tags}  # a watchlist's names read in any language
    tops = {t.topic for t in tags if t.topic in configured.classifier.covered}
    assert tops <= {
        top_level(configured, t.topic) for t in tags if t.topic not in configured.classifier.covered
    }
    english = dataclasses.replace(art, language="en")
    assert tag_article(english, configured)[0].evidence[0].startswith("classifier:")  # as before
    headline = dataclasses.replace(headline_article("El banco central sube los tipos"), language="es")
    assert not [t for t in tag_article(headline, configured) if t.topic in configured.classifier.covered]


def test_classifier_none_is_the_lexicon() -> None:
    path = ROOT / "sources" / "topics.toml"
    off = load_configured(TopicSettings(taxonomy=path, classifier="none", embeddings="none"))
    assert off.classifier is None and off.by_id["economy-business-finance"].patterns


def test_seventeen_topic_full_text_floor(configured: Taxonomy) -> None:
    """Two articles per top-level topic, written for the project (tests/fixtures/topics/seventeen):
    a floor a little under the measured figure (docs/benchmarks.md, "Topics")."""
    articles = read_labelled(SEVENTEEN)
    right = 0
    for i, a in enumerate(articles):
        tags = tag_article(full_article(a, i), configured)
        right += bool(tags) and top_level(configured, tags[0].topic) == a.gold
    assert right / len(articles) >= SEVENTEEN_FLOOR


# Measured 29 of 34 (0.853; docs/benchmarks.md, "Topics"); one article fewer may pass.
SEVENTEEN_FLOOR = 28 / 34


def test_other_writers_seventeen_topic_floor(configured: Taxonomy) -> None:
    """Six articles per top-level topic by writers whose text never trained the model
    (tests/fixtures/topics/written): measured 96 of 102; three articles fewer may pass."""
    articles = read_labelled(WRITTEN)
    right = sum(
        bool(tags := tag_article(full_article(a, i), configured))
        and top_level(configured, tags[0].topic) == a.gold
        for i, a in enumerate(articles)
    )
    assert right >= 93


def test_written_training_and_report_articles_are_apart(configured: Taxonomy) -> None:
    """The written training articles cover every top-level topic (eighteen each in three groups,
    six each in the fifth, on drawn IPTC subtopics, and in the sixth and seventh, in drawn forms)
    and every IPTC second-level topic (one each in the fourth, numbered in code order), and share
    no title or opening with the report sets (the other writers', the seventeen-topic set and the
    report-only set of bench/holdout.py)."""
    training = read_labelled(TRAINING)
    tops = {t.id for t in configured.topics if t.parent is None and (t.iptc or "").endswith("000000")}
    by_group = [a for a in training if a.id.split("/")[0] in ("written", "written2", "written4")]
    assert Counter(a.gold for a in by_group) == dict.fromkeys(tops, 18)
    drawn = [a for a in training if a.id.startswith("written7/")]
    assert Counter(a.gold for a in drawn) == dict.fromkeys(tops, 6)
    forms = {g: [a for a in training if a.id.startswith(f"{g}/")] for g in ("written8", "written9")}
    for group, first in (("written8", 1), ("written9", 7)):
        assert Counter(a.gold for a in forms[group]) == dict.fromkeys(tops, 6)
        assert {int(a.id.rsplit("/", 1)[1]) for a in forms[group]} == set(range(first, first + 6))
        assert all(a.id.split("/")[1] == a.gold for a in forms[group])
    second = sorted(int(a.id.rsplit("/", 1)[1]) for a in training if a.id.startswith("written6/"))
    assert second == list(range(1, 121))
    assert len(training) == len(by_group) + len(drawn) + len(second) + sum(map(len, forms.values()))
    seen = {(a.title.casefold(), a.body[:80]) for a in training}
    for other in (read_labelled(WRITTEN), read_labelled(SEVENTEEN), read_labelled(HOLDOUT)):
        assert not seen & {(a.title.casefold(), a.body[:80]) for a in other}


def full_article_of(title: str, body: str):  # -> Article
    art = headline_article(title)
    art.body, art.word_count = body, len(body.split())
    return art


def test_headline_probabilities_without_body(model: topic_model.TopicModel) -> None:
    probs = model.probabilities(["Apple unveils a new iPhone with a faster chip", ""])
    assert probs.shape == (2, 17)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_a_flat_passage_counts_less_than_a_sure_one() -> None:
    sure = np.array([0.9, 0.05, 0.05])
    flat = np.full(3, 1 / 3)
    assert topic_model.confidence(np.vstack([sure, flat])).tolist() == pytest.approx(
        [1 - float(-(sure * np.log(sure)).sum() / np.log(3)), 0.0]
    )
    pooled = topic_model.pool(np.vstack([sure, flat, np.array([0.2, 0.5, 0.3])]))
    assert pooled.sum() == pytest.approx(1.0)
    assert pooled[0] > np.vstack([sure, flat, np.array([0.2, 0.5, 0.3])]).mean(axis=0)[0]
    # All passages flat: the plain mean.
    assert topic_model.pool(np.vstack([flat, flat])).tolist() == pytest.approx(flat.tolist())


def test_passages_embedded_from_the_word_memo_equal_the_embedder(model: topic_model.TopicModel) -> None:
    texts = ["Striker scores twice", "", "Central bank raises rates; inflation climbs", "qzxv blorf"]
    assert np.allclose(model.embed_passages(texts), model.embed(texts), atol=1e-5)
    # Given the texts' words (``predict`` has them), the same embedding and tokens, exactly.
    given, tokens = model._static_embedding(texts, [t.split() for t in texts])
    alone, plain = model._static_embedding(texts)
    assert np.array_equal(given, alone)
    assert tokens.words == plain.words
    for a, b in ((tokens.flat, plain.flat), (tokens.starts, plain.starts), (tokens.norms, plain.norms)):
        assert np.array_equal(a, b)
    # Passages that all have tokens (summed without leaving any out) read as among empty ones.
    full, _ = model._static_embedding([texts[0], texts[2]])
    assert np.array_equal(full, given[[0, 2]])


def test_word_shares_and_pulls_equal_their_plain_form(model: topic_model.TopicModel) -> None:
    """``shares`` reads the token vectors the embedding gathered, and ``pulls`` indexes the words
    with ``dict.fromkeys``: exactly what gathering the rows again and numbering each word on first
    sight give."""
    from newswatch.embeddings import static_parts

    body = (
        "The goalkeeper saved two shots (and a penalty) before the striker scored. “Club,” club; "
        "CLUB! The club’s fans — and qzxv — cheered: the league’s leaders’ lead is 3-1. "
    ) * 4
    p = model.predict("Late goal wins the derby", "A deck", body)
    t = p.tokens
    assert t is not None
    for j in range(len(p.classes)):
        direction = model.embedding_pull(j)
        plain = np.zeros(len(t.words))
        has = np.diff(np.append(t.starts, len(t.flat))) > 0
        plain[has] = np.add.reduceat(static_parts()[1][t.flat] @ direction, t.starts[has])
        shares = t.shares(direction)
        assert np.array_equal(shares, plain / t.norms)
        index: dict[str, int] = {}
        keys = [w.strip(topic_model._EDGES).lower().replace("’", "'") for w in t.words]
        ids = [index.setdefault(k, len(index)) for k in keys]
        got_index, got = t.pulls(direction)
        assert list(got_index.items()) == list(index.items())
        assert np.array_equal(got, np.bincount(ids, weights=shares, minlength=len(index)))


def test_word_token_ids_read_from_the_vocabulary_equal_the_tokenizer() -> None:
    """``_word_ids`` cuts plain words itself (vocabulary look-ups, WordPiece) and tokenizes the rest
    as one text: each word's ids must be what the tokenizer gives that word alone."""
    from newswatch.embeddings import static_parts

    tokenizer, _, unk = static_parts()
    words = [
        *"Court rules 22: (WSVN) £2,000 São Paraná, “Superminds”, museum’s don't U.S. 60% 3.5bn".split(),
        *"breaching Radstock, manslaughter. Stormcloaks! hijinks ‘IRISHMAN’ spells—that".split(),
        *"[UNK] x[UNK]y [PAD] [unused1] ##ing straße İstanbul ÉCOLE naïve ... — '".split(),
        *"\\x ^_^ `x` qzxvblorf 東京 হয়েছে।".split(),
        "a\x00b",
        "A\x7fB",
        "x" * 101,
        "ab" * 50,
        "unbelievably" * 9,
        "zz’zz“",
        "[",
        "]]",
        # A long run of letters before a character the plain words lack (a pattern that
        # backtracked through every way of cutting the run took minutes on these).
        "a" * 40 + "é",
        "Supercalifragilisticexpialidocious…",
        "0123456789abcdef0123456789abcdef—x",
        # Longer than any vocabulary entry, whole or in part; and not in the vocabulary.
        "pneumonoultramicroscopicsilicovolcanoconiosis",
        "Ogwedhi",
        "counterrevolutionaries,",
    ]
    got = topic_model._word_ids(words, tokenizer, unk)
    encoded = tokenizer.encode_batch(words, add_special_tokens=False)
    assert got == {w: tuple(i for i in e.ids if i != unk) for w, e in zip(words, encoded, strict=True)}
    # The rest tokenized as one text: a word's ids do not depend on its neighbours.
    assert topic_model._word_ids(["São", "东京", "Paraná,"], tokenizer, unk) == {
        w: got.get(w, tuple(i for i in tokenizer.encode(w, add_special_tokens=False).ids if i != unk))
        for w in ("São", "东京", "Paraná,")
    }
