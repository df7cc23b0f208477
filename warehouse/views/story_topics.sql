-- Story-level topics rolled up from the story's original articles (copies count once): the best
-- score, how many articles carry the tag and what share of the story's originals that is, how many
-- lead with it (their first top-level topic, view article_lead_topics), the topic's label, IPTC
-- code and parent, and the evidence of the best-scoring article. The story's own topic, the one
-- the digest files it under, is the top-level row with the most leads, then the best score.
CREATE OR REPLACE VIEW story_topics AS
WITH originals AS (
    SELECT story_id, count(*) AS story_articles
    FROM articles
    WHERE copy_of IS NULL AND story_id IS NOT NULL
    GROUP BY story_id
),
tagged AS (
    SELECT a.story_id, t.topic, t.score, t.evidence, a.article_id
    FROM article_topics AS t
    JOIN articles AS a USING (article_id)
    WHERE a.copy_of IS NULL AND a.story_id IS NOT NULL
),
leads AS (
    SELECT a.story_id, l.topic, count(*) AS leads
    FROM article_lead_topics AS l
    JOIN articles AS a USING (article_id)
    WHERE a.copy_of IS NULL AND a.story_id IS NOT NULL
    GROUP BY a.story_id, l.topic
),
rolled AS (
    SELECT story_id, topic, max(score) AS score, count(DISTINCT article_id) AS articles,
           arg_max(evidence, score) AS evidence
    FROM tagged
    GROUP BY story_id, topic
)
SELECT r.story_id, r.topic, r.score, r.articles,
       round(r.articles / o.story_articles, 3) AS share,
       tp.label, tp.iptc_code, tp.parent, r.evidence, coalesce(l.leads, 0) AS leads
FROM rolled AS r
JOIN originals AS o USING (story_id)
LEFT JOIN leads AS l USING (story_id, topic)
LEFT JOIN topics AS tp ON tp.topic = r.topic;
