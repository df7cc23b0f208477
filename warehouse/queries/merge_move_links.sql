-- A merge: the merged story's links move with its articles. $1 into, $2 merged.
UPDATE story_links SET story_id = ? WHERE story_id = ?;
