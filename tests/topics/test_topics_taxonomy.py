"""The default taxonomy against the IPTC vocabulary, and rule validation with file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.errors import ConfigError
from newswatch.topics.evaluate import headline_article
from newswatch.topics.taxonomy import Taxonomy, load_taxonomy, tag_article


def test_all_17_top_level_topics_with_official_codes_and_labels(taxonomy: Taxonomy, iptc) -> None:
    top = {code: row for code, row in iptc.items() if row["level"] == "1" and row["retired"] == "no"}
    assert len(top) == 17
    ours = {t.iptc: t for t in taxonomy.topics if t.parent is None and t.iptc}
    assert set(ours) == set(top)
    for code, t in ours.items():
        assert t.label == top[code]["label"], code


def test_every_iptc_code_is_real_and_its_label_is_official(taxonomy: Taxonomy, iptc) -> None:
    for t in taxonomy.topics:
        if t.iptc:
            assert t.iptc in iptc, t.id
            assert iptc[t.iptc]["retired"] == "no", t.id
            assert t.label == iptc[t.iptc]["label"], (t.id, iptc[t.iptc]["label"])


def test_iptc_parent_chain_matches_the_vocabulary(taxonomy: Taxonomy, iptc) -> None:
    """A subtopic's IPTC parent topic must be an IPTC ancestor of its own code."""
    for t in taxonomy.topics:
        if not (t.iptc and t.parent and taxonomy.by_id[t.parent].iptc):
            continue
        ancestors, code = set(), iptc[t.iptc]["parent_code"]
        while code:
            ancestors.add(code)
            code = iptc[code]["parent_code"]
        assert taxonomy.by_id[t.parent].iptc in ancestors, t.id


def test_users_first_subtopics_are_there(taxonomy: Taxonomy) -> None:
    for tid in ["terrorism", "armed-conflict", "diplomacy", "international-relations", "international-trade",
                "infrastructure-projects", "election", "economy", "space-exploration", "cpec",
                "afghan-taliban", "kashmir"]:  # fmt: skip
        assert tid in taxonomy.by_id


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (
            '[[topic]]\nid = "a"\nterms = ["x"]\n\n[[topic]]\nid = "b"\nregex = ["(unclosed"]\n',
            7,
            "invalid regex",
        ),
        ('[[topic]]\nid = "a"\nterms = ["x"]\nparent = "nope"\n', 4, "unknown parent"),
        ('[[topic]]\nid = "Bad Id"\nterms = ["x"]\n', 2, "topic id must be"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\n[[topic]]\nid = "a"\nterms = ["y"]\n', 5, "defined twice"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\nexclude = "y"\n', 4, "exclude must be a list"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\nweak = [""]\n', 4, "weak must be a list"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\niptc = "20000053"\n', 4, "iptc code must look like"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\nthreshold = -1\n', 4, "threshold must be"),
        ('[[topic]]\nid = "a"\nterms = ["x"]\naliases = ["y"]\n', 4, "unknown key"),
    ],
)
def test_invalid_rules_name_file_line_and_reason(tmp_path: Path, body: str, line: int, reason: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(path)
    msg = str(info.value)
    assert str(path) in msg and reason in msg and f":{line}" in msg, msg


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[[topic]]\nid = "a\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_taxonomy(path)


def test_iptc_vocabulary_adds_descendant_labels_as_weak_terms(tmp_path: Path) -> None:
    vocab = Path(__file__).resolve().parents[2] / "sources" / "iptc" / "mediatopics_en.tsv"
    body = '[[topic]]\nid = "econ"\niptc = "medtop:04000000"\nterms = ["economy"]\n'
    plain = tmp_path / "plain.toml"
    plain.write_text(body, encoding="utf-8")
    rich = tmp_path / "rich.toml"
    rich.write_text(f'[settings]\niptc_vocabulary = "{vocab}"\n\n' + body, encoding="utf-8")
    assert not load_taxonomy(plain).by_id["econ"].weak
    weak = {p.pattern for p in load_taxonomy(rich).by_id["econ"].weak}
    assert any("currenc" in p for p in weak) and any("bankrupt" in p for p in weak)


def test_a_word_the_vocabulary_files_under_two_top_level_topics_is_no_weak_term(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    vocab = Path(__file__).resolve().parents[2] / "sources" / "iptc" / "mediatopics_en.tsv"
    body = '[[topic]]\nid = "election"\niptc = "medtop:20000574"\nterms = ["election*"]\n'
    rich = tmp_path / "rich.toml"
    rich.write_text(f'[settings]\niptc_vocabulary = "{vocab}"\n\n' + body, encoding="utf-8")
    weak = {p.pattern for p in load_taxonomy(rich).by_id["election"].weak}
    # "citizens' initiative and recall" gives "recall", which "product recall" files under economy;
    # "recall election" names only the one.
    assert any("referendum" in p for p in weak) and any("recall" in p and "election" in p for p in weak), weak
    assert not any("recall" in p and "election" not in p for p in weak), weak
    tags = tag_article(headline_article("GM hires law firms to probe its ignition switch recall"), taxonomy)
    assert not {"election", "politics-government"} & {t.topic for t in tags}, tags


def test_missing_iptc_vocabulary_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[settings]\nthreshold = 2\niptc_vocabulary = "nope.tsv"\n\n[[topic]]\nid = "a"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"t\.toml:3: iptc_vocabulary .*nope\.tsv"):
        load_taxonomy(path)


def test_unknown_setting_fails(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[settings]\nthreshhold = 2\n\n[[topic]]\nid = "a"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"t\.toml:2: unknown key 'threshhold'"):
        load_taxonomy(path)
