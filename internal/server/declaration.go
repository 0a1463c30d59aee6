package server

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/web/pages"
)

// declareVendor adds to the caller's declaration for one vendor: a vendor
// added since the declaration (conflict=0 or 1), or a conflict found
// later (conflict=1, with an optional note), which withdraws the caller's
// ratings of that vendor from scoring.
func (s *Server) declareVendor(w http.ResponseWriter, r *http.Request) {
	form, d, mine, ok := s.declarationPost(w, r)
	if !ok {
		return
	}
	vendorID, err := pathID(r, "vendorID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	conflict := form.Get("conflict") == "1"
	withdrawn, err := s.scorecards.DeclareVendor(r.Context(), d.Evaluation.ID, vendorID, conflict, form.Get("note"))
	switch bpo.ErrorCode(err) {
	case "":
		flash := "conflicts.amended"
		if withdrawn > 0 {
			flash = "conflicts.amended_withdrawn"
		}
		s.sessions.Put(r.Context(), "flash", flash)
		http.Redirect(w, r, fmt.Sprintf("/evaluations/%d/conflicts", d.Evaluation.ID), http.StatusSeeOther)
	case bpo.EINVALID:
		view := conflictsView(s.lang(r), d, mine)
		view.Error = formAlert(s.lang(r), err, nil)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.Conflicts(view))
	default:
		s.Error(w, r, err)
	}
}

// declarationPost reads a declaration's form with the evaluation in the
// path and the caller's assignment to it, answering the request itself
// when it cannot.
func (s *Server) declarationPost(w http.ResponseWriter, r *http.Request) (url.Values, *bpo.EvaluationDetail, *bpo.Assignment, bool) {
	form, err := parseForm(r)
	var (
		d    *bpo.EvaluationDetail
		mine *bpo.Assignment
	)
	if err == nil {
		d, mine, err = s.loadDeclaration(r)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, nil, false
	}
	return form, d, mine, true
}
