-- A story's top-level topics with their best score and how many of its originals lead with each
-- (view story_topics), for newswatch.digest.build.story_topic to choose the story's own. $1 story_id.
SELECT topic, label, parent, score, leads FROM story_topics WHERE story_id = ? AND parent IS NULL;
