CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'evaluator')),
    lang          text NOT NULL DEFAULT '' CHECK (lang IN ('', 'en', 'fr')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Sessions of alexedwards/scs (pgxstore); shared by every app instance.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Failed sign-ins, counted over a sliding window to throttle guessing.
CREATE TABLE login_failures (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    addr  text NOT NULL,
    at    timestamptz NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_addr_idx ON login_failures (addr, at);

CREATE TABLE vendors (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    country       text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    website       text NOT NULL DEFAULT '',
    contact_name  text NOT NULL DEFAULT '',
    contact_email text NOT NULL DEFAULT '',
    contact_phone text NOT NULL DEFAULT '',
    services      text[] NOT NULL DEFAULT '{}',
    languages     text[] NOT NULL DEFAULT '{}',
    headcount     integer CHECK (headcount >= 0),
    notes         text NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    archived      boolean NOT NULL DEFAULT false,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX vendors_name_key ON vendors (lower(name));

-- The append-only record of every change: who, when, what, before and after.
CREATE TABLE audit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor_id   bigint REFERENCES users (id),
    entity     text NOT NULL,
    entity_id  bigint NOT NULL,
    action     text NOT NULL,
    before     jsonb,
    after      jsonb
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
