DROP TRIGGER scorecards_revise_delete ON scorecards;
DROP TRIGGER scorecards_revise_insert ON scorecards;
DROP TRIGGER scorecards_revise_status ON scorecards;
DROP TRIGGER vendors_revise ON vendors;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['criteria', 'participants', 'measurements', 'assignments', 'conflicts',
            'vendor_declarations', 'consensus_ratings', 'decisions', 'assessments'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_revise', t);
    END LOOP;
END $$;
DROP TRIGGER evaluations_revise ON evaluations;
DROP TRIGGER evaluations_revision_row ON evaluations;
DROP FUNCTION revise_vendor_evaluations();
DROP FUNCTION revise_evaluation();
DROP FUNCTION bump_evaluation_revision(bigint);
DROP FUNCTION add_evaluation_revision();
DROP TABLE evaluation_revisions;
