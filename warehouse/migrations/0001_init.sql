-- The warehouse's first shape: articles, stories, topics, fetches, runs, and the state the
-- incremental stages keep next to the data (copy signatures, raw documents).

CREATE TABLE articles (
    article_id      VARCHAR PRIMARY KEY,          -- a_ + hash of url
    source          VARCHAR NOT NULL,             -- the outlet (site name, record source) or the configured source
    origin          VARCHAR NOT NULL,             -- the configured source it came through
    url             VARCHAR NOT NULL,             -- http(s) URL or file:// URI
    canonical_url   VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    deck            VARCHAR,                      -- standfirst
    body            VARCHAR NOT NULL,
    published_at    TIMESTAMPTZ,
    modified_at     TIMESTAMPTZ,
    authors         VARCHAR[],
    site_name       VARCHAR,
    language        VARCHAR,
    word_count      INTEGER NOT NULL,
    content_hash    VARCHAR NOT NULL,             -- of the matching form of the body
    copy_of         VARCHAR,                      -- the original this one copies; NULL for originals
    copy_method     VARCHAR,                      -- canonical_url | content_hash | minhash
    copy_similarity DOUBLE,
    story_id        VARCHAR,
    provenance      JSON,                         -- field -> where its value came from
    first_seen_at   TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL              -- the run that last wrote the row
);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_hash ON articles (content_hash);

CREATE TABLE stories (
    story_id        VARCHAR PRIMARY KEY,
    title           VARCHAR NOT NULL,             -- the earliest original's title
    first_seen_at   TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    first_published_at TIMESTAMPTZ,
    last_published_at  TIMESTAMPTZ,
    article_count   INTEGER NOT NULL,             -- originals: a copy group counts once
    version_count   INTEGER NOT NULL,             -- every article, copies included
    source_count    INTEGER NOT NULL
);

-- Why each article is in its story: the best match, its score and the shared evidence.
CREATE TABLE story_links (
    article_id      VARCHAR PRIMARY KEY,
    story_id        VARCHAR NOT NULL,
    opened_story    BOOLEAN NOT NULL,
    score           DOUBLE NOT NULL,
    matched_article_id VARCHAR,
    evidence        JSON,
    assigned_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE topics (
    topic           VARCHAR PRIMARY KEY,
    label           VARCHAR NOT NULL,
    iptc_code       VARCHAR,
    parent          VARCHAR,                      -- the parent topic's `topic`; NULL at the top
    description     VARCHAR
);

CREATE TABLE article_topics (
    article_id      VARCHAR NOT NULL,
    topic           VARCHAR NOT NULL,
    score           DOUBLE NOT NULL,
    evidence        VARCHAR[] NOT NULL,           -- matched terms in context
    PRIMARY KEY (article_id, topic)
);

CREATE TABLE article_entities (
    article_id      VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    mentions        INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity)
);

CREATE SEQUENCE fetch_ids START 1;
CREATE TABLE fetches (
    fetch_id        BIGINT PRIMARY KEY DEFAULT nextval('fetch_ids'),
    run_id          VARCHAR,
    source          VARCHAR NOT NULL,             -- the configured source
    url             VARCHAR NOT NULL,
    status          INTEGER,                      -- HTTP status; NULL for files
    outcome         VARCHAR NOT NULL,             -- ok, unchanged, not_modified, empty, binary, ...
    error           VARCHAR,                      -- the reason, for every outcome that is not ok
    bytes           BIGINT NOT NULL DEFAULT 0,
    elapsed_ms      DOUBLE,
    article_id      VARCHAR,
    fetched_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX fetches_url ON fetches (url);

CREATE TABLE runs (
    run_id          VARCHAR PRIMARY KEY,
    flow_run_id     VARCHAR,
    command         VARCHAR,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    status          VARCHAR NOT NULL,             -- running, completed, failed
    articles_read   INTEGER DEFAULT 0,
    articles_new    INTEGER DEFAULT 0,
    articles_updated INTEGER DEFAULT 0,
    articles_unchanged INTEGER DEFAULT 0,
    copies          INTEGER DEFAULT 0,
    failures        INTEGER DEFAULT 0,
    stories_new     INTEGER DEFAULT 0,
    stories_touched INTEGER DEFAULT 0,
    topic_tags      INTEGER DEFAULT 0,
    digest_path     VARCHAR,
    error           VARCHAR
);

-- MinHash signatures of bodies (uint32 little-endian), the copy index's state.
CREATE TABLE copy_signatures (
    article_id      VARCHAR PRIMARY KEY,
    num_perm        INTEGER NOT NULL,
    signature       BLOB NOT NULL
);

-- The raw input of each article (a zstd frame; a zlib stream in rows older versions wrote), so
-- extraction can be re-run without fetching.
CREATE TABLE raw_documents (
    url             VARCHAR PRIMARY KEY,
    media_type      VARCHAR NOT NULL,
    raw_sha256      VARCHAR NOT NULL,
    content         BLOB NOT NULL,
    stored_at       TIMESTAMPTZ NOT NULL
);
