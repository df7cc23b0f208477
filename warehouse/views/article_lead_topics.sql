-- Each article's lead topic: its first top-level tag (the tag order newswatch gave, rank), or, for
-- rows written before ranks were stored, its top-level tag with the best score. A story is filed
-- under the lead topic most of its original articles share (story_topics.leads).
CREATE OR REPLACE VIEW article_lead_topics AS
SELECT t.article_id, coalesce(arg_min(t.topic, t.rank), arg_max(t.topic, t.score)) AS topic
FROM article_topics AS t
JOIN topics AS tp ON tp.topic = t.topic AND tp.parent IS NULL
GROUP BY t.article_id;
