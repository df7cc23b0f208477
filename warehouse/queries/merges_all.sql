-- Every merged story id and the story it lives on as.
SELECT merged_story_id, into_story_id FROM story_merges;
