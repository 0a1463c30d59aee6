package server

import (
	"net/http"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) showEvaluationList(w http.ResponseWriter, r *http.Request) {
	list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Limit: 200})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := pages.EvaluationListView{CanSetUp: bpo.CanSetUp(bpo.UserFromContext(r.Context())), Flash: s.popFlash(r)}
	for _, e := range list {
		row := evaluationRow(lang, e)
		row.Own = !view.CanSetUp
		view.Rows = append(view.Rows, row)
	}
	s.render(w, r, pages.EvaluationList(view))
}

func evaluationRow(lang i18n.Lang, e *bpo.EvaluationSummary) pages.EvaluationRow {
	return pages.EvaluationRow{
		ID: e.ID, Title: e.Title, Status: string(e.Status), Due: dueText(lang, e.DueDate),
		Vendors: e.Vendors, Evaluators: e.Evaluators, Submitted: e.Submitted, Expected: e.Expected,
	}
}
