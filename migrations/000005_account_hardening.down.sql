DROP TRIGGER audit_events_no_truncate ON audit_events;

DROP TABLE login_counters;
CREATE TABLE login_failures (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    addr  text NOT NULL,
    at    timestamptz NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_addr_idx ON login_failures (addr, at);

ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN disabled_at;

-- A hash cannot be turned back into its token: every session ends.
DELETE FROM sessions;
ALTER TABLE sessions DROP COLUMN created_at;
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
ALTER TABLE sessions DROP COLUMN token_hash;
ALTER TABLE sessions ADD COLUMN token text PRIMARY KEY;
