-- A merge: the merged story's row goes (its id lives on in story_merges). $1 merged.
DELETE FROM stories WHERE story_id = ?;
