-- Stories that turned out to be one: the younger story's id stays findable after it merges into
-- the older one (`newswatch story OLD_ID` follows it). Written in the batch's transaction.
CREATE TABLE story_merges (
    merged_story_id VARCHAR PRIMARY KEY,          -- the id that is no longer used by any article
    into_story_id   VARCHAR NOT NULL,             -- the story it is part of now (the older one)
    article_id      VARCHAR NOT NULL,             -- the article that showed they are one
    score           DOUBLE NOT NULL,              -- its score with the merged story
    merged_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX story_merges_into ON story_merges (into_story_id);
