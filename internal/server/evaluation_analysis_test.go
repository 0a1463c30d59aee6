package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// formOf collects what a browser would submit from the form sel: inputs,
// checked boxes, selected options and text areas.
func formOf(d *goquery.Document, sel string) url.Values {
	form := url.Values{}
	d.Find(sel + " input, " + sel + " select, " + sel + " textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if typ, _ := s.Attr("type"); typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		val, _ := s.Attr("value")
		if goquery.NodeName(s) == "select" {
			val, _ = s.Find("option[selected]").Attr("value")
		}
		if goquery.NodeName(s) == "textarea" {
			val = s.Text()
		}
		form.Add(name, val)
	})
	return form
}

// TestEvaluationAnalysisOptions: the set-up form offers the measured
// "lower" criteria as the cost criterion (the template's price chosen) and
// a ±25% robustness spread; bad choices get 422 with the typed input kept;
// good ones reach the model, also while scoring is open.
func TestEvaluationAnalysisOptions(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	page := c.post("/evaluations", validEvaluationForm()).Header.Get("Location")
	id, _ := strconv.ParseInt(page[len("/evaluations/"):], 10, 64)
	crit := a.weightIDs(id)
	d := c.get(page + "/edit").doc(t)
	if got := d.Find("#cost_criterion option[selected]").AttrOr("value", ""); got != strconv.FormatInt(crit["price"].ID, 10) {
		t.Errorf("cost criterion chosen %q, want the price (%d)", got, crit["price"].ID)
	}
	if d.Find("#cost_criterion option[value='"+strconv.FormatInt(crit["policies"].ID, 10)+"']").Length() != 0 {
		t.Errorf("a rated criterion is offered as the cost criterion")
	}
	if got := d.Find("#robustness_spread").AttrOr("value", ""); got != "25" {
		t.Errorf("spread %q, want 25", got)
	}
	base := formOf(d, "[data-testid=evaluation-form]")
	for name, change := range map[string]url.Values{
		"RatedCostCriterion": {"cost_criterion": {strconv.FormatInt(crit["policies"].ID, 10)}},
		"UnknownCriterion":   {"cost_criterion": {"abc"}},
		"SpreadOf100":        {"robustness_spread": {"100"}},
		"NegativeSpread":     {"robustness_spread": {"-5"}},
		"SpreadNotANumber":   {"robustness_spread": {"wide"}},
	} {
		t.Run(name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range base {
				form[k] = v
			}
			var field, typed string
			for k, v := range change {
				form[k], field, typed = v, k, v[0]
			}
			res := c.post(page, form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			d := res.doc(t)
			if d.Find("[data-testid=error-"+field+"]").Length() == 0 {
				t.Errorf("no error on %s:\n%s", field, res.body)
			}
			if field == "robustness_spread" && d.Find("#robustness_spread").AttrOr("value", "") != typed {
				t.Errorf("the typed spread %q is not kept", typed)
			}
		})
	}
	form := base
	form.Set("cost_criterion", strconv.FormatInt(crit["asa"].ID, 10))
	form.Set("robustness_spread", "10")
	if res := c.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", res.StatusCode, res.body)
	}
	var model struct {
		Options struct {
			CostCriterion string `json:"cost_criterion"`
			Robustness    struct {
				Spread float64 `json:"spread"`
			} `json:"robustness"`
		} `json:"options"`
	}
	if err := json.Unmarshal([]byte(c.get("/api/v1"+page+"/model").body), &model); err != nil {
		t.Fatal(err)
	}
	if model.Options.CostCriterion != "asa" || model.Options.Robustness.Spread != 0.1 {
		t.Errorf("model options %+v, want asa and 0.1", model.Options)
	}
}

// TestAnalysisOptionsWhileOpen: the options of the analyses change no
// rating's meaning, so they stay editable once scoring has started, while
// the frozen options keep their stored values.
func TestAnalysisOptionsWhileOpen(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	page := evaluationPath(open, "")
	form := formOf(mgr.get(page+"/edit").doc(t), "[data-testid=evaluation-form]")
	form.Set("robustness_spread", "40")
	form.Set("award_threshold", "99") // frozen: ignored
	if res := mgr.post(page, form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", res.StatusCode, res.body)
	}
	r := mgr.analytics(t, open)
	if r.Robustness == nil || r.Robustness.Spread != 0.4 {
		t.Errorf("robustness %+v, want a spread of 0.4", r.Robustness)
	}
	e, err := a.evaluations.FindEvaluationByID(a.adminCtx(), open)
	if err != nil || e.AwardThreshold == 99 {
		t.Errorf("award threshold %v (%v): a frozen option changed", e.AwardThreshold, err)
	}
}
