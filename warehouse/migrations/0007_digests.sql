-- Each digest issued from this warehouse (written to files, or sent), so the next one can say what
-- is new since the previous one rather than since the start of its day.

CREATE TABLE digests (
    issued_at       TIMESTAMPTZ NOT NULL,         -- when it was written or sent
    day             DATE NOT NULL,                -- the day it covers, in its timezone
    timezone        VARCHAR NOT NULL,
    covered_until   TIMESTAMPTZ NOT NULL,         -- articles first seen before this were in its view:
                                                  -- the earlier of its read time and its day's end
    stories         INTEGER NOT NULL,             -- stories shown
    formats         VARCHAR[] NOT NULL,           -- md, html
    via             VARCHAR NOT NULL              -- run | flow | cli
);
