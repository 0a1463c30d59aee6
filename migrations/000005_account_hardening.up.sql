-- Sessions are found by a SHA-256 of their token, as API tokens are: a
-- copy of the table signs no one in. The tokens are 256-bit random
-- strings, so a plain hash cannot be reversed. Existing sessions are
-- hashed in place and stay signed in.
ALTER TABLE sessions ADD COLUMN token_hash bytea;
UPDATE sessions SET token_hash = sha256(convert_to(token, 'UTF8'));
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
ALTER TABLE sessions DROP COLUMN token;
ALTER TABLE sessions ALTER COLUMN token_hash SET NOT NULL;
ALTER TABLE sessions ADD CONSTRAINT sessions_token_hash_check CHECK (length(token_hash) = 32);
ALTER TABLE sessions ADD PRIMARY KEY (token_hash);
-- When the session was signed in, for the account page's list.
ALTER TABLE sessions ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

-- A disabled account cannot sign in; its sessions and tokens stop at once.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;

-- API tokens expire. Those made before expiry existed get the default
-- lifetime from now.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
UPDATE api_tokens SET expires_at = now() + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;

-- Sign-in attempts, counted per key (account and address, address,
-- account) over a fixed window. An attempt is reserved, by incrementing
-- its counters in one upsert, before the password is checked: the row
-- lock of ON CONFLICT DO UPDATE makes parallel attempts count one after
-- the other.
DROP TABLE login_failures;
CREATE TABLE login_counters (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    count        integer NOT NULL CHECK (count >= 0)
);
CREATE INDEX login_counters_window_idx ON login_counters (window_start);

-- Row triggers do not see TRUNCATE.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
