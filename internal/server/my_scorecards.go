package server

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/web/pages"
)

// myScorecardsView lists the signed-in evaluator's scorecards in open
// evaluations, soonest due first, for the dashboard. Managers and admins
// score nothing, so theirs is empty.
func (s *Server) myScorecardsView(r *http.Request) (pages.MyScorecardsView, error) {
	var v pages.MyScorecardsView
	u := bpo.UserFromContext(r.Context())
	if u == nil || u.Role != bpo.RoleEvaluator {
		return v, nil
	}
	v.Show = true
	mine, err := s.scorecards.FindMyScorecards(r.Context())
	if err != nil {
		return v, err
	}
	lang := s.lang(r)
	for _, m := range mine {
		row := pages.MyScorecardItem{EvaluationID: m.EvaluationID, EvaluationTitle: m.EvaluationTitle, Due: dueText(lang, m.DueDate)}
		switch {
		case !m.Declared:
			row.State = "declare"
		case !m.VendorDeclared:
			// A vendor added after the declaration: declared for first.
			row.VendorID, row.VendorName, row.State = m.VendorID, m.VendorName, "declare_vendor"
		case m.Status == "":
			row.VendorID, row.VendorName, row.State, row.Total = m.VendorID, m.VendorName, "not_started", m.Total
		default:
			row.VendorID, row.VendorName, row.State, row.Rated, row.Total = m.VendorID, m.VendorName, string(m.Status), m.Rated, m.Total
		}
		v.Rows = append(v.Rows, row)
	}
	// The work still to do first, finished work after it, each soonest due first.
	slices.SortStableFunc(v.Rows, func(a, b pages.MyScorecardItem) int {
		return cmp.Compare(boolRank(a.State == "submitted"), boolRank(b.State == "submitted"))
	})
	return v, nil
}

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
