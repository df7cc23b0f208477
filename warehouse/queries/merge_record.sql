-- A merge's record: $1 merged, $2 into, $3 the article that showed it, $4 its score, $5 when.
INSERT OR REPLACE INTO story_merges VALUES (?, ?, ?, ?, ?);
