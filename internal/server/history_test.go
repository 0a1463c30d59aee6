package server_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// historyRow is one row of the history table as a reader sees it.
type historyRow struct {
	kind, who, what, object string
	changes                 map[string][2]string // field → before, after
}

func historyRows(d *goquery.Document) []historyRow {
	var rows []historyRow
	d.Find("[data-testid=history-row]").Each(func(_ int, s *goquery.Selection) {
		r := historyRow{who: testidText(s, "who"), what: testidText(s, "what"), object: testidText(s, "object"), changes: map[string][2]string{}}
		r.kind, _ = s.Attr("data-kind")
		s.Find("[data-testid=change]").Each(func(_ int, c *goquery.Selection) {
			r.changes[testidText(c, "field")] = [2]string{testidText(c, "before"), testidText(c, "after")}
		})
		rows = append(rows, r)
	})
	return rows
}

func testidText(s *goquery.Selection, testid string) string {
	return strings.TrimSpace(s.Find("[data-testid=" + testid + "]").First().Text())
}

// rowIndex is the position of the first row that says what, or -1.
func rowIndex(rows []historyRow, what string) int {
	return slices.IndexFunc(rows, func(r historyRow) bool { return r.what == what })
}

func TestHistory(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	manager, err := a.users.FindUserByEmail(context.Background(), "mgr@example.test")
	if err != nil {
		t.Fatal(err)
	}
	eva := a.newEvaluator("eva@example.test")
	f := a.openEvaluation("History", 2, eva)
	f.declareNone(eva)
	vendor := f.vendors[0].ID

	lang := f.byKey["language"]
	if err := a.criteria.SetWeights(as(manager), f.ev.ID, []bpo.WeightChange{{CriterionID: lang.ID, Version: lang.Version, Weight: 15}}); err != nil {
		t.Fatal(err)
	}
	rate := func(key string, value, version int) {
		t.Helper()
		_, err := a.scorecards.SaveRating(as(eva.User), f.ev.ID, vendor, bpo.RatingInput{CriterionID: f.byKey[key].ID,
			Value: &value, Justification: "Documented QA programme, audited yearly.", Version: version})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range f.rated {
		rate(c.Key, 3, 0)
	}
	rate("policies", 4, 1)
	sc, err := a.scorecards.SubmitScorecard(as(eva.User), f.ev.ID, vendor, f.scorecard(t, eva, 0).Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.scorecards.ReopenScorecard(as(manager), sc.EvaluationID, sc.ID, sc.Version); err != nil {
		t.Fatal(err)
	}
	history := f.path("/history")

	t.Run("NewestFirstWithBeforeAndAfter", func(t *testing.T) {
		res := mgr.get(history)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		rows := historyRows(res.doc(t))
		reopened, submitted := rowIndex(rows, "Scorecard reopened"), rowIndex(rows, "Scorecard submitted")
		changed, saved, weight := rowIndex(rows, "Rating changed"), rowIndex(rows, "Rating saved"), rowIndex(rows, "Weight changed")
		if reopened != 0 || !(reopened < submitted && submitted < changed && changed < saved && saved < weight) {
			t.Fatalf("not newest first: reopened %d, submitted %d, changed %d, saved %d, weight %d in %+v",
				reopened, submitted, changed, saved, weight, rows)
		}
		vendorName := "History vendor A"
		for _, tc := range []struct {
			row           int
			who, object   string
			field         string
			before, after string
		}{
			{reopened, "mgr", vendorName + " — eva", "Status", "Submitted", "In progress"},
			{submitted, "eva", vendorName, "Status", "In progress", "Submitted"},
			{changed, "eva", vendorName + " — Policies & procedures", "Rating", "3 · Adequate", "4 · Strong"},
			{weight, "mgr", "Language proficiency", "Weight", "10", "15"},
		} {
			r := rows[tc.row]
			if r.who != tc.who || r.object != tc.object {
				t.Errorf("%s: by %q on %q, want by %q on %q", r.what, r.who, r.object, tc.who, tc.object)
			}
			if got, want := r.changes[tc.field], [2]string{tc.before, tc.after}; got != want {
				t.Errorf("%s: %s %q, want %q (all: %v)", r.what, tc.field, got, want, r.changes)
			}
			if len(r.changes) != 1 {
				t.Errorf("%s: changes %v, want %s only", r.what, r.changes, tc.field)
			}
		}
		// A new rating shows what was set; an unchanged justification is not repeated.
		if got := rows[saved].changes["Rating"]; got != [2]string{"", "3 · Adequate"} {
			t.Errorf("rating saved: %q", got)
		}
		if _, ok := rows[changed].changes["Justification"]; ok {
			t.Errorf("unchanged justification listed: %v", rows[changed].changes)
		}
	})

	t.Run("InFrench", func(t *testing.T) {
		rows := historyRows(mgr.get(history, "Accept-Language", "fr").doc(t))
		if i := rowIndex(rows, "Poids modifié"); i < 0 || rows[i].changes["Poids"] != [2]string{"10", "15"} {
			t.Errorf("no weight change in French: %+v", rows)
		}
	})

	t.Run("FilterByPerson", func(t *testing.T) {
		d := mgr.get(history + "?actor=" + strconv.FormatInt(eva.ID, 10)).doc(t)
		rows := historyRows(d)
		// The declaration, nine saves and the submission.
		if len(rows) != 11 {
			t.Errorf("%d rows, want 11", len(rows))
		}
		for _, r := range rows {
			if r.who != "eva" {
				t.Errorf("row by %q in eva's history", r.who)
			}
		}
		if v, _ := d.Find("[data-testid=filter-actor] option[selected]").Attr("value"); v != strconv.FormatInt(eva.ID, 10) {
			t.Errorf("selected person %q", v)
		}
		var people []string
		d.Find("[data-testid=filter-actor] option").Each(func(_ int, s *goquery.Selection) { people = append(people, s.Text()) })
		for _, want := range []string{"eva", "mgr"} {
			if !slices.Contains(people, want) {
				t.Errorf("%s not among the people %v", want, people)
			}
		}
	})

	t.Run("FilterByKind", func(t *testing.T) {
		d := mgr.get(history + "?kind=criterion").doc(t)
		rows := historyRows(d)
		if len(rows) != 1 || rows[0].what != "Weight changed" || rows[0].kind != "criterion" {
			t.Errorf("criterion history: %+v", rows)
		}
		if v, _ := d.Find("[data-testid=filter-kind] option[selected]").Attr("value"); v != "criterion" {
			t.Errorf("selected kind %q", v)
		}
		rows = historyRows(mgr.get(history + "?kind=scorecard&actor=" + strconv.FormatInt(manager.ID, 10)).doc(t))
		if len(rows) != 1 || rows[0].what != "Scorecard reopened" {
			t.Errorf("scorecards by the manager: %+v", rows)
		}
	})

	t.Run("BadFilter", func(t *testing.T) {
		for _, q := range []string{"?kind=password", "?actor=me", "?actor=-1"} {
			if got := mgr.get(history + q).StatusCode; got != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", q, got)
			}
		}
	})

	t.Run("EvaluatorForbidden", func(t *testing.T) {
		if got := eva.c.get(history).StatusCode; got != http.StatusForbidden {
			t.Errorf("status %d, want 403", got)
		}
	})

	t.Run("UnknownEvaluation", func(t *testing.T) {
		if got := mgr.get("/evaluations/" + strconv.FormatInt(f.ev.ID+1000, 10) + "/history").StatusCode; got != http.StatusNotFound {
			t.Errorf("status %d, want 404", got)
		}
	})
}

func TestHistoryPages(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	eva := a.newEvaluator("eva@example.test")
	f := a.openEvaluation("Pages", 1, eva)
	f.declareNone(eva)
	c := f.rated[0]
	for version := range 60 {
		value := 2 + version%3
		if _, err := a.scorecards.SaveRating(as(eva.User), f.ev.ID, f.vendors[0].ID,
			bpo.RatingInput{CriterionID: c.ID, Value: &value, Version: version}); err != nil {
			t.Fatal(err)
		}
	}
	// Creation, vendor, evaluator, opening, declaration and 60 saves.
	const total = 65
	d := mgr.get(f.path("/history?kind=")).doc(t)
	if got := len(historyRows(d)); got != 50 {
		t.Errorf("first page: %d rows, want 50", got)
	}
	next, ok := d.Find("a[rel=next]").Attr("href")
	if !ok || text(d, "[data-testid=history-total]") != strconv.Itoa(total)+" changes" {
		t.Fatalf("next %q, total %q", next, text(d, "[data-testid=history-total]"))
	}
	d = mgr.get(next).doc(t)
	rows := historyRows(d)
	if len(rows) != total-50 || rows[len(rows)-1].what != "Evaluation created" {
		t.Errorf("second page: %d rows, last %+v", len(rows), rows[len(rows)-1])
	}
	if d.Find("a[rel=next]").Length() != 0 || d.Find("a[rel=prev]").Length() != 1 {
		t.Error("second page: want a link back and none forward")
	}
}
