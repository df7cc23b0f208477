"""Full texts as a new user feeds them: one event in other words is one story; junk is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswatch.clean import clean
from newswatch.records import Article, Extracted
from newswatch.settings import StorySettings
from newswatch.stories import StoryIndex, assign_stories

T0 = datetime(2025, 4, 28, 6, 0, tzinfo=UTC)


def article(outlet: str, title: str, body: str, hours: float | None) -> Article:
    published = T0 + timedelta(hours=hours) if hours is not None else None
    return clean(
        Extracted(title=title, body=body, published_at=published),
        source=outlet,
        url=f"https://{outlet}.example/{abs(hash(title)) % 10**8}",
    )


# Two outlets' accounts of one flood: the same toll, officials and places, told in other words,
# each with background the other lacks; then a third outlet's later account.
FLOOD = [
    (
        "coastwatch",
        "Floods in Kenya's Tana River county kill 23 as dam overflows",
        """At least 23 people have died and more than 14,000 have been displaced after the Tana River burst
its banks in south-eastern Kenya, the Kenya Red Cross said on Monday. Tana River county governor
Dhadho Godhana said the villages of Bura and Garsen were cut off after water released from the Masinga
dam swept across farmland overnight. Interior Cabinet Secretary Kipchumba Murkomen said the national
government would airlift food and medicine to the stranded families. The long rains have been heavier
than usual this year, and the meteorological department has warned of more downpours in the coming
days. Many of the displaced are sheltering in schools on higher ground, where aid workers warned of
cholera because latrines had flooded. Farmers said the water had destroyed maize and mango crops weeks
before harvest.""",
        0.0,
    ),
    (
        "eastafrica-wire",
        "Death toll from Tana River flooding reaches 23, Red Cross says",
        """NAIROBI - Rising waters along the Tana River have killed 23 people and forced some 14,000 from
their homes, according to the Kenya Red Cross Society. Governor Dhadho Godhana described scenes of
families clinging to trees near Garsen, while rescuers in boats reached Bura only on Sunday night.
Officials blamed the disaster on heavy rain upstream that forced operators to open the spillways of
the Masinga reservoir. Kipchumba Murkomen, the interior secretary, promised helicopters with supplies.
Kenya has struggled with floods in several regions since March; Nairobi's informal settlements along
the Mathare river were hit last month, and the roads authority says dozens of bridges need repair.
The county's hospitals reported shortages of clean water and antimalarial drugs.""",
        4.0,
    ),
    (
        "nation-report",
        "Tana River floods: aid reaches Garsen as toll stays at 23",
        """Helicopters carrying food and medicine reached Garsen and Bura on Tuesday, two days after the Tana
River overflowed and killed 23 people. Governor Dhadho Godhana said 14,000 residents remained in camps.
Interior Cabinet Secretary Kipchumba Murkomen, touring the camps, said the Masinga dam releases had been
reduced and that the water was falling. The Kenya Red Cross warned of cholera in the crowded camps.""",
        30.0,
    ),
]

# Unrelated junk records that happen to share common words: never one story.
JUNK = [
    ("junk-a", "Good record", "This is a good record of the day.", 0.0),
    ("junk-b", "A record good for testing", "Another record. It is good.", 1.0),
    ("junk-c", "Good: record three", "Record three is a good one to keep.", 2.0),
]


def test_two_outlets_full_texts_of_one_flood_are_one_story_and_a_later_account_joins_it() -> None:
    index = StoryIndex(StorySettings())
    arts = [article(*a) for a in FLOOD]
    assignments, _ = assign_stories(arts[:2], index)
    assert arts[0].story_id == arts[1].story_id, assignments[1].evidence
    second = assignments[1]
    assert not second.is_new_story and second.score >= StorySettings().threshold
    # The evidence names what a person checks: shared places, people and the toll.
    shared = set(second.evidence["shared_entities"])  # type: ignore[arg-type]
    assert {"Dhadho Godhana", "Garsen"} <= shared
    assert "23" in second.evidence["shared_numbers"]  # type: ignore[operator]
    assign_stories(arts[2:], index)
    assert arts[2].story_id == arts[0].story_id


def test_the_flood_told_without_dates_is_still_one_story() -> None:
    index = StoryIndex(StorySettings())
    arts = [article(o, t, b, None if i == 1 else h) for i, (o, t, b, h) in enumerate(FLOOD)]
    arts[1].first_seen_at = T0 + timedelta(days=200)  # read long after: unknown time, not "then"
    assign_stories(arts, index)
    assert len({a.story_id for a in arts}) == 1


def test_junk_records_sharing_common_words_are_not_one_story() -> None:
    for settings in (StorySettings(), StorySettings(embeddings="none")):
        index = StoryIndex(settings)
        arts = [article(*a) for a in JUNK]
        assignments, _ = assign_stories(arts, index)
        assert len({a.story_id for a in arts}) == 3, [s.evidence for s in assignments]


def test_another_person_in_the_same_role_is_another_event() -> None:
    from newswatch.stories.roles import role_holders

    assert role_holders("Czech Health Minister Tomáš Hrubeš resigned.") == {"health minister": {"hrubeš"}}
    # Both undated: time cannot tell them apart, the office holders do.
    first = article(
        "desk-a",
        "Slovenian health minister resigns over hospital contract",
        """Slovenian Health Minister Marko Kranjc resigned on Tuesday after police searched the ministry
in Ljubljana over a contract for a new wing of the University Medical Centre. Prime Minister Robert Golob
accepted the resignation and said he would run the ministry himself. Opposition parties in Ljubljana
demanded that the contract for the University Medical Centre be cancelled and the tender repeated.""",
        None,
    )
    second = article(
        "desk-b",
        "New Slovenian health minister presents plan for University Medical Centre",
        """Slovenian Health Minister Nina Zupan presented a plan on Wednesday to cut waiting lists at the
University Medical Centre in Ljubljana by a third. Prime Minister Robert Golob said the ministry would
fund new operating theatres at the University Medical Centre and in Maribor, and that the contract for
the new wing of the hospital in Ljubljana would be tendered again.""",
        None,
    )
    index = StoryIndex(StorySettings())
    assignments, _ = assign_stories([first, second], index)
    assert first.story_id != second.story_id
    assert assignments[1].evidence.get("other_holders") == ["health minister: zupan, not kranjc"]
