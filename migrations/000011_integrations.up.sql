-- The notifications outbox: every e-mail is a row, written in the
-- transaction of the event that causes it and sent afterwards by the
-- sender loop of any instance (FOR UPDATE SKIP LOCKED). key is the
-- idempotency key and Message-ID: an event queues its message once.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key             text NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
    kind            text NOT NULL,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    evaluation_id   bigint REFERENCES evaluations (id) ON DELETE CASCADE,
    params          jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    failed_at       timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_created_idx ON outbox (created_at DESC);

-- Who turned reminders off (a row with reminders = false); no row: on.
CREATE TABLE mail_preferences (
    user_id   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reminders boolean NOT NULL
);

-- Uploads between their preview and their confirmation: the parsed rows,
-- never applied before the owner confirms, and forgotten after an hour.
-- The id is a random 128-bit token; only its owner can read or confirm it.
CREATE TABLE pending_imports (
    id            text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('vendors', 'figures')),
    evaluation_id bigint REFERENCES evaluations (id) ON DELETE CASCADE,
    file_name     text NOT NULL,
    rows          jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX pending_imports_expiry_idx ON pending_imports (expires_at);

-- Accounts signed in through the identity provider, by the provider's
-- subject: linked once by verified e-mail, then by subject.
CREATE TABLE user_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user_idx ON user_identities (user_id);
