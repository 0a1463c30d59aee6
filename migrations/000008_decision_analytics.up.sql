-- The options of the decision analyses (scoring rules 13 and 14): the
-- measured criterion plotted as the cost in the value-for-money chart, and
-- how far each weight moves in the robustness analysis.
ALTER TABLE evaluations
    ADD COLUMN cost_criterion_id bigint,
    ADD COLUMN robustness_spread double precision NOT NULL DEFAULT 0.25
        CHECK (robustness_spread >= 0 AND robustness_spread < 1),
    -- The cost criterion belongs to the evaluation; deleting it leaves none.
    ADD FOREIGN KEY (id, cost_criterion_id) REFERENCES criteria (evaluation_id, id)
        ON DELETE SET NULL (cost_criterion_id);

-- Existing evaluations take the template's price, where they still have it
-- as a measured criterion where lower is better.
UPDATE evaluations e SET cost_criterion_id = c.id
FROM criteria c
WHERE c.evaluation_id = e.id AND c.key = 'price' AND c.kind = 'measured' AND c.better = 'lower';
