-- The tamper-evident audit log: who did what to which data, when and why.
-- Each entry is hash-chained to the one before it (see src/audit/mod.rs for the exact
-- encoding), so editing, removing or reordering entries is detectable by
-- `mpi audit verify`. Times are Unix milliseconds.

CREATE TABLE audit_log (
    -- assigned by the writer (previous seq + 1), never by the database: a gap is a
    -- removed entry
    seq INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    request_id TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    -- what was done: record.register, person.read, auth.denied, token.create, …
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'rejected', 'denied', 'error')),
    -- HTTP status, 0 for the command line
    status BIGINT NOT NULL,
    -- JSON array of subject ids ("person:P123", "record:HOSP_A/123", "task:42"); ids only
    subjects TEXT NOT NULL,
    reason TEXT,
    -- lowercase hex SHA-256: the previous entry's hash (64 zeros for the first) and this
    -- entry's
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head: the last entry's seq and hash. An append updates it first, which
-- takes the write lock before anything is read, so two writers (the server and a
-- command) cannot both chain onto the same entry.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Derived lookup for "entries about this person": written with each entry, not covered
-- by the hash (verification ignores it).
CREATE TABLE audit_subjects (
    seq BIGINT NOT NULL,
    subject TEXT NOT NULL,
    PRIMARY KEY (seq, subject)
);
CREATE INDEX audit_subjects_subject ON audit_subjects (subject, seq);
