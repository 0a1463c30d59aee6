-- The user of a session as a column, so that one query reads a session and
-- its user; last_seen enforces the idle timeout without rewriting the
-- session on every request. Deleting an account ends its sessions.
ALTER TABLE sessions
    ADD COLUMN user_id   bigint REFERENCES users (id) ON DELETE CASCADE,
    ADD COLUMN last_seen timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
