-- An evaluation's revision changes with every committed write to what its
-- scoring model, its result or the pages derived from them are built from.
-- Each app instance caches scored evaluations under (evaluation, revision)
-- and reads the revision from here on every request, so instances stay
-- correct without talking to each other.
CREATE TABLE evaluation_revisions (
    evaluation_id bigint PRIMARY KEY REFERENCES evaluations (id) ON DELETE CASCADE,
    revision      bigint NOT NULL DEFAULT 1
);

INSERT INTO evaluation_revisions (evaluation_id) SELECT id FROM evaluations;

-- bump_evaluation_revision raises the revision of evaluation eid once per
-- transaction: the evaluations already raised are remembered in a
-- transaction-local setting, so a write of many rows updates the revision
-- row once. A savepoint rolled back forgets its bumps with its setting.
CREATE FUNCTION bump_evaluation_revision(eid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    done text := coalesce(current_setting('bpoeval.revised', true), '');
    mark text := ',' || eid || ',';
BEGIN
    IF eid IS NULL OR position(mark IN done) > 0 THEN
        RETURN;
    END IF;
    UPDATE evaluation_revisions SET revision = revision + 1 WHERE evaluation_id = eid;
    PERFORM set_config('bpoeval.revised', done || mark, true);
END $$;

-- add_evaluation_revision gives a new evaluation its revision, 1, which
-- the rest of its creating transaction (its criteria) leaves as it is.
CREATE FUNCTION add_evaluation_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO evaluation_revisions (evaluation_id) VALUES (NEW.id);
    PERFORM set_config('bpoeval.revised', coalesce(current_setting('bpoeval.revised', true), '') || ',' || NEW.id || ',', true);
    RETURN NULL;
END $$;

CREATE TRIGGER evaluations_revision_row AFTER INSERT ON evaluations
    FOR EACH ROW EXECUTE FUNCTION add_evaluation_revision();

-- revise_evaluation is the trigger of the tables that carry evaluation_id
-- (evaluations themselves carry it as id).
CREATE FUNCTION revise_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text := CASE WHEN TG_TABLE_NAME = 'evaluations' THEN 'id' ELSE 'evaluation_id' END;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM bump_evaluation_revision((to_jsonb(OLD) ->> col)::bigint);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM bump_evaluation_revision((to_jsonb(NEW) ->> col)::bigint);
    END IF;
    RETURN NULL;
END $$;

-- revise_vendor_evaluations raises every evaluation a vendor takes part
-- in: their pages and models carry its name.
CREATE FUNCTION revise_vendor_evaluations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_evaluation_revision(p.evaluation_id)
    FROM participants p WHERE p.vendor_id = NEW.id ORDER BY p.evaluation_id;
    RETURN NULL;
END $$;

-- The triggers are deferred to the commit: the revision row, which every
-- write of an evaluation updates, stays locked only for the end of each
-- transaction, not for all of it.
CREATE CONSTRAINT TRIGGER evaluations_revise AFTER UPDATE ON evaluations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revise_evaluation();
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['criteria', 'participants', 'measurements', 'assignments', 'conflicts',
            'vendor_declarations', 'consensus_ratings', 'decisions', 'assessments'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revise_evaluation()', t || '_revise', t);
    END LOOP;
END $$;
CREATE CONSTRAINT TRIGGER vendors_revise AFTER UPDATE ON vendors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION revise_vendor_evaluations();

-- Scorecards count once submitted: at submission, reopening, or when a
-- submitted one goes. A draft's autosave changes no model and no cached
-- page (they read submitted ratings and submission counts only), and
-- bumping on it would make every autosave of an evaluation queue on one
-- row. Ratings carry no trigger for the same reason: a submitted
-- scorecard's ratings change only with its status.
CREATE CONSTRAINT TRIGGER scorecards_revise_status AFTER UPDATE OF status ON scorecards
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION revise_evaluation();
CREATE CONSTRAINT TRIGGER scorecards_revise_insert AFTER INSERT ON scorecards
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status = 'submitted') EXECUTE FUNCTION revise_evaluation();
CREATE CONSTRAINT TRIGGER scorecards_revise_delete AFTER DELETE ON scorecards
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'submitted') EXECUTE FUNCTION revise_evaluation();
