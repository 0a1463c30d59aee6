package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// evalFixture is an open evaluation built from the default criteria
// template, with vendors taking part and evaluators assigned.
type evalFixture struct {
	a       *app
	ev      *bpo.Evaluation
	vendors []*bpo.Vendor
	rated   []*bpo.Criterion // the rated criteria, in tree order
	byKey   map[string]*bpo.Criterion
}

// evaluator is an evaluator's account and a client signed in as it.
type evaluator struct {
	*bpo.User
	c *client
}

// newEvaluator creates an evaluator account and signs it in.
func (a *app) newEvaluator(email string) *evaluator {
	a.t.Helper()
	c := a.signIn(email, bpo.RoleEvaluator)
	u, err := a.users.FindUserByEmail(context.Background(), email)
	if err != nil {
		a.t.Fatal(err)
	}
	return &evaluator{User: u, c: c}
}

// as is a context signed in as u, for calling the services directly.
func as(u *bpo.User) context.Context { return bpo.NewContextWithUser(context.Background(), u) }

// openEvaluation sets up an evaluation with n vendors and the evaluators,
// and opens it for scoring. The evaluators have not declared their
// conflicts of interest yet.
func (a *app) openEvaluation(title string, n int, evaluators ...*evaluator) *evalFixture {
	a.t.Helper()
	ctx := a.adminCtx()
	in := bpo.NewEvaluationInput()
	in.Title = title
	ev, err := a.evaluations.CreateEvaluation(ctx, in)
	if err != nil {
		a.t.Fatal(err)
	}
	f := &evalFixture{a: a, byKey: map[string]*bpo.Criterion{}}
	for i := range n {
		v := a.vendor(bpo.VendorInput{Name: fmt.Sprintf("%s vendor %c", title, 'A'+i), Country: "MA"})
		if _, err := a.participants.AddParticipant(ctx, ev.ID, v.ID); err != nil {
			a.t.Fatal(err)
		}
		f.vendors = append(f.vendors, v)
	}
	for _, e := range evaluators {
		if err := a.participants.AssignEvaluator(ctx, ev.ID, e.ID); err != nil {
			a.t.Fatal(err)
		}
	}
	if f.ev, err = a.evaluations.SetEvaluationStatus(ctx, ev.ID, ev.Version, bpo.StatusOpen); err != nil {
		a.t.Fatal(err)
	}
	criteria, err := a.criteria.FindCriteria(ctx, ev.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, c := range criteria {
		f.byKey[c.Key] = c
		if c.Kind == bpo.KindRated {
			f.rated = append(f.rated, c)
		}
	}
	return f
}

// declareNone records through the service that e has no conflict.
func (f *evalFixture) declareNone(e *evaluator) {
	f.a.t.Helper()
	if err := f.a.scorecards.DeclareConflicts(as(e.User), f.ev.ID, nil); err != nil {
		f.a.t.Fatal(err)
	}
}

func (f *evalFixture) path(suffix string) string {
	return "/evaluations/" + strconv.FormatInt(f.ev.ID, 10) + suffix
}

// scorecardPath is the scorecard of vendor i, plus suffix.
func (f *evalFixture) scorecardPath(i int, suffix string) string {
	return f.path("/scorecards/" + strconv.FormatInt(f.vendors[i].ID, 10) + suffix)
}

// rate autosaves one rating of vendor i as the page does (an htmx request)
// and returns the answer.
func (f *evalFixture) rate(e *evaluator, i int, key, value, justification string, version int) *response {
	f.a.t.Helper()
	return e.c.post(f.scorecardPath(i, "/ratings"), url.Values{
		"criterion":     {strconv.FormatInt(f.byKey[key].ID, 10)},
		"value":         {value},
		"justification": {justification},
		"version":       {strconv.Itoa(version)},
	}, "HX-Request", "true")
}

// scorecard reads e's scorecard of vendor i through the service.
func (f *evalFixture) scorecard(t *testing.T, e *evaluator, i int) *bpo.Scorecard {
	t.Helper()
	sc, err := f.a.scorecards.FindScorecard(as(e.User), f.ev.ID, f.vendors[i].ID, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
