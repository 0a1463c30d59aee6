package postgres

import (
	"context"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// revisionColumn is a column reading the revision of the evaluation whose
// id is param (NULL when param is NULL or there is no such evaluation): the
// credential checks add it to their query, so that a request learns the
// revision of the evaluation in its path without a round trip of its own.
func revisionColumn(param string) string {
	return `(SELECT revision FROM evaluation_revisions WHERE evaluation_id = ` + param + `::bigint)`
}

// revisionAsked is the evaluation whose revision ctx has room for, or nil.
func revisionAsked(ctx context.Context) *int64 {
	if rr := bpo.RevisionReadFromContext(ctx); rr != nil {
		return &rr.EvaluationID
	}
	return nil
}

// keepRevision leaves the revision read in ctx's room, if it has one.
func keepRevision(ctx context.Context, revision *int64) {
	rr := bpo.RevisionReadFromContext(ctx)
	if rr == nil {
		return
	}
	rr.Read, rr.Revision = true, 0
	if revision != nil {
		rr.Revision = *revision
	}
}
