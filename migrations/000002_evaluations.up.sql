CREATE TABLE evaluations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    scope             text NOT NULL DEFAULT '',
    services          text[] NOT NULL DEFAULT '{}',
    due_date          date,
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    scale_min         integer NOT NULL DEFAULT 1,
    scale_max         integer NOT NULL DEFAULT 5 CHECK (scale_max > scale_min),
    scale_levels      jsonb NOT NULL DEFAULT '[]',
    aggregation       text NOT NULL DEFAULT 'mean' CHECK (aggregation IN ('mean', 'median')),
    award_threshold   double precision NOT NULL DEFAULT 60,
    close_call_margin double precision NOT NULL DEFAULT 3,
    justification     text NOT NULL DEFAULT 'extremes' CHECK (justification IN ('none', 'extremes', 'all')),
    decision_in_house boolean,
    decision_vendor_id bigint REFERENCES vendors (id),
    decision_rationale text NOT NULL DEFAULT '',
    decided_by        bigint REFERENCES users (id),
    decided_at        timestamptz,
    created_by        bigint REFERENCES users (id),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    opened_at         timestamptz,
    closed_at         timestamptz
);

CREATE TABLE criteria (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    parent_id     bigint,
    key           text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    kind          text NOT NULL CHECK (kind IN ('group', 'rated', 'measured')),
    name_en       text NOT NULL,
    name_fr       text NOT NULL,
    guidance_en   text NOT NULL DEFAULT '',
    guidance_fr   text NOT NULL DEFAULT '',
    weight        double precision NOT NULL CHECK (weight >= 0),
    position      integer NOT NULL,
    min_rating    double precision,
    unit          text NOT NULL DEFAULT '',
    better        text NOT NULL DEFAULT '' CHECK (better IN ('', 'lower', 'higher')),
    best          double precision,
    worst         double precision,
    "limit"       double precision,
    version       integer NOT NULL DEFAULT 1,
    UNIQUE (evaluation_id, key),
    -- Lets children and measurements name their evaluation in their foreign
    -- keys, so that a criterion never hangs under, or is measured for, the
    -- criterion tree of another evaluation.
    UNIQUE (evaluation_id, id),
    FOREIGN KEY (evaluation_id, parent_id) REFERENCES criteria (evaluation_id, id) ON DELETE CASCADE
);
CREATE INDEX criteria_evaluation_idx ON criteria (evaluation_id, parent_id, position);

-- The vendors taking part in an evaluation, with their stage.
CREATE TABLE participants (
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    vendor_id     bigint NOT NULL REFERENCES vendors (id),
    key           text NOT NULL,
    stage         text NOT NULL DEFAULT 'candidate' CHECK (stage IN ('candidate', 'shortlisted', 'rejected', 'selected')),
    reject_reason text NOT NULL DEFAULT '',
    version       integer NOT NULL DEFAULT 1,
    PRIMARY KEY (evaluation_id, vendor_id),
    UNIQUE (evaluation_id, key)
);

-- Measured figures (price, AHT, ASA…) entered by managers, one per vendor and criterion.
CREATE TABLE measurements (
    evaluation_id bigint NOT NULL,
    vendor_id     bigint NOT NULL,
    criterion_id  bigint NOT NULL,
    value         double precision NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, criterion_id),
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id) ON DELETE CASCADE,
    FOREIGN KEY (evaluation_id, criterion_id) REFERENCES criteria (evaluation_id, id) ON DELETE CASCADE
);

-- The evaluators assigned to an evaluation and their conflict-of-interest declaration.
CREATE TABLE assignments (
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id),
    coi_declared_at timestamptz,
    PRIMARY KEY (evaluation_id, user_id)
);

CREATE TABLE conflicts (
    evaluation_id bigint NOT NULL,
    user_id       bigint NOT NULL,
    vendor_id     bigint NOT NULL,
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (evaluation_id, user_id, vendor_id),
    FOREIGN KEY (evaluation_id, user_id) REFERENCES assignments (evaluation_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id) ON DELETE CASCADE
);

CREATE TABLE scorecards (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL,
    vendor_id     bigint NOT NULL,
    evaluator_id  bigint NOT NULL,
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    submitted_at  timestamptz,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (evaluation_id, vendor_id, evaluator_id),
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id) ON DELETE CASCADE,
    FOREIGN KEY (evaluation_id, evaluator_id) REFERENCES assignments (evaluation_id, user_id) ON DELETE CASCADE
);
CREATE INDEX scorecards_evaluator_idx ON scorecards (evaluator_id, evaluation_id);

CREATE TABLE ratings (
    -- A surrogate key so that the audit log can name a rating as one entity.
    id            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    scorecard_id  bigint NOT NULL REFERENCES scorecards (id) ON DELETE CASCADE,
    criterion_id  bigint NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    value         integer,
    justification text NOT NULL DEFAULT '' CHECK (length(justification) <= 5000),
    version       integer NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (scorecard_id, criterion_id)
);

-- History is shown per evaluation.
ALTER TABLE audit_events ADD COLUMN evaluation_id bigint;
CREATE INDEX audit_events_evaluation_idx ON audit_events (evaluation_id, at) WHERE evaluation_id IS NOT NULL;
