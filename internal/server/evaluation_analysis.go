package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// decodeAnalysis reads the options of the decision analyses from the set-up
// form: cost_criterion (a criterion id, or empty for none) and
// robustness_spread (a percentage). A form that carries neither keeps the
// stored options (nil).
func decodeAnalysis(lang i18n.Lang, p *bpo.Problems, form url.Values) *bpo.AnalysisOptions {
	if !form.Has("cost_criterion") && !form.Has("robustness_spread") {
		return nil
	}
	a := &bpo.AnalysisOptions{RobustnessSpread: bpo.DefaultRobustnessSpread}
	if form.Has("robustness_spread") {
		v, ok, err := parseNumber(lang, form.Get("robustness_spread"))
		switch {
		case err != nil || !ok:
			p.Add("robustness_spread", "error.evaluation.spread")
		default:
			a.RobustnessSpread = v / 100
		}
	}
	if c := strings.TrimSpace(form.Get("cost_criterion")); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			p.Add("cost_criterion", "error.evaluation.cost_criterion")
		} else {
			a.CostCriterionID = &id
		}
	}
	return a
}

// setAnalysisText writes the analysis options into the form's text.
func setAnalysisText(lang i18n.Lang, v url.Values, a *bpo.AnalysisOptions) {
	if a == nil {
		return
	}
	v.Set("robustness_spread", inputNumber(lang, a.RobustnessSpread*100))
	v.Set("cost_criterion", "")
	if a.CostCriterionID != nil {
		v.Set("cost_criterion", strconv.FormatInt(*a.CostCriterionID, 10))
	}
}

// analysisFields are the set-up form's controls for the decision analyses.
func analysisFields(lang i18n.Lang, form url.Values, errs map[string]string) (cost, spread components.Field) {
	cost = components.Field{Name: "cost_criterion", Label: i18n.T(lang, "evaluation.cost_criterion"), Value: form.Get("cost_criterion"),
		Error: errs["cost_criterion"], Help: i18n.T(lang, "evaluation.cost_criterion_help")}
	spread = components.Field{Name: "robustness_spread", Label: i18n.T(lang, "evaluation.robustness_spread"), Value: form.Get("robustness_spread"),
		Error: errs["robustness_spread"], Help: i18n.T(lang, "evaluation.robustness_spread_help"), Type: "number"}
	return cost, spread
}

// costChoices offers the evaluation's measured criteria where lower is
// better as its cost criterion, or none.
func (s *Server) costChoices(r *http.Request, view *pages.EvaluationFormView) error {
	list, err := s.criteria.FindCriteria(r.Context(), view.ID)
	if err != nil {
		return err
	}
	lang := s.lang(r)
	opts := []components.Option{{Value: "", Label: i18n.T(lang, "evaluation.cost_criterion_none")}}
	for _, c := range list {
		if c.Kind == bpo.KindMeasured && c.Better == "lower" {
			opts = append(opts, components.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name(string(lang))})
		}
	}
	view.Fields.CostCriterion.Options = opts
	return nil
}

// analysisField names the fields of the analysis options, which stay
// editable once scoring has started: they change no rating's meaning.
func analysisField(name string) bool { return name == "cost_criterion" || name == "robustness_spread" }

// keepAnalysis fills in the analysis fields a form left out with the
// stored options, so that a form without them (an older page, or one whose
// choices could not be listed) changes nothing there.
func keepAnalysis(lang i18n.Lang, form url.Values, e *bpo.Evaluation) {
	stored := url.Values{}
	setAnalysisText(lang, stored, &e.Analysis)
	for k, v := range stored {
		if !form.Has(k) {
			form[k] = v
		}
	}
}

// analysisDetails shows the analysis options on the evaluation's page.
func analysisDetails(lang i18n.Lang, d *bpo.EvaluationDetail) []pages.DetailRow {
	cost := i18n.T(lang, "evaluation.cost_criterion_none")
	if id := d.Evaluation.Analysis.CostCriterionID; id != nil {
		for _, c := range d.Criteria {
			if c.ID == *id {
				cost = c.Name(string(lang))
			}
		}
	}
	return []pages.DetailRow{
		{Label: i18n.T(lang, "evaluation.cost_criterion"), Value: cost},
		{Label: i18n.T(lang, "evaluation.robustness_spread"), Value: i18n.Number(lang, d.Evaluation.Analysis.RobustnessSpread*100, 0)},
	}
}
