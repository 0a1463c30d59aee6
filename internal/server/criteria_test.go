package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// draftEvaluation creates a draft evaluation from the default template.
func (a *app) draftEvaluation(title string) *bpo.Evaluation {
	a.t.Helper()
	in := bpo.NewEvaluationInput()
	in.Title = title
	ev, err := a.evaluations.CreateEvaluation(a.adminCtx(), in)
	if err != nil {
		a.t.Fatal(err)
	}
	return ev
}

func criteriaPath(evaluationID int64, suffix string) string {
	return "/evaluations/" + itoa(evaluationID) + suffix
}

// storedCriteria reads an evaluation's criteria by key.
func (a *app) storedCriteria(evaluationID int64) map[string]*bpo.Criterion {
	a.t.Helper()
	list, err := a.criteria.FindCriteria(a.adminCtx(), evaluationID)
	if err != nil {
		a.t.Fatal(err)
	}
	out := map[string]*bpo.Criterion{}
	for _, c := range list {
		out[c.Key] = c
	}
	return out
}

// weightsForm is the weights form as the editor page fills it in, with
// set applied: criterion key → weight typed.
func weightsForm(t *testing.T, d *goquery.Document, set map[string]string) url.Values {
	t.Helper()
	form := url.Values{}
	d.Find("input[form=weights]").Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	for key, w := range set {
		row := d.Find("tr[data-key=" + key + "]")
		name, ok := row.Find("input[data-weight]").Attr("name")
		if !ok {
			t.Fatalf("no weight field for %s", key)
		}
		form.Set(name, w)
	}
	return form
}

// textIn returns the trimmed text of the first element matching sel in s.
func textIn(s *goquery.Selection, sel string) string {
	return strings.TrimSpace(s.Find(sel).First().Text())
}

// row is the editor's row of criterion key.
func row(d *goquery.Document, key string) *goquery.Selection {
	return d.Find("[data-testid=criterion][data-key=" + key + "]")
}

func countTemplate(list []bpo.TemplateCriterion) int {
	n := len(list)
	for _, c := range list {
		n += countTemplate(c.Children)
	}
	return n
}

