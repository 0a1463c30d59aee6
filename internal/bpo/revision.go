package bpo

import "context"

// RevisionRead is where the credential check of a request (the session or
// the API token lookup) leaves the revision of the evaluation in the
// request's path, read in the same round trip. The revision changes with
// every committed write to what the evaluation's model, result and pages
// are built from, so a scored evaluation cached under it is current for as
// long as it is unchanged.
type RevisionRead struct {
	// EvaluationID is the evaluation asked for.
	EvaluationID int64
	// Read is true once a store has read the revision.
	Read bool
	// Revision is the evaluation's revision; 0 when there is no such
	// evaluation.
	Revision int64
}

// NewContextWithRevisionRead returns ctx with room for the revision of
// evaluation id.
func NewContextWithRevisionRead(ctx context.Context, id int64) (context.Context, *RevisionRead) {
	rr := &RevisionRead{EvaluationID: id}
	return context.WithValue(ctx, revisionContextKey, rr), rr
}

// RevisionReadFromContext returns the room made by NewContextWithRevisionRead,
// or nil.
func RevisionReadFromContext(ctx context.Context) *RevisionRead {
	rr, _ := ctx.Value(revisionContextKey).(*RevisionRead)
	return rr
}

// Revision is the revision read for evaluation id in ctx, if one was.
func Revision(ctx context.Context, id int64) (int64, bool) {
	rr := RevisionReadFromContext(ctx)
	if rr == nil || !rr.Read || rr.EvaluationID != id {
		return 0, false
	}
	return rr.Revision, true
}
