package server_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// contractValue resolves the placeholders of the contract and assessment
// routes. A contract needs a closed evaluation with a selected vendor: the
// award goes to the second vendor, of the fixture's evaluation when it is
// closed (so that a new contract can be started from its page); the
// contract the other routes name is made as newContract says.
func (f *matrixFixture) contractValue(t *testing.T, name string) (string, bool) {
	t.Helper()
	m := f.m
	ctx := m.adminCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("{%s}: %v", name, err)
		}
	}
	contracts := postgres.NewContractService(m.db)
	switch name {
	case "selectedVendorID":
		// A fixture a request has just closed has no shortlisted vendor to
		// award: its page then offers no contract, which is right too.
		if f.closed(t) && f.shortlisted(t) {
			f.award(t)
		}
		return itoa(f.vendors[1].ID), true
	case "contractID", "contractVersion", "kpiID", "period", "periodVersion":
		if f.contract == nil {
			f.contract = f.newContract(t)
		}
		c, err := contracts.FindContractByID(ctx, f.contract.ID)
		must(err)
		switch name {
		case "contractID":
			return itoa(c.ID), true
		case "contractVersion":
			return strconv.Itoa(c.Version), true
		case "kpiID":
			return itoa(c.KPIs[0].ID), true
		case "period":
			return c.Start.Format(time.DateOnly), true
		}
		return strconv.Itoa(c.PeriodAt(0).Version), true
	case "assessmentID", "assessmentVersion":
		assessments := postgres.NewAssessmentService(m.db)
		if f.assessment == nil {
			a, err := assessments.CreateAssessment(ctx, bpo.AssessmentInput{Title: fmt.Sprintf("Matrix assessment %d", m.next()),
				Activities: []bpo.Activity{{Name: "Collections", CXInfluence: 2, Differentiation: 1, Risk: 2, Codifiability: 5}}})
			must(err)
			f.assessment = a
		}
		a, err := assessments.FindAssessmentByID(ctx, f.assessment.ID)
		must(err)
		if name == "assessmentID" {
			return itoa(a.ID), true
		}
		return strconv.Itoa(a.Version), true
	}
	return "", false
}

// newContract returns the contract a request names: one already started
// from the fixture's evaluation (a request may just have started it), else
// a new one on a closed evaluation of its own, which no request on the
// fixture can change.
func (f *matrixFixture) newContract(t *testing.T) *bpo.Contract {
	t.Helper()
	m := f.m
	ctx := m.adminCtx()
	contracts := postgres.NewContractService(m.db)
	list, err := contracts.FindContracts(ctx, bpo.ContractFilter{EvaluationID: &f.ev.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) > 0 {
		return list[0]
	}
	own := m.fixture(t, stateClosed)
	own.award(t)
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, time.UTC)
	c, err := contracts.CreateContract(ctx, bpo.ContractInput{EvaluationID: own.ev.ID, VendorID: own.vendors[1].ID, Start: start, Length: bpo.Monthly})
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	return c
}

// makeNamed makes the objects that placeholders make when first named, so
// that a test can take its fingerprint after them.
func (f *matrixFixture) makeNamed(t *testing.T) {
	t.Helper()
	f.contractValue(t, "contractID")
	f.contractValue(t, "assessmentID")
}

// shortlisted reports whether the second vendor can be awarded: it is
// shortlisted, or already selected.
func (f *matrixFixture) shortlisted(t *testing.T) bool {
	t.Helper()
	parts, err := f.m.participants.FindParticipants(f.m.adminCtx(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if p.VendorID == f.vendors[1].ID {
			return p.Stage == bpo.StageShortlisted || p.Stage == bpo.StageSelected
		}
	}
	return false
}

// closed reports whether the fixture's evaluation is closed now.
func (f *matrixFixture) closed(t *testing.T) bool {
	t.Helper()
	e, err := f.m.evaluations.FindEvaluationByID(f.m.adminCtx(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e.Status == bpo.StatusClosed
}

// award records the decision that awards the fixture's second vendor the
// contract (the closed fixture shortlisted it), once.
func (f *matrixFixture) award(t *testing.T) {
	t.Helper()
	st, err := f.m.decisions.FindDecision(f.m.adminCtx(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current == nil {
		f.m.award(f.ev, f.vendors[1].ID)
	}
}
