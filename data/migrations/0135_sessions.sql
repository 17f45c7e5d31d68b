-- Server-side sign-in sessions: the browser keeps a random token (in the page address), the store only its
-- SHA-256, so a copied store file cannot be used to sign in. A session ends when revoked (sign-out, the user
-- disabled) or when idle longer than core.settings session_idle_minutes.
CREATE TABLE sessions (
    token_hash   VARCHAR PRIMARY KEY,            -- hex SHA-256 of the token
    user_name    VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,             -- Beijing time
    last_seen_at TIMESTAMP NOT NULL,             -- the last run that resumed it (kept to the minute)
    revoked_at   TIMESTAMP                       -- NULL while the session may be resumed
);
CREATE INDEX sessions_by_user ON sessions (user_name);
