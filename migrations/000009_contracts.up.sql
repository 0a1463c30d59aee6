-- Contracts after the award: a vendor selected by a closed evaluation is
-- held to KPIs, and figures are entered period by period.
CREATE TABLE contracts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id   bigint NOT NULL,
    vendor_id       bigint NOT NULL,
    start_date      date NOT NULL,
    period_length   text NOT NULL DEFAULT 'monthly' CHECK (period_length IN ('monthly', 'quarterly')),
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    ended_on        date,
    owner_id        bigint REFERENCES users (id),
    -- The vendor's score and rank when it was selected, kept so that the
    -- selection can be set beside the delivery later.
    selection_score double precision,
    selection_rank  integer,
    version         integer NOT NULL DEFAULT 1,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (evaluation_id, vendor_id),
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id)
);
CREATE INDEX contracts_vendor_idx ON contracts (vendor_id);

CREATE TABLE contract_kpis (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    name_en     text NOT NULL,
    name_fr     text NOT NULL DEFAULT '',
    unit        text NOT NULL DEFAULT '',
    better      text NOT NULL CHECK (better IN ('lower', 'higher')),
    target      double precision NOT NULL CHECK (target >= 0),
    weight      double precision NOT NULL CHECK (weight >= 0),
    promised    double precision,
    position    integer NOT NULL,
    UNIQUE (contract_id, key),
    UNIQUE (contract_id, id)
);

-- A period with figures; periods without any have no row.
CREATE TABLE contract_periods (
    contract_id bigint NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    index       integer NOT NULL CHECK (index >= 0),
    version     integer NOT NULL DEFAULT 1,
    entered_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (contract_id, index)
);

CREATE TABLE contract_actuals (
    contract_id bigint NOT NULL,
    index       integer NOT NULL,
    kpi_id      bigint NOT NULL,
    value       double precision NOT NULL CHECK (value >= 0),
    comment     text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    PRIMARY KEY (contract_id, index, kpi_id),
    FOREIGN KEY (contract_id, index) REFERENCES contract_periods (contract_id, index) ON DELETE CASCADE,
    FOREIGN KEY (contract_id, kpi_id) REFERENCES contract_kpis (contract_id, id) ON DELETE CASCADE
);

-- Outsourcing suitability assessments: the activities in scope, each rated
-- 1…5 on four questions. One assessment per evaluation at most.
CREATE TABLE assessments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    evaluation_id bigint UNIQUE REFERENCES evaluations (id) ON DELETE SET NULL,
    version       integer NOT NULL DEFAULT 1,
    created_by    bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE assessment_activities (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id   bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    position        integer NOT NULL,
    name            text NOT NULL,
    cx_influence    integer NOT NULL CHECK (cx_influence BETWEEN 1 AND 5),
    differentiation integer NOT NULL CHECK (differentiation BETWEEN 1 AND 5),
    risk            integer NOT NULL CHECK (risk BETWEEN 1 AND 5),
    codifiability   integer NOT NULL CHECK (codifiability BETWEEN 1 AND 5)
);
CREATE INDEX assessment_activities_idx ON assessment_activities (assessment_id, position);
