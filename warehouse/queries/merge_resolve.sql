-- The story a merged story id now lives on as. $1 the merged id.
SELECT into_story_id FROM story_merges WHERE merged_story_id = ?;
