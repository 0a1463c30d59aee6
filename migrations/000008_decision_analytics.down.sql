ALTER TABLE evaluations
    DROP COLUMN cost_criterion_id,
    DROP COLUMN robustness_spread;
