-- Decisions are kept as rows of their own, never overwritten: the current
-- one has no superseded_at, and a change moves it to the history with the
-- reason given for the change. The row keeps the exact scoring model the
-- decision was made on and the result computed from it, so that the
-- decision can be recomputed offline and its hash printed in the report.
CREATE TABLE decisions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id    bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    outcome          text NOT NULL CHECK (outcome IN ('award', 'in_house')),
    vendor_id        bigint REFERENCES vendors (id),
    -- The vendor's key in the model, as it was at recording.
    vendor_key       text,
    rationale        text NOT NULL CHECK (length(rationale) <= 5000),
    -- The engine's recommendation at recording; NULL for decisions recorded
    -- before recommendations were kept with them.
    recommendation   text CHECK (recommendation IN ('award', 'close_call', 'no_award', 'incomplete')),
    recommended_key  text,
    departs          boolean NOT NULL DEFAULT false,
    departure_reason text NOT NULL DEFAULT '' CHECK (length(departure_reason) <= 5000),
    recorded_by      bigint REFERENCES users (id),
    recorded_at      timestamptz NOT NULL,
    model            bytea,
    result           bytea,
    model_sha256     text CHECK (model_sha256 ~ '^[0-9a-f]{64}$'),
    superseded_at    timestamptz,
    change_reason    text NOT NULL DEFAULT '' CHECK (length(change_reason) <= 5000),
    CHECK ((outcome = 'award') = (vendor_id IS NOT NULL)),
    CHECK ((model IS NULL) = (model_sha256 IS NULL) AND (model IS NULL) = (result IS NULL)),
    CHECK (NOT departs OR departure_reason <> ''),
    CHECK (superseded_at IS NULL OR change_reason <> '')
);
-- One current decision per evaluation: two managers recording at once
-- cannot both win, whatever the application checks.
CREATE UNIQUE INDEX decisions_current_key ON decisions (evaluation_id) WHERE superseded_at IS NULL;
CREATE INDEX decisions_history_idx ON decisions (evaluation_id, superseded_at DESC);

INSERT INTO decisions (evaluation_id, outcome, vendor_id, vendor_key, rationale, recorded_by, recorded_at)
SELECT e.id, CASE WHEN e.decision_vendor_id IS NULL THEN 'in_house' ELSE 'award' END,
    e.decision_vendor_id, p.key, e.decision_rationale, e.decided_by, e.decided_at
FROM evaluations e
LEFT JOIN participants p ON p.evaluation_id = e.id AND p.vendor_id = e.decision_vendor_id
WHERE e.decided_at IS NOT NULL;

ALTER TABLE evaluations
    DROP COLUMN decision_in_house,
    DROP COLUMN decision_vendor_id,
    DROP COLUMN decision_rationale,
    DROP COLUMN decided_by,
    DROP COLUMN decided_at;

-- Conflict-of-interest declarations per vendor. An evaluator's first
-- declaration covers every vendor taking part at that time; a vendor added
-- later needs a declaration of its own before the evaluator may rate it.
CREATE TABLE vendor_declarations (
    evaluation_id bigint NOT NULL,
    user_id       bigint NOT NULL,
    vendor_id     bigint NOT NULL,
    declared_at   timestamptz NOT NULL,
    PRIMARY KEY (evaluation_id, user_id, vendor_id),
    FOREIGN KEY (evaluation_id, user_id) REFERENCES assignments (evaluation_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (evaluation_id, vendor_id) REFERENCES participants (evaluation_id, vendor_id) ON DELETE CASCADE
);
INSERT INTO vendor_declarations (evaluation_id, user_id, vendor_id, declared_at)
SELECT a.evaluation_id, a.user_id, p.vendor_id, a.coi_declared_at
FROM assignments a JOIN participants p ON p.evaluation_id = a.evaluation_id
WHERE a.coi_declared_at IS NOT NULL;

-- A conflict declared after the evaluator has rated the vendor withdraws
-- those ratings from scoring; they stay in the database and the audit log.
ALTER TABLE conflicts ADD COLUMN declared_at timestamptz;
UPDATE conflicts c SET declared_at = a.coi_declared_at
FROM assignments a WHERE a.evaluation_id = c.evaluation_id AND a.user_id = c.user_id;
ALTER TABLE conflicts ALTER COLUMN declared_at SET NOT NULL;
