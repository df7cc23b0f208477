"""Stories: different outlets' articles about one event, grouped incrementally with stable ids.

``assign`` scores each article against the open stories of its time window; ``when`` places an
article without a publication date by its text; ``generic`` holds the common words that join
nothing; ``roles`` reads office holders (one office, two people: two events); ``facts`` finds where
a story's versions disagree.
"""

from newswatch.stories.assign import StoryIndex, assign_stories, text_features
from newswatch.stories.facts import differences

__all__ = ["StoryIndex", "assign_stories", "differences", "text_features"]
