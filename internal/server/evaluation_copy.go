package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// startChoicesMax bounds the list of evaluations a new one can start from:
// the newest are the ones worth copying, and the list stays a usable select.
const startChoicesMax = 100

// copySource reads the evaluation named by the "from" field of v (the
// query of the new-evaluation page, or its form) as the caller may see it.
func (s *Server) copySource(r *http.Request, v url.Values) (*bpo.Evaluation, error) {
	id, err := formID(v, "from")
	if err != nil {
		return nil, err
	}
	return s.evaluations.FindEvaluationByID(r.Context(), id)
}

// copyInput is the set-up form of a copy of src, ready to adjust: its
// scope, services, scale and options, under a title that says it is a
// copy. The due date is not carried over: the source's has passed or will.
func copyInput(lang i18n.Lang, src *bpo.Evaluation) bpo.EvaluationInput {
	in := evaluationInputOf(src)
	in.Title, in.DueDate, in.ScaleLevels = i18n.T(lang, "evaluation.copy_title", src.Title), nil, nil
	if len([]rune(in.Title)) > 200 {
		in.Title = src.Title
	}
	return in
}

// startChoices offers the previous evaluations a new one may start from,
// and names src, the one being copied, if any.
func (s *Server) startChoices(r *http.Request, view *pages.EvaluationFormView, src *bpo.Evaluation) error {
	list, _, err := s.evaluations.FindEvaluations(r.Context(), bpo.EvaluationFilter{Limit: startChoicesMax})
	if err != nil {
		return err
	}
	lang := s.lang(r)
	from := components.Field{Name: "from", Label: i18n.T(lang, "evaluation.start_from"), Help: i18n.T(lang, "evaluation.start_from_help")}
	for _, e := range list {
		from.Options = append(from.Options, components.Option{Value: strconv.FormatInt(e.ID, 10),
			Label: i18n.T(lang, "evaluation.start_from_option", e.Title, i18n.T(lang, "status."+string(e.Status)))})
	}
	if src != nil {
		from.Value = strconv.FormatInt(src.ID, 10)
		view.CopyOf = &pages.CopyOf{ID: src.ID, Title: src.Title}
	}
	view.StartFrom = from
	return nil
}
