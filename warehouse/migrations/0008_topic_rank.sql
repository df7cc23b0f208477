-- The order of an article's tags as newswatch gave them: rank 1 is its best tag (with the
-- classifier on, its most probable top-level topic; the classifier's probabilities and the
-- lexicon's scores are not on one scale, so the score alone does not say which tag comes first).
-- Rows written before this migration keep NULL: their article's best top-level topic is then the
-- one with the best score, as before (view article_lead_topics).

ALTER TABLE article_topics ADD COLUMN rank INTEGER;
