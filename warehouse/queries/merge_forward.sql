-- A merge: ids merged into the merged story before now lead to its new home in one step.
-- $1 into, $2 merged.
UPDATE story_merges SET into_story_id = ? WHERE into_story_id = ?;
