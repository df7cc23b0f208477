"""Stories: different outlets' articles about one event, grouped incrementally with stable ids.

``assign`` scores each article against the open stories of its time window; ``facts`` finds where
a story's versions disagree.
"""

from newswatch.stories.assign import StoryIndex, assign_stories, text_features
from newswatch.stories.facts import differences

__all__ = ["StoryIndex", "assign_stories", "differences", "text_features"]