func TestCriteriaEditorShowsTheTemplate(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	ev := a.draftEvaluation("Customer care")

	res := mgr.get(criteriaPath(ev.ID, "/criteria"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	d := res.doc(t)
	if got, want := d.Find("[data-testid=criterion]").Length(), countTemplate(bpo.DefaultCriteria()); got != want {
		t.Errorf("%d rows, want one per template criterion (%d)", got, want)
	}
	var walk func(list []bpo.TemplateCriterion, depth int)
	walk = func(list []bpo.TemplateCriterion, depth int) {
		for _, tc := range list {
			r := row(d, tc.Key)
			if got := textIn(r, "[data-testid=name-fr]"); got != tc.NameFR {
				t.Errorf("%s: French name %q, want %q", tc.Key, got, tc.NameFR)
			}
			if !r.HasClass("depth-" + itoa(int64(depth))) {
				t.Errorf("%s: not indented at depth %d (class %q)", tc.Key, depth, r.AttrOr("class", ""))
			}
			walk(tc.Children, depth+1)
		}
	}
	walk(bpo.DefaultCriteria(), 0)

	for key, want := range map[string][3]string{
		"quality":      {"60", "60.0%", "60.0%"},
		"policies":     {"20", "20.0%", "12.0%"},
		"cultural_fit": {"15", "15.0%", "9.0%"},
		"aht":          {"30", "30.0%", "6.0%"},
		"price":        {"100", "100.0%", "20.0%"},
	} {
		r := row(d, key)
		got := [3]string{r.Find("[data-testid=weight]").AttrOr("value", ""),
			strings.TrimSpace(r.Find("[data-testid=share]").Text()), strings.TrimSpace(r.Find("[data-testid=effective]").Text())}
		if got != want {
			t.Errorf("%s: weight, share of group, share of total = %q, want %q", key, got, want)
		}
	}
	if got := strings.TrimSpace(row(d, "price").Find("[data-testid=thresholds]").Text()); !strings.HasPrefix(got, "EUR · lower is better") {
		t.Errorf("price thresholds = %q", got)
	}
	if d.Find("[data-testid=add-row]").Length() != 3 || d.Find("[data-testid=add-top]").Length() != 1 {
		t.Errorf("a draft offers to add under each of the 3 groups and at the top level")
	}

	t.Run("French", func(t *testing.T) {
		d := mgr.get(criteriaPath(ev.ID, "/criteria"), "Accept-Language", "fr").doc(t)
		r := row(d, "policies")
		if got := strings.TrimSpace(r.Find("[data-testid=effective]").Text()); got != "12,0\u202f%" {
			t.Errorf("French share of total = %q", got)
		}
		table := d.Find("#criteria-table")
		if table.AttrOr("data-decimal", "") != "," || table.AttrOr("data-percent-suffix", "") != "\u202f%" {
			t.Errorf("the table tells criteria.js %q and %q", table.AttrOr("data-decimal", ""), table.AttrOr("data-percent-suffix", ""))
		}
	})
}

func TestCriteriaDraftEditing(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	ev := a.draftEvaluation("Back office")
	quality := a.storedCriteria(ev.ID)["quality"]

	// The form for a new rated criterion in the quality group.
	form := mgr.get(criteriaPath(ev.ID, "/criteria/new?kind=rated&parent="+itoa(quality.ID))).doc(t)
	if form.Find("#min_rating").Length() != 1 || form.Find("#unit").Length() != 0 {
		t.Error("a rated criterion's form asks for a minimum rating and no unit")
	}

	t.Run("KeyLeftEmptyIsDerivedFromTheName", func(t *testing.T) {
		res := mgr.post(criteriaPath(ev.ID, "/criteria"), url.Values{
			"kind": {"rated"}, "parent": {itoa(quality.ID)}, "key": {""}, "name_en": {"Data privacy (GDPR)"},
			"name_fr": {"Protection des données"}, "weight": {"0"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d: %s", res.StatusCode, res.body)
		}
		c := a.storedCriteria(ev.ID)["data_privacy_gdpr"]
		if c == nil {
			t.Fatal("no criterion with the key derived from its name")
		}
		if res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(c.ID)+"/remove"), url.Values{"version": {itoa(int64(c.Version))}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: status %d", res.StatusCode)
		}
	})
	t.Run("AddRefusesBadInput", func(t *testing.T) {
		res := mgr.post(criteriaPath(ev.ID, "/criteria"), url.Values{
			"kind": {"rated"}, "parent": {itoa(quality.ID)}, "key": {"Bad Key"}, "name_en": {"Data security"},
			"name_fr": {""}, "weight": {"abc"}, "min_rating": {"9"},
		})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
		d := res.doc(t)
		for _, field := range []string{"key", "name_fr", "weight", "min_rating"} {
			if text(d, "[data-testid=error-"+field+"]") == "" {
				t.Errorf("no message for %s", field)
			}
		}
		if got := d.Find("#name_en").AttrOr("value", ""); got != "Data security" {
			t.Errorf("typed name not kept: %q", got)
		}
		if got := d.Find("#weight").AttrOr("value", ""); got != "abc" {
			t.Errorf("typed weight not kept: %q", got)
		}
	})

	res := mgr.post(criteriaPath(ev.ID, "/criteria"), url.Values{
		"kind": {"rated"}, "parent": {itoa(quality.ID)}, "key": {"security"}, "name_en": {"Data security"},
		"name_fr": {"Sécurité des données"}, "weight": {"10"}, "min_rating": {"2.5"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: status %d: %s", res.StatusCode, res.body)
	}
	added := a.storedCriteria(ev.ID)["security"]
	if added == nil || added.ParentID == nil || *added.ParentID != quality.ID || added.MinRating == nil || *added.MinRating != 2.5 {
		t.Fatalf("added criterion = %+v", added)
	}
	if want := criteriaPath(ev.ID, "/criteria#criterion-"+itoa(added.ID)); res.Header.Get("Location") != want {
		t.Errorf("redirect to %q, want %q", res.Header.Get("Location"), want)
	}
	d := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
	if got := text(d, "[data-testid=flash]"); got != "Criterion added." {
		t.Errorf("flash = %q", got)
	}
	// Last in its group, with its share of the group: 10 of 110.
	if got := row(d, "security").Prev().AttrOr("data-key", ""); got != "knowledge_transfer" {
		t.Errorf("the new criterion follows %q, want the group's last one", got)
	}
	if got := strings.TrimSpace(row(d, "security").Find("[data-testid=share]").Text()); got != "9.1%" {
		t.Errorf("share of group = %q, want 9.1%%", got)
	}

	t.Run("Rename", func(t *testing.T) {
		edit := mgr.get(criteriaPath(ev.ID, "/criteria/"+itoa(added.ID)+"/edit")).doc(t)
		values := url.Values{}
		edit.Find("[data-testid=criterion-form] input, [data-testid=criterion-form] textarea").Each(func(_ int, s *goquery.Selection) {
			if s.Is("textarea") {
				values.Set(s.AttrOr("name", ""), s.Text())
			} else {
				values.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
			}
		})
		values.Set("name_en", "Information security")
		res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(added.ID)), values)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: status %d", res.StatusCode)
		}
		if got := a.storedCriteria(ev.ID)["security"]; got.NameEN != "Information security" || got.Weight != 10 || *got.MinRating != 2.5 {
			t.Errorf("after renaming: %+v", got)
		}
		// The same form again is stale now.
		values.Set("name_en", "Security")
		res = mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(added.ID)), values)
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("stale rename: status %d, want 409", res.StatusCode)
		}
		conflict := res.doc(t)
		if !strings.Contains(text(conflict, "[data-testid=conflict]"), "Information security") {
			t.Error("the conflict does not show the stored name")
		}
		if got := conflict.Find("#name_en").AttrOr("value", ""); got != "Security" {
			t.Errorf("typed name not kept on a conflict: %q", got)
		}
		if got := a.storedCriteria(ev.ID)["security"].NameEN; got != "Information security" {
			t.Errorf("the stale edit overwrote the name with %q", got)
		}
	})

	t.Run("Move", func(t *testing.T) {
		res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(added.ID)+"/move"), url.Values{"delta": {"-1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("move: status %d", res.StatusCode)
		}
		d := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
		if got := row(d, "security").Next().AttrOr("data-key", ""); got != "knowledge_transfer" {
			t.Errorf("after moving up, the next row is %q", got)
		}
		if res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(added.ID)+"/move"), url.Values{"delta": {"5"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("move by 5: status %d, want 400", res.StatusCode)
		}
	})

	t.Run("AddGroupAndMeasured", func(t *testing.T) {
		res := mgr.post(criteriaPath(ev.ID, "/criteria"), url.Values{
			"kind": {"group"}, "key": {"risk"}, "name_en": {"Risk"}, "name_fr": {"Risque"}, "weight": {"10"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add group: status %d", res.StatusCode)
		}
		risk := a.storedCriteria(ev.ID)["risk"]
		form := url.Values{"kind": {"measured"}, "parent": {itoa(risk.ID)}, "key": {"attrition"}, "name_en": {"Attrition"},
			"name_fr": {"Attrition"}, "weight": {"1"}, "unit": {"%"}, "better": {"lower"}, "best": {"40"}, "worst": {"10"}}
		if res := mgr.post(criteriaPath(ev.ID, "/criteria"), form); res.StatusCode != http.StatusUnprocessableEntity ||
			text(res.doc(t), "[data-testid=error-best]") == "" {
			t.Errorf("anchors the wrong way round: status %d", res.StatusCode)
		}
		form.Set("best", "10")
		form.Set("worst", "40")
		if res := mgr.post(criteriaPath(ev.ID, "/criteria"), form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add measured: status %d", res.StatusCode)
		}
		d := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
		if got := strings.TrimSpace(row(d, "attrition").Find("[data-testid=effective]").Text()); got != "9.1%" {
			t.Errorf("attrition's share of total = %q, want 9.1%% (10 of 110)", got)
		}
	})

	t.Run("Remove", func(t *testing.T) {
		c := a.storedCriteria(ev.ID)["security"]
		res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(c.ID)+"/remove"), url.Values{"version": {itoa(int64(c.Version))}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: status %d", res.StatusCode)
		}
		if a.storedCriteria(ev.ID)["security"] != nil {
			t.Error("the criterion is still there")
		}
	})

	t.Run("OtherEvaluationsCriterion", func(t *testing.T) {
		other := a.draftEvaluation("Other")
		foreign := a.storedCriteria(other.ID)["policies"]
		res := mgr.post(criteriaPath(ev.ID, "/criteria/"+itoa(foreign.ID)+"/remove"), url.Values{"version": {itoa(int64(foreign.Version))}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", res.StatusCode)
		}
		if a.storedCriteria(other.ID)["policies"] == nil {
			t.Error("another evaluation's criterion was removed")
		}
	})
}

func TestCriteriaOpenEvaluation(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	e := a.newEvaluator("eva@example.test")
	f := a.openEvaluation("Payroll", 2, e)
	policies, quality := f.byKey["policies"], f.byKey["quality"]

	d := mgr.get(f.path("/criteria")).doc(t)
	if d.Find("[data-testid=add-row], [data-testid=add-top], [data-testid=remove], [data-testid=move-up]").Length() != 0 {
		t.Error("an open evaluation's editor offers to reshape the tree")
	}
	if d.Find("[data-testid=edit]").Length() == 0 {
		t.Error("names, guidance and thresholds can still be edited")
	}

	for name, refused := range map[string]*response{
		"Add": mgr.post(f.path("/criteria"), url.Values{"kind": {"rated"}, "parent": {itoa(quality.ID)}, "key": {"security"},
			"name_en": {"Security"}, "name_fr": {"Sécurité"}, "weight": {"10"}}),
		"Move":   mgr.post(f.path("/criteria/"+itoa(policies.ID)+"/move"), url.Values{"delta": {"1"}}),
		"Remove": mgr.post(f.path("/criteria/"+itoa(policies.ID)+"/remove"), url.Values{"version": {itoa(int64(policies.Version))}}),
		"ChangeKey": mgr.post(f.path("/criteria/"+itoa(policies.ID)), url.Values{"version": {itoa(int64(policies.Version))},
			"key": {"rules"}, "name_en": {policies.NameEN}, "name_fr": {policies.NameFR}, "weight": {"20"}}),
	} {
		if refused.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", name, refused.StatusCode)
			continue
		}
		if msg := text(refused.doc(t), "[role=alert]"); !strings.Contains(msg, "Scoring has started") {
			t.Errorf("%s: the refusal says %q", name, msg)
		}
	}
	if got := a.storedCriteria(f.ev.ID); got["policies"].Key != "policies" || got["security"] != nil || got["policies"].Version != policies.Version {
		t.Error("a refused tree edit changed the tree")
	}

	// The edit form no longer offers the key; a new minimum rating saves.
	edit := mgr.get(f.path("/criteria/" + itoa(policies.ID) + "/edit")).doc(t)
	if edit.Find("#key").Length() != 0 || !strings.Contains(text(edit, "[data-testid=frozen]"), "policies") {
		t.Error("the key should be shown, not edited, once scoring has started")
	}
	res := mgr.post(f.path("/criteria/"+itoa(policies.ID)), url.Values{"version": {itoa(int64(policies.Version))},
		"name_en": {policies.NameEN}, "name_fr": {policies.NameFR}, "weight": {"20"}, "min_rating": {"3"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("threshold change: status %d", res.StatusCode)
	}

	// Weights still change, all at once, and each change is audited.
	d = mgr.get(f.path("/criteria")).doc(t)
	res = mgr.post(f.path("/weights"), weightsForm(t, d, map[string]string{"policies": "30", "cultural_fit": "12.5"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save weights: status %d: %s", res.StatusCode, res.body)
	}
	stored := a.storedCriteria(f.ev.ID)
	if stored["policies"].Weight != 30 || stored["cultural_fit"].Weight != 12.5 || stored["process_expertise"].Weight != 20 {
		t.Errorf("weights after saving: policies %v, cultural_fit %v, process_expertise %v",
			stored["policies"].Weight, stored["cultural_fit"].Weight, stored["process_expertise"].Weight)
	}
	events, _, err := postgres.NewAuditService(a.db).FindEvaluationHistory(a.adminCtx(), f.ev.ID, bpo.AuditFilter{Entity: "criterion", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, ev := range events {
		if ev.Action != "weight" {
			continue
		}
		var before, after struct {
			Key    string
			Weight float64
		}
		if json.Unmarshal(ev.Before, &before) != nil || json.Unmarshal(ev.After, &after) != nil {
			t.Fatalf("audit event %s / %s", ev.Before, ev.After)
		}
		changes = append(changes, before.Key+" "+ftoa(before.Weight)+"→"+ftoa(after.Weight))
	}
	if got := strings.Join(changes, ", "); !strings.Contains(got, "policies 20→30") || !strings.Contains(got, "cultural_fit 15→12.5") || len(changes) != 2 {
		t.Errorf("audited weight changes: %s", got)
	}
	d = mgr.get(f.path("/criteria")).doc(t)
	if got := text(d, "[data-testid=flash]"); got != "Weights saved." {
		t.Errorf("flash = %q", got)
	}

	t.Run("Closed", func(t *testing.T) {
		ev, err := a.evaluations.FindEvaluationByID(a.adminCtx(), f.ev.ID)
		if err == nil {
			_, err = a.evaluations.SetEvaluationStatus(a.adminCtx(), ev.ID, ev.Version, bpo.StatusClosed)
		}
		if err != nil {
			t.Fatal(err)
		}
		closed := mgr.get(f.path("/criteria")).doc(t)
		if closed.Find("[data-testid=weights-form], [data-testid=edit]").Length() != 0 || closed.Find("[data-testid=weight]:not([disabled])").Length() != 0 {
			t.Error("a closed evaluation's editor still offers changes")
		}
		res := mgr.post(f.path("/weights"), weightsForm(t, d, map[string]string{"policies": "50"}))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res.doc(t), "[data-testid=alert]"), "closed") {
			t.Errorf("saving weights of a closed evaluation: status %d", res.StatusCode)
		}
		if got := a.storedCriteria(f.ev.ID)["policies"].Weight; got != 30 {
			t.Errorf("policies weighs %v after a refused save", got)
		}
	})
}

func ftoa(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSaveWeightsRefused(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	ev := a.draftEvaluation("Collections")
	page := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
	unchanged := func(t *testing.T) {
		t.Helper()
		got := a.storedCriteria(ev.ID)
		if got["policies"].Weight != 20 || got["cultural_fit"].Weight != 15 || got["price"].Weight != 100 || got["quality"].Weight != 60 {
			t.Error("a refused save changed weights")
		}
	}

	for name, tc := range map[string]struct {
		set    map[string]string
		errors map[string]string // criterion key → test id of its message
	}{
		"NotANumber":  {map[string]string{"policies": "abc", "cultural_fit": "25"}, map[string]string{"policies": "weight-error"}},
		"Negative":    {map[string]string{"cultural_fit": "-1", "policies": "25"}, map[string]string{"cultural_fit": "weight-error"}},
		"NaN":         {map[string]string{"policies": "NaN"}, map[string]string{"policies": "weight-error"}},
		"Infinite":    {map[string]string{"policies": "Inf"}, map[string]string{"policies": "weight-error"}},
		"Empty":       {map[string]string{"policies": " "}, map[string]string{"policies": "weight-error"}},
		"GroupOfZero": {map[string]string{"price": "0", "policies": "25"}, map[string]string{"cost": "group-error"}},
	} {
		t.Run(name, func(t *testing.T) {
			res := mgr.post(criteriaPath(ev.ID, "/weights"), weightsForm(t, page, tc.set))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			d := res.doc(t)
			for key, testID := range tc.errors {
				if textIn(row(d, key), "[data-testid="+testID+"]") == "" {
					t.Errorf("no message on %s", key)
				}
			}
			for key, typed := range tc.set {
				if got := row(d, key).Find("[data-testid=weight]").AttrOr("value", ""); got != typed {
					t.Errorf("%s: typed %q, the form shows %q", key, typed, got)
				}
			}
			unchanged(t)
		})
	}
	t.Run("TopLevelOfZero", func(t *testing.T) {
		res := mgr.post(criteriaPath(ev.ID, "/weights"), weightsForm(t, page, map[string]string{"quality": "0", "service_levels": "0", "cost": "0"}))
		if res.StatusCode != http.StatusUnprocessableEntity || text(res.doc(t), "[data-testid=error-top]") == "" {
			t.Errorf("status %d, want 422 with a message", res.StatusCode)
		}
		unchanged(t)
	})

	t.Run("Stale", func(t *testing.T) {
		// Someone else saves cultural_fit after the page was loaded.
		cf := a.storedCriteria(ev.ID)["cultural_fit"]
		err := a.criteria.SetWeights(a.adminCtx(), ev.ID, []bpo.WeightChange{{CriterionID: cf.ID, Version: cf.Version, Weight: 18}})
		if err != nil {
			t.Fatal(err)
		}
		res := mgr.post(criteriaPath(ev.ID, "/weights"), weightsForm(t, page, map[string]string{"policies": "40"}))
		if res.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409", res.StatusCode)
		}
		d := res.doc(t)
		if got := row(d, "policies").Find("[data-testid=weight]").AttrOr("value", ""); got != "40" {
			t.Errorf("typed weight not kept: %q", got)
		}
		if got := textIn(row(d, "cultural_fit"), "[data-testid=stored-weight]"); got != "Saved meanwhile: 18" {
			t.Errorf("the other person's weight: %q", got)
		}
		got := a.storedCriteria(ev.ID)
		if got["policies"].Weight != 20 || got["cultural_fit"].Weight != 18 {
			t.Errorf("a stale save wrote weights: policies %v, cultural_fit %v", got["policies"].Weight, got["cultural_fit"].Weight)
		}
		// The page now carries the current versions: saving again is deliberate.
		if res := mgr.post(criteriaPath(ev.ID, "/weights"), weightsForm(t, d, nil)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save again: status %d", res.StatusCode)
		}
		if got := a.storedCriteria(ev.ID); got["policies"].Weight != 40 || got["cultural_fit"].Weight != 15 {
			t.Errorf("saving again: policies %v, cultural_fit %v", got["policies"].Weight, got["cultural_fit"].Weight)
		}
	})

	t.Run("CriterionRemovedMeanwhile", func(t *testing.T) {
		page := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
		language := a.storedCriteria(ev.ID)["language"]
		if err := a.criteria.RemoveCriterion(a.adminCtx(), language.ID, language.Version); err != nil {
			t.Fatal(err)
		}
		res := mgr.post(criteriaPath(ev.ID, "/weights"), weightsForm(t, page, map[string]string{"policies": "10"}))
		if res.StatusCode != http.StatusConflict || !strings.Contains(text(res.doc(t), "[data-testid=alert]"), "none of your weights were saved") {
			t.Errorf("status %d, want 409 saying so", res.StatusCode)
		}
		if got := a.storedCriteria(ev.ID)["policies"].Weight; got != 40 {
			t.Errorf("policies weighs %v after a refused save", got)
		}
	})
}

// rankedEvaluation is an open evaluation of two vendors, each rated by two
// evaluators who submitted: vendor A is rated 5 on policies, vendor B 4 on
// process expertise, and both 3 on everything else. A leads by 3 points
// (36 to 33); B leads once process expertise weighs enough.
func (a *app) rankedEvaluation() *evalFixture {
	a.t.Helper()
	e1, e2 := a.newEvaluator("e1@example.test"), a.newEvaluator("e2@example.test")
	f := a.openEvaluation("Contact centre", 2, e1, e2)
	for _, e := range []*evaluator{e1, e2} {
		f.declareNone(e)
		for i, strong := range map[int]string{0: "policies", 1: "process_expertise"} {
			for _, c := range f.rated {
				value := 3
				if c.Key == strong {
					value = 5 - i
				}
				if _, err := a.scorecards.SaveRating(as(e.User), f.ev.ID, f.vendors[i].ID,
					bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: "Seen in the pilot"}); err != nil {
					a.t.Fatal(err)
				}
			}
			sc, err := a.scorecards.FindScorecard(as(e.User), f.ev.ID, f.vendors[i].ID, e.ID)
			if err != nil {
				a.t.Fatal(err)
			}
			if _, err := a.scorecards.SubmitScorecard(as(e.User), f.ev.ID, f.vendors[i].ID, sc.Version); err != nil {
				a.t.Fatal(err)
			}
		}
	}
	return f
}

func TestPreviewWeights(t *testing.T) {
	a := newApp(t)
	f := a.rankedEvaluation()
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	page := mgr.get(f.path("/criteria")).doc(t)
	nameA, nameB := f.vendors[0].Name, f.vendors[1].Name

	t.Run("SameWeights", func(t *testing.T) {
		res := mgr.post(f.path("/weights/preview"), weightsForm(t, page, nil), "HX-Request", "true")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		d := res.doc(t)
		if got := text(d, "[data-testid=leader-change]"); got != nameA+" stays in the lead." {
			t.Errorf("leader = %q", got)
		}
		if text(d, "[data-testid=no-share-change]") == "" {
			t.Error("the same weights should change no share")
		}
	})

	t.Run("LeaderChanges", func(t *testing.T) {
		res := mgr.post(f.path("/weights/preview"), weightsForm(t, page, map[string]string{"process_expertise": "100"}), "HX-Request", "true")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, res.body)
		}
		if strings.Contains(res.body, "<html") || !strings.Contains(res.body, `id="weights-preview"`) {
			t.Error("htmx should get the preview alone")
		}
		d := res.doc(t)
		leader := d.Find("[data-testid=leader-change]")
		if leader.AttrOr("data-changed", "") != "true" || strings.TrimSpace(leader.Text()) != "With these weights "+nameB+" would lead instead of "+nameA+"." {
			t.Errorf("leader change = %q", strings.TrimSpace(leader.Text()))
		}
		first := d.Find("[data-testid=preview-row]").First()
		if got := [3]string{textIn(first, "[data-testid=preview-vendor]"),
			strings.TrimSpace(first.Find("[data-testid=rank-now]").Text()), strings.TrimSpace(first.Find("[data-testid=rank-after]").Text())}; got != [3]string{nameB, "2", "1"} {
			t.Errorf("first row after = %q", got)
		}
		if got := [2]string{strings.TrimSpace(first.Find("[data-testid=score-now]").Text()), strings.TrimSpace(first.Find("[data-testid=score-after]").Text())}; got != [2]string{"33.00", "38.33"} {
			t.Errorf("B's score now → after = %q", got)
		}
		if text(d, "[data-testid=decision-now-title]") == "" || d.Find("[data-testid=decision-after] li").Length() == 0 {
			t.Error("the recommendations now and after are not phrased")
		}
		got := a.storedCriteria(f.ev.ID)
		if got["process_expertise"].Weight != 20 || got["process_expertise"].Version != f.byKey["process_expertise"].Version {
			t.Error("a preview wrote the weight")
		}
		events, _, err := postgres.NewAuditService(a.db).FindEvaluationHistory(a.adminCtx(), f.ev.ID, bpo.AuditFilter{Entity: "criterion", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 0 {
			t.Errorf("a preview was audited: %d events", len(events))
		}
	})

	t.Run("French", func(t *testing.T) {
		res := mgr.post(f.path("/weights/preview"), weightsForm(t, page, map[string]string{"process_expertise": "100"}),
			"HX-Request", "true", "Accept-Language", "fr")
		d := res.doc(t)
		if got := text(d, "[data-testid=leader-change]"); got != "Avec ces poids, "+nameB+" passerait en tête à la place de "+nameA+"." {
			t.Errorf("French leader change = %q", got)
		}
		if got := text(d, "[data-testid=preview-row] [data-testid=score-after]"); got != "38,33" {
			t.Errorf("French score = %q", got)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		res := mgr.post(f.path("/weights/preview"), weightsForm(t, page, map[string]string{"policies": "-5"}), "HX-Request", "true")
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", res.StatusCode)
		}
		if got := text(res.doc(t), "[data-testid=preview-problems] li"); !strings.HasPrefix(got, "Policies & procedures: ") {
			t.Errorf("problem = %q", got)
		}
	})

	t.Run("WithoutJavaScript", func(t *testing.T) {
		res := mgr.post(f.path("/weights/preview"), weightsForm(t, page, map[string]string{"process_expertise": "100"}))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		d := res.doc(t)
		r := row(d, "process_expertise")
		if r.Find("[data-testid=weight]").AttrOr("value", "") != "100" || strings.TrimSpace(r.Find("[data-testid=share]").Text()) != "55.6%" {
			t.Error("the whole editor should come back with the weights typed and their shares")
		}
		if d.Find("[data-testid=preview-ranking]").Length() != 1 {
			t.Error("no ranking preview on the page")
		}
	})

	t.Run("Draft", func(t *testing.T) {
		ev := a.draftEvaluation("Draft")
		d := mgr.get(criteriaPath(ev.ID, "/criteria")).doc(t)
		res := mgr.post(criteriaPath(ev.ID, "/weights/preview"), weightsForm(t, d, map[string]string{"policies": "40"}), "HX-Request", "true")
		p := res.doc(t)
		if res.StatusCode != http.StatusOK || p.Find("[data-testid=share-change]").Length() == 0 || p.Find("[data-testid=preview-ranking]").Length() != 0 {
			t.Errorf("a draft's preview shows shares only (status %d)", res.StatusCode)
		}
	})
}

func TestCriteriaEditorIsForManagers(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eva@example.test")
	f := a.openEvaluation("Claims", 1, e)
	policies := f.byKey["policies"]
	for name, res := range map[string]*response{
		"Editor":  e.c.get(f.path("/criteria")),
		"New":     e.c.get(f.path("/criteria/new?kind=rated")),
		"Edit":    e.c.get(f.path("/criteria/" + itoa(policies.ID) + "/edit")),
		"Update":  e.c.post(f.path("/criteria/"+itoa(policies.ID)), url.Values{"version": {"0"}, "name_en": {"x"}}),
		"Weights": e.c.post(f.path("/weights"), url.Values{"w_" + itoa(policies.ID): {"90"}, "v_" + itoa(policies.ID): {itoa(int64(policies.Version))}}),
		"Preview": e.c.post(f.path("/weights/preview"), url.Values{"w_" + itoa(policies.ID): {"90"}}, "HX-Request", "true"),
		"Move":    e.c.post(f.path("/criteria/"+itoa(policies.ID)+"/move"), url.Values{"delta": {"1"}}),
	} {
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, res.StatusCode)
		}
	}
	if got := a.storedCriteria(f.ev.ID)["policies"].Weight; got != 20 {
		t.Errorf("an evaluator changed a weight to %v", got)
	}
}
