-- A merge: the merged story's articles move to the story it joins. $1 into, $2 merged.
UPDATE articles SET story_id = ? WHERE story_id = ?;
