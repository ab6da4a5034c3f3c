-- Access: API keys (stored only as a hash of the secret) and the web page's sign-in
-- sessions (stored only as a hash of the cookie).

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- comma-separated roles
    roles TEXT NOT NULL,
    -- SHA-256 of the whole key, hex
    secret_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT
);
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;

CREATE TABLE ui_sessions (
    -- SHA-256 of the cookie value, hex
    id_hash TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    roles TEXT NOT NULL,
    -- the API key signed in with (NULL for an identity provider's token)
    key_id TEXT,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
