package server

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

// conflictsURL is the declaration page, coming back to next afterwards.
func conflictsURL(evaluationID int64, next string) string {
	return fmt.Sprintf("/evaluations/%d/conflicts?next=%s", evaluationID, url.QueryEscape(next))
}

// loadDeclaration loads the evaluation in the path with its evaluators, and
// the caller's assignment to it. Managers are not assigned, so they have
// nothing to declare.
func (s *Server) loadDeclaration(r *http.Request) (*bpo.EvaluationDetail, *bpo.Assignment, error) {
	id, err := evaluationID(r)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.loadEvaluation(r.Context(), id, bpo.WithAssignments)
	if err != nil {
		return nil, nil, err
	}
	mine := d.Assignment(bpo.UserFromContext(r.Context()).ID)
	if mine == nil {
		return nil, nil, bpo.Errorf(bpo.EFORBIDDEN, "error.conflicts.not_assigned")
	}
	return d, mine, nil
}

// showConflictsPage shows the caller's conflict-of-interest form for an
// evaluation or, once made, the declaration with links to the scorecards.
func (s *Server) showConflictsPage(w http.ResponseWriter, r *http.Request) {
	d, mine, err := s.loadDeclaration(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := conflictsView(s.lang(r), d, mine)
	view.Next = r.URL.Query().Get("next")
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.Conflicts(view))
}

// declareConflicts records the caller's declaration: the vendors ticked
// (with an optional note each), or none=1 for no conflict at all. Exactly
// one of the two is required, so a declaration is never made by accident.
func (s *Server) declareConflicts(w http.ResponseWriter, r *http.Request) {
	form, d, mine, ok := s.declarationPost(w, r)
	if !ok {
		return
	}
	conflicts, none, problems, err := decodeConflicts(form, d)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err = problems.Err(); err == nil {
		err = s.scorecards.DeclareConflicts(r.Context(), d.Evaluation.ID, conflicts)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "conflicts.declared")
		next := fmt.Sprintf("/evaluations/%d/conflicts", d.Evaluation.ID)
		if form.Get("next") != "" {
			next = safeNext(form.Get("next"))
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	case bpo.EINVALID:
		view := conflictsView(s.lang(r), d, mine)
		keepConflictInput(&view, conflicts, none, s.fieldErrors(r, err))
		view.Next, view.Error = form.Get("next"), formAlert(s.lang(r), err, nil)
		s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.Conflicts(view))
	default:
		s.Error(w, r, err)
	}
}

// conflictsView shows the declaration as stored.
func conflictsView(lang i18n.Lang, d *bpo.EvaluationDetail, mine *bpo.Assignment) pages.ConflictsView {
	v := pages.ConflictsView{EvaluationID: d.Evaluation.ID, EvaluationTitle: d.Evaluation.Title}
	if mine.COIDeclaredAt != nil {
		v.DeclaredAt = i18n.DateTime(lang, *mine.COIDeclaredAt)
	}
	for _, p := range d.Participants {
		c := pages.ConflictChoice{VendorID: p.VendorID, Name: p.Name, Country: i18n.CountryName(lang, p.Country)}
		for _, x := range mine.Conflicts {
			if x.VendorID == p.VendorID {
				c.Checked, c.Note, c.Withdrawn = true, x.Note, x.Withdrawn
			}
		}
		c.Undeclared = v.DeclaredAt != "" && !mine.DeclaredFor(p.VendorID)
		c.Scorable = v.DeclaredAt != "" && !c.Checked && !c.Undeclared && p.Stage != bpo.StageRejected
		v.Vendors = append(v.Vendors, c)
	}
	return v
}

// keepConflictInput puts what the user ticked and typed back in the form.
func keepConflictInput(v *pages.ConflictsView, conflicts []bpo.Conflict, none bool, errs map[string]string) {
	v.None = none
	for i := range v.Vendors {
		c := &v.Vendors[i]
		c.Checked, c.Note = false, ""
		for _, x := range conflicts {
			if x.VendorID == c.VendorID {
				c.Checked, c.Note = true, x.Note
			}
		}
		c.NoteError = errs[fmt.Sprintf("note_%d", c.VendorID)]
	}
}
