-- Personal API tokens. Only a hash of the secret is kept: a stolen copy of
-- the table authenticates no one. The secrets are 256-bit random strings, so
-- a plain SHA-256 (no salt, no stretching) cannot be reversed, and it lets a
-- request find its token by an indexed equality.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    hash         bytea NOT NULL CHECK (length(hash) = 32),
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at);
