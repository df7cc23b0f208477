-- report: Watchlist hits: articles of the last N days tagged with a watchlist topic or naming a watchlist entity.
-- param days INTEGER = 7: how many days back from `end`
-- param end DATE = today: the last day (UTC)
-- param watch VARCHAR = null: one watchlist topic id or entity id; default: all of them
-- Watchlist topics are the taxonomy's topics without an IPTC code; watchlist entities are the
-- taxonomy's [[entity]] entries with other names (aliases). Copies count under their original.
WITH recent AS (
    SELECT article_id, story_id, source, title, coalesce(published_at, first_seen_at) AS happened_at
    FROM articles
    WHERE copy_of IS NULL
      AND CAST(timezone('UTC', coalesce(published_at, first_seen_at)) AS DATE)
          BETWEEN CAST($end AS DATE) - ($days - 1) AND CAST($end AS DATE)
),
hits AS (
    SELECT tg.article_id, 'topic' AS kind, t.topic AS watch, t.label, tg.score AS weight
    FROM article_topics AS tg JOIN topics AS t USING (topic)
    WHERE t.iptc_code IS NULL
    UNION ALL
    SELECT ae.article_id, 'entity', e.entity_id, e.name, ae.mentions
    FROM article_entities AS ae JOIN entities AS e USING (entity_id)
    WHERE len(e.aliases) > 0
)
SELECT h.kind, h.watch, h.label, r.happened_at, r.source, r.title, h.weight, r.story_id, r.article_id
FROM hits AS h
JOIN recent AS r USING (article_id)
WHERE $watch IS NULL OR h.watch = $watch
ORDER BY r.happened_at DESC, h.kind, h.watch, r.article_id;
