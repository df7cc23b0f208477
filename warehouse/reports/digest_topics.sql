-- The topics of the digest's stories ($story_ids), best first, with label and parent: the digest
-- shows the most specific ones as tags and files each story under its best top-level topic.
SELECT st.story_id, st.topic, coalesce(st.label, st.topic) AS label, st.parent, st.score, st.articles
FROM story_topics AS st
WHERE st.story_id IN (SELECT unnest($story_ids))
ORDER BY st.story_id, st.score DESC, st.articles DESC, st.topic;
