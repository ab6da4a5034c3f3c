-- The identity graph: source records (every version kept), persons (merged ones keep
-- a tombstone), links (superseded, never overwritten), non-match assertions, review
-- tasks and the append-only identity event sequence. Times are Unix milliseconds.

CREATE TABLE source_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    source_id TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    current_version BIGINT NOT NULL,
    -- the answer given for the current version (JSON), replayed on an identical resend
    last_outcome TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (source, source_id)
);

CREATE TABLE source_record_versions (
    record_id BIGINT NOT NULL REFERENCES source_records (id),
    version BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    data TEXT NOT NULL,
    provenance TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (record_id, version)
);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('active', 'merged')),
    merged_into TEXT REFERENCES persons (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id BIGINT NOT NULL REFERENCES source_records (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    how TEXT NOT NULL CHECK (how IN ('auto', 'manual')),
    weight DOUBLE PRECISION,
    probability DOUBLE PRECISION,
    model_version TEXT,
    explanation TEXT,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    superseded_at BIGINT,
    superseded_by BIGINT REFERENCES links (id)
);
-- at most one current link per record
CREATE UNIQUE INDEX links_current ON links (record_id) WHERE superseded_at IS NULL;
CREATE INDEX links_person ON links (person_id) WHERE superseded_at IS NULL;

CREATE TABLE non_match_assertions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_a BIGINT NOT NULL REFERENCES source_records (id),
    record_b BIGINT NOT NULL REFERENCES source_records (id),
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT,
    CHECK (record_a < record_b)
);
CREATE UNIQUE INDEX non_match_current ON non_match_assertions (record_a, record_b)
    WHERE revoked_at IS NULL;

CREATE TABLE review_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id BIGINT NOT NULL REFERENCES source_records (id),
    candidate_persons TEXT NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    probability DOUBLE PRECISION NOT NULL,
    explanation TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'resolved', 'superseded')),
    decision TEXT,
    actor TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX review_tasks_status ON review_tasks (status, created_at);

CREATE TABLE identity_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    person_id TEXT,
    record_id BIGINT,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
