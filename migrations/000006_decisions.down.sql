ALTER TABLE conflicts DROP COLUMN declared_at;
DROP TABLE vendor_declarations;

ALTER TABLE evaluations
    ADD COLUMN decision_in_house  boolean,
    ADD COLUMN decision_vendor_id bigint REFERENCES vendors (id),
    ADD COLUMN decision_rationale text NOT NULL DEFAULT '',
    ADD COLUMN decided_by         bigint REFERENCES users (id),
    ADD COLUMN decided_at         timestamptz;
UPDATE evaluations e SET decision_in_house = d.outcome = 'in_house', decision_vendor_id = d.vendor_id,
    decision_rationale = d.rationale, decided_by = d.recorded_by, decided_at = d.recorded_at
FROM decisions d WHERE d.evaluation_id = e.id AND d.superseded_at IS NULL;
DROP TABLE decisions;
