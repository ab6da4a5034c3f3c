-- Review queue and stewardship: task reasons, priority, claims and versions; the log of
-- every action on a task; reasons on links; merges kept so that each can be undone.

ALTER TABLE review_tasks ADD COLUMN reason TEXT NOT NULL DEFAULT 'possible_match';
ALTER TABLE review_tasks ADD COLUMN source TEXT NOT NULL DEFAULT '';
-- the subject record's person when the task was opened
ALTER TABLE review_tasks ADD COLUMN person_id TEXT;
ALTER TABLE review_tasks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE review_tasks ADD COLUMN assignee TEXT;
ALTER TABLE review_tasks ADD COLUMN claimed_at BIGINT;
ALTER TABLE review_tasks ADD COLUMN note TEXT;
ALTER TABLE review_tasks ADD COLUMN resolved_at BIGINT;
CREATE INDEX review_tasks_record ON review_tasks (record_id);

CREATE TABLE review_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES review_tasks (id),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT,
    -- what changed (JSON)
    changes TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX review_actions_task ON review_actions (task_id, id);

ALTER TABLE links ADD COLUMN reason TEXT;

CREATE TABLE merges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    survivor TEXT NOT NULL REFERENCES persons (id),
    loser TEXT NOT NULL REFERENCES persons (id),
    -- the loser's records moved to the survivor (JSON array of record ids)
    record_ids TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    undone_at BIGINT,
    undone_by TEXT
);
CREATE INDEX merges_survivor ON merges (survivor);
CREATE INDEX merges_loser ON merges (loser);
CREATE INDEX non_match_b ON non_match_assertions (record_b) WHERE revoked_at IS NULL;
CREATE INDEX source_records_source_id ON source_records (source_id);
