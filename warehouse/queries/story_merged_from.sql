-- The story ids merged into a story, oldest merge first. $1 story_id.
SELECT merged_story_id FROM story_merges WHERE into_story_id = ? ORDER BY merged_at;
