-- Browser sessions. The cookie holds a random secret; only its SHA-256 is
-- stored, so a copy of the database cannot be used to sign in.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    -- sent with every state-changing request made with this session
    csrf_token TEXT NOT NULL CHECK (length(csrf_token) >= 32),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT,
    CHECK (created_at < expires_at)
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links: students' sign-in links and password resets.
CREATE TABLE login_tokens (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('sign_in', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    CHECK (created_at < expires_at)
);
CREATE INDEX login_tokens_user ON login_tokens (user_id);
