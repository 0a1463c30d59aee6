package server

import (
	"net/http"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) assignEvaluator(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	userID, err := formID(form, "user")
	if err == nil {
		err = s.participants.AssignEvaluator(r.Context(), id, userID)
	}
	s.evaluationDone(w, r, id, err, "evaluation.evaluator_assigned")
}

func (s *Server) unassignEvaluator(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	userID, err := pathID(r, "userID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	err = s.participants.UnassignEvaluator(r.Context(), id, userID)
	s.evaluationDone(w, r, id, err, "evaluation.evaluator_removed")
}

func evaluatorRows(lang i18n.Lang, assignments []*bpo.Assignment, parts []*bpo.Participant) []pages.EvaluatorRow {
	names := map[int64]string{}
	for _, p := range parts {
		names[p.VendorID] = p.Name
	}
	rows := make([]pages.EvaluatorRow, len(assignments))
	for i, a := range assignments {
		row := pages.EvaluatorRow{UserID: a.UserID, Name: a.Name, Declared: i18n.T(lang, "evaluation.not_declared"), Conflicts: "—"}
		if a.COIDeclaredAt != nil {
			row.Declared = i18n.DateTime(lang, *a.COIDeclaredAt)
			row.Conflicts = i18n.T(lang, "evaluation.no_conflict")
		}
		if len(a.Conflicts) > 0 {
			var list []string
			for _, c := range a.Conflicts {
				item := names[c.VendorID]
				if c.Note != "" {
					item += " (" + c.Note + ")"
				}
				list = append(list, item)
			}
			row.Conflicts = strings.Join(list, "; ")
		}
		rows[i] = row
	}
	return rows
}
