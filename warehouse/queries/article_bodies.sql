-- Every article's body, by id: what the copy signatures are computed from.
SELECT article_id, body FROM articles ORDER BY article_id;
