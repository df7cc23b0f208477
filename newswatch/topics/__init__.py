"""Topics: a TOML taxonomy with IPTC codes, tagged with a score and evidence per article.

``taxonomy`` loads the taxonomy and tags with its terms; ``embed`` adds the embedding scorer;
``iptc`` reads the IPTC Media Topics vocabulary; ``evaluate`` scores tagging on labelled headlines.
"""

from newswatch.topics.taxonomy import Taxonomy, Topic, load_configured, load_taxonomy, tag_article

__all__ = ["Taxonomy", "Topic", "load_configured", "load_taxonomy", "tag_article"]
