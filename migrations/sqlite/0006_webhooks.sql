-- PostgreSQL twin: migrations/postgres/0006_webhooks.sql; keep the two in step.
-- Outbound identity events: webhook subscriptions and their deliveries. A background
-- worker follows identity_events from each subscription's cursor, writes one delivery
-- per matching event (cursor moved in the same transaction), and sends them in order per
-- person with retries. Times are Unix milliseconds; 0 means "not yet".

CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- http(s) URL the events are POSTed to
    url TEXT NOT NULL,
    -- JSON array of event kinds, or ["*"] for all
    event_types TEXT NOT NULL,
    -- HMAC-SHA256 key of the X-MPI-Signature header; shown once at creation, never listed
    secret TEXT NOT NULL,
    -- 1 active, 0 deactivated (booleans as integers: the Any driver reads them so)
    active BIGINT NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    deactivated_at BIGINT NOT NULL DEFAULT 0,
    -- the last identity event seq taken into webhook_deliveries (or skipped by the filter);
    -- a new subscription starts at the newest event: it receives what happens after it
    cursor_seq BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id BIGINT NOT NULL REFERENCES webhook_subscriptions (id),
    event_seq BIGINT NOT NULL,
    event_kind TEXT NOT NULL,
    -- the persons the event names, space-separated (ordering key: a delivery waits while
    -- an earlier one of the same subscription naming one of them is pending)
    persons TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- the receiver's last HTTP status (0: no answer) and a short error text; never a body
    last_status BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    delivered_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, subscription_id, event_seq);
