"""Story matching's text features can be computed ahead (the extraction pool does) with the same
assignments, merges and story state as when ``assign_stories`` computes them itself."""

from __future__ import annotations

from test_stories_merge import HEADLINES, headline

from newswatch.settings import StorySettings
from newswatch.stories.assign import StoryIndex, assign_stories, text_features


def test_precomputed_text_features_assign_and_merge_like_computed_ones() -> None:
    here = [headline(*h) for h in HEADLINES]
    ahead = [headline(*h) for h in HEADLINES]
    # Made before the articles have a story or a first-seen time, as in the pool's workers.
    texts = {a.article_id: text_features(a) for a in ahead}
    a, b = StoryIndex(StorySettings()), StoryIndex(StorySettings())
    for part in (slice(0, 2), slice(2, 3)):  # the third article merges the first two's stories
        assert assign_stories(here[part], a) == assign_stories(ahead[part], b, texts)
    merges = a.drain_merges()
    assert merges and merges == b.drain_merges()
    assert [x.story_id for x in here] == [x.story_id for x in ahead]
    assert a.story_of == b.story_of and a.stories == b.stories
    # An article placed on an earlier run (it keeps its story) counts into the index the same way.
    again_here, again_ahead = headline(*HEADLINES[0]), headline(*HEADLINES[0])
    again_here.story_id = again_ahead.story_id = here[0].story_id
    assert assign_stories([again_here], a) == assign_stories([again_ahead], b, texts)
    assert a.stories == b.stories
    # Features are read, never changed: the same as computed afresh.
    assert texts == {x.article_id: text_features(x) for x in ahead}
