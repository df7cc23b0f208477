"""Entities: watchlist aliases, the gazetteer, kinds, and rule validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.entities.gazetteer import lookup
from newswatch.entities.names import EntityRule, extract_entities, extract_names
from newswatch.entities.rules import parse_entity_rules
from newswatch.errors import ConfigError
from newswatch.topics.taxonomy import Taxonomy, load_taxonomy


def by_name(title: str, body: str, taxonomy: Taxonomy) -> dict[str, int]:
    return {e.name: e.mentions for e in extract_entities(title, body, taxonomy.entities)}


def test_aliases_collapse_to_one_name(taxonomy: Taxonomy) -> None:
    got = by_name(
        "TTP claims attack",
        "The Tehrik-e-Taliban Pakistan (TTP) said so. The Pakistani Taliban later denied it.",
        taxonomy,
    )
    assert got["Tehrik-e-Taliban Pakistan"] == 4
    assert "Taliban" not in got and "TTP" not in got


def test_bare_surname_counts_only_with_the_full_name(taxonomy: Taxonomy) -> None:
    assert (
        by_name("Talks", "Ishaq Dar met Wang Yi. Dar said the talks went well.", taxonomy)["Ishaq Dar"] == 2
    )
    assert "Ishaq Dar" not in by_name("Visit", "He flew to Dar es Salaam. Dar was hot.", taxonomy)


def test_acronym_aliases_are_case_sensitive(taxonomy: Taxonomy) -> None:
    assert "United Nations" in by_name("Vote", "The UN voted.", taxonomy)
    assert "United Nations" not in by_name("Vote", "It was un-American.", taxonomy)


def test_places_resolve_with_their_country(taxonomy: Taxonomy) -> None:
    ents = {e.name: e for e in extract_entities("Beijing summit", "Leaders met in Karachi and Kabul.", ())}
    assert ents["Beijing"].country_code == "CN" and ents["Beijing"].kind == "place"
    assert ents["Karachi"].country_code == "PK"
    assert ents["Kabul"].entity_id.startswith("geonames:")


def test_gazetteer_countries_and_short_forms() -> None:
    assert lookup("Pakistan").entity_id == "iso:PK"  # type: ignore[union-attr]
    assert lookup("U.S.").country_code == "US"  # type: ignore[union-attr]
    assert lookup("Britain").country_code == "GB"  # type: ignore[union-attr]
    assert lookup("Nowhereville") is None


def test_a_german_towns_short_name_is_the_town_and_a_citys_own_name_wins() -> None:
    assert lookup("Frankfurt").name == "Frankfurt am Main"  # type: ignore[union-attr]
    assert lookup("Frankfurt am Main").country_code == "DE"  # type: ignore[union-attr]
    assert lookup("Freiburg").country_code == "DE"  # type: ignore[union-attr]  # Freiburg im Breisgau
    assert lookup("Halle").name == "Halle (Saale)"  # type: ignore[union-attr]


def test_in_another_language_names_of_no_kind_are_left_out(taxonomy: Taxonomy) -> None:
    body = (
        "Die Europäische Zentralbank hat den Leitzins gesenkt. Präsidentin Christine Lagarde sagte in "
        "Frankfurt, die Inflation sei zurückgegangen. Die Vereinten Nationen und der IWF begrüßten das, "
        "ebenso die Tehrik-e-Taliban Pakistan, schrieb die TTP."
    )
    english = {e.name: e.kind for e in extract_entities("EZB senkt den Leitzins", body, taxonomy.entities)}
    german = {
        e.name: e.kind
        for e in extract_entities("EZB senkt den Leitzins", body, taxonomy.entities, language="de")
    }
    assert {"Leitzins", "Inflation"} <= set(english)  # nouns the English rules take for names
    assert "other" not in german.values(), german
    assert german["Frankfurt am Main"] == "place" and german["EZB"] == "organisation", german
    assert "Tehrik-e-Taliban Pakistan" in german  # a watchlist entry counts in any language
    assert {n: k for n, k in english.items() if k != "other"} == german


def test_kinds_of_unlisted_names() -> None:
    ents = {
        e.name: e.kind
        for e in extract_entities(
            "Visit", "Prime Minister Boris Kowalski met the Pakistan Army and the Karakoram Highway plan.", ()
        )
    }
    assert ents["Boris Kowalski"] == "person"
    assert ents["Pakistan Army"] == "organisation"
    assert ents["Karakoram Highway"] == "place"


def test_sentence_initial_place_still_counts() -> None:
    ents = {e.name: e.mentions for e in extract_entities("", "Pakistan said no. Then Pakistan said yes.", ())}
    assert ents["Pakistan"] == 2


def test_extract_names_keeps_its_meaning() -> None:
    names = extract_names(
        "Foreign Minister Ishaq Dar met Wang Yi in Beijing, where Dar said talks went well."
    )
    assert names["Ishaq Dar"] == 2 and names["Wang Yi"] == 1 and names["Beijing"] == 1


def test_rules_are_plain_data() -> None:
    rule = EntityRule("person:x-y", "X Y", "person", None, ("Y",))
    assert [e.name for e in extract_entities("", "X Y came. Y left.", [rule])] == ["X Y"]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ('[[entity]]\nname = "A"\nkind = "company"\n', 3, "entity kind must be"),
        ('[[entity]]\nname = "A"\nkind = "place"\ncountry = "XX"\n', 4, "ISO 3166"),
        ('[[entity]]\nname = ""\n', 2, "non-empty"),
        ('[[entity]]\nname = "A"\naliases = "B"\n', 3, "aliases must be a list"),
        ('[[entity]]\nname = "A"\nkind = "person"\n\n[[entity]]\nname = "A"\nkind = "person"\n', 6, "twice"),
        ('[[entity]]\nname = "A"\nwho = 1\n', 3, "unknown key"),
    ],
)
def test_invalid_entity_rules_fail_with_file_line_reason(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[topic]]\nid = "x"\nterms = ["x"]\n\n' + body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(path)
    assert f"{path}:{line + 4}: " in str(info.value) and reason in str(info.value), str(info.value)


def test_unknown_table_fails(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[topic]]\nid = "x"\nterms = ["x"]\n\n[[entitty]]\nname = "A"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r":5: unknown table 'entitty'"):
        load_taxonomy(path)


def test_capitalised_common_words_are_not_entities() -> None:
    names = {
        e.name
        for e in extract_entities(
            "Plan", "The Ministers met. The ministers agreed a plan with Kowalczyk.", ()
        )
    }
    assert "Ministers" not in names and "Kowalczyk" in names


def test_a_city_that_is_also_a_word_needs_more_than_a_sentence_start() -> None:
    names = {
        e.name for e in extract_entities("Markets", "Reading the report, he sighed. Nice try, said she.", ())
    }
    assert "Reading" not in names and "Nice" not in names
    names = {e.name for e in extract_entities("Markets", "Nice is sunny. Tourists love Nice.", ())}
    assert "Nice" in names
    assert "Beijing" in {e.name for e in extract_entities("Beijing summit opens", "Leaders met.", ())}


def test_a_watchlist_city_counts_wherever_the_text_names_it() -> None:
    # A watchlist may list a city the gazetteer knows, for its other names: its matches are the
    # user's evidence, not a capitalised word at a sentence start that might be an ordinary one.
    rules = parse_entity_rules(
        [{"name": "Gwadar", "kind": "place", "country": "PK", "aliases": ["Gwadar Port"]}]
    )
    got = {e.name: e for e in extract_entities("Port opens", "Gwadar Port opened. Ships came.", rules)}
    assert got["Gwadar"].mentions == 1 and got["Gwadar"].entity_id.startswith("geonames:"), got
    got = {e.name: e for e in extract_entities("Ships", "Ships reached Gwadar Port and Gwadar.", rules)}
    assert got["Gwadar"].mentions == 2, got


def test_us_states_and_continents_are_places() -> None:
    ents = {
        e.name: e
        for e in extract_entities("Vote", "California voted. Voters in South Carolina and Europe too.", ())
    }
    assert ents["California"].country_code == "US" and ents["California"].kind == "place"
    assert ents["South Carolina"].country_code == "US"
    assert ents["Europe"].kind == "place" and ents["Europe"].country_code is None


def test_a_surname_that_is_a_town_is_still_a_person() -> None:
    assert {e.name: e.kind for e in extract_entities("x", "Senator Elizabeth Warren spoke.", ())}[
        "Elizabeth Warren"
    ] == "person"
