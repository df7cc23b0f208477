-- Entities: one row per person, organisation or place (one name, its aliases, its country), and
-- article_entities keyed by the entity's id with mention counts. Rows written before this
-- migration keep their name and kind and get the id kind:name.

CREATE TABLE entities (
    entity_id       VARCHAR PRIMARY KEY,          -- iso:PK, geonames:1816670, person:ishaq-dar, ...
    name            VARCHAR NOT NULL,             -- the one name shown and stored in article_entities
    kind            VARCHAR NOT NULL,             -- person | organisation | place | other
    country_code    VARCHAR,                      -- ISO 3166 alpha-2: the country, or where the place is
    aliases         VARCHAR[] NOT NULL,           -- other names writers use (from the watchlist)
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE article_entities_0005 (
    article_id      VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,             -- the entity's name (entities.name)
    kind            VARCHAR NOT NULL,
    mentions        INTEGER NOT NULL,
    entity_id       VARCHAR NOT NULL,             -- entities.entity_id
    PRIMARY KEY (article_id, entity_id)
);

INSERT INTO article_entities_0005
SELECT article_id, entity, kind, mentions, kind || ':' || entity FROM article_entities;

INSERT INTO entities
SELECT DISTINCT kind || ':' || entity, entity, kind, NULL, []::VARCHAR[], now() FROM article_entities;

DROP TABLE article_entities;
ALTER TABLE article_entities_0005 RENAME TO article_entities;
CREATE INDEX article_entities_entity ON article_entities (entity_id);
