"""The stages that depend on one article alone: topic tags, entities, the copy signature and the
text features story matching reads (``newswatch.stories.text_features``).

The extraction pool's workers run them for large batches (``sources.batch``), so they spread over
the cores with extraction; ``flows.stages.process_and_load`` runs them for whatever arrives without
them (small batches, re-extraction). Either way the same functions see the same article and give
the same rows. Each result carries the content hash it was computed from, so a result is never
used for another text of the same article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newswatch.copies.minhash import signatures_for
from newswatch.entities.names import Entity, extract_entities
from newswatch.records import Article, TopicTag
from newswatch.settings import CopySettings
from newswatch.stories.assign import TextFeatures, text_features
from newswatch.topics.taxonomy import Taxonomy, tag_article


@dataclass(slots=True)
class Derived:
    content_hash: str  # of the text it was derived from
    tags: list[TopicTag]
    entities: list[Entity]
    signature: np.ndarray | None
    # What story matching reads of the text (no story id, no time: those come later); None when
    # derived in the calling process, where story matching computes it for the articles it scores.
    story: TextFeatures | None


def entity_text(article: Article) -> str:
    """What entities are read from besides the headline: the standfirst and the body."""
    return f"{article.deck or ''}.\n{article.body}"


def derive(
    articles: Sequence[Article], taxonomy: Taxonomy, copies: CopySettings, *, story_text: bool = True
) -> dict[str, Derived]:
    """Tags, entities, copy signature and (with ``story_text``) story text features of each
    article, by article id.

    The pool's workers ask for the text features: they cannot know which articles will turn out to
    be copies (which story matching does not score), and work done there is off the calling
    process's serial path. The calling process leaves them to ``assign_stories``.
    """
    signatures = signatures_for(articles, copies)
    return {
        a.article_id: Derived(
            a.content_hash,
            tag_article(a, taxonomy),
            extract_entities(a.title, entity_text(a), taxonomy.entities, language=a.language),
            signatures[a.article_id],
            text_features(a) if story_text else None,
        )
        for a in articles
    }
