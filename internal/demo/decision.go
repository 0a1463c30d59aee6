package demo

import (
	"context"
	"fmt"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/evalmodel"
)

// recordDecision records a decision the way a manager does, on the snapshot
// of the evaluation as it stands; vendorID 0 keeps the work in-house. The
// departure reason is kept only if the decision departs from the
// recommendation.
func recordDecision(ctx context.Context, svc Services, ev *bpo.Evaluation, vendorID int64, rationale, departure string) error {
	d, err := svc.Evaluations.FindEvaluationDetail(ctx, ev.ID, evalmodel.Parts)
	if err != nil {
		return err
	}
	snap, _, err := evalmodel.Snapshot(d)
	if err != nil {
		return fmt.Errorf("decision snapshot: %w", err)
	}
	in := bpo.DecisionInput{Version: ev.Version, Outcome: bpo.OutcomeInHouse, VendorID: vendorID,
		Rationale: rationale, DepartureReason: departure, Snapshot: snap}
	if vendorID != 0 {
		in.Outcome = bpo.OutcomeAward
	}
	if _, err := svc.Decisions.RecordDecision(ctx, ev.ID, in); err != nil {
		return fmt.Errorf("decision: %w", err)
	}
	return nil
}

// shortlistVendor moves one candidate of an evaluation to the shortlist:
// only a shortlisted vendor can be awarded.
func shortlistVendor(ctx context.Context, svc Services, evaluationID, vendorID int64) error {
	participants, err := svc.Participants.FindParticipants(ctx, evaluationID)
	if err != nil {
		return err
	}
	for _, p := range participants {
		if p.VendorID == vendorID && p.Stage == bpo.StageCandidate {
			if _, err := svc.Participants.SetStage(ctx, evaluationID, vendorID, p.Version, bpo.StageShortlisted, ""); err != nil {
				return fmt.Errorf("shortlist %s: %w", p.Name, err)
			}
		}
	}
	return nil
}
