package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report/pdftest"
)

// resultJSON is what the report is checked against: the published result.
type resultJSON struct {
	Vendors []struct {
		Key   string  `json:"key"`
		Name  string  `json:"name"`
		Score float64 `json:"score"`
	} `json:"vendors"`
	Recommendation struct {
		Margin  *float64 `json:"margin"`
		Reasons []string `json:"reasons"`
	} `json:"recommendation"`
}

// TestReportOfTheDemoEvaluations downloads the report of each demo
// evaluation in both languages and reads it as the committee would.
func TestReportOfTheDemoEvaluations(t *testing.T) {
	a := newApp(t)
	svc := a.demoServices()
	if _, err := demo.Load(context.Background(), svc, demo.Small); err != nil {
		t.Fatal(err)
	}
	mgr := a.anonymous()
	mgr.post("/login", url.Values{"email": {"manager@demo.test"}, "password": {demo.Password}})
	var list []struct {
		ID     int64
		Title  string
		Status string
	}
	if err := json.Unmarshal([]byte(mgr.get("/api/v1/evaluations").body), &list); err != nil || len(list) != 2 {
		t.Fatalf("demo evaluations: %v %d", err, len(list))
	}
	for _, e := range list {
		for _, tc := range []struct {
			lang   i18n.Lang
			labels []string
		}{
			{i18n.EN, []string{"Executive summary", "Methodology", "Evaluators and conflicts of interest", "Sign-off"}},
			{i18n.FR, []string{"Synthèse", "Méthode", "Évaluateurs et conflits d'intérêts", "Approbation"}},
		} {
			t.Run(fmt.Sprintf("%s/%s", e.Status, tc.lang), func(t *testing.T) {
				path := fmt.Sprintf("/evaluations/%d/report.pdf?lang=%s", e.ID, tc.lang)
				res := mgr.get(path)
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
					t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
				}
				disposition := res.Header.Get("Content-Disposition")
				day := time.Now().UTC().Format("2006-01-02")
				if !strings.HasPrefix(disposition, `attachment; filename="`) || !strings.Contains(disposition, day+`.pdf"`) ||
					!strings.Contains(disposition, "filename*=UTF-8''") {
					t.Errorf("Content-Disposition %q", disposition)
				}
				pdf := []byte(res.body)
				if n := pdftest.Pages(t, pdf); n < 8 {
					t.Errorf("%d pages", n)
				}
				for _, f := range pdftest.Fonts(t, pdf) {
					if !f.Embedded {
						t.Errorf("font %s is not embedded", f.Name)
					}
				}
				text := pdftest.Text(t, pdf, 1, 0)
				var result resultJSON
				if err := json.Unmarshal([]byte(mgr.get(fmt.Sprintf("/api/v1/evaluations/%d/result?lang=%s", e.ID, tc.lang)).body), &result); err != nil {
					t.Fatal(err)
				}
				cover := pdftest.Text(t, pdf, 1, 1)
				if decision := pdftest.Squeeze(result.Recommendation.Reasons[0]); !strings.Contains(cover, decision) {
					t.Errorf("the cover lacks the decision %q:\n%s", decision, cover)
				}
				for _, want := range tc.labels {
					if !strings.Contains(text, want) {
						t.Errorf("the report lacks %q", want)
					}
				}
				// The report's figures are the engine's: every score, and the margin.
				for _, v := range result.Vendors {
					if !strings.Contains(text, v.Name) {
						t.Errorf("the report does not name %q", v.Name)
					}
					if score := i18n.Number(tc.lang, v.Score, 2); !strings.Contains(text, score) {
						t.Errorf("%s: the report lacks the score %s of /result", v.Name, score)
					}
				}
				if m := result.Recommendation.Margin; m != nil && !strings.Contains(text, i18n.Number(tc.lang, *m, 2)) {
					t.Errorf("the report lacks the margin %v", *m)
				}
				name := fmt.Sprintf("%s-%s", e.Status, tc.lang)
				pdftest.PNG(t, pdf, 1, t.ArtifactDir(), name+"-cover")
				pdftest.PNG(t, pdf, vendorPage(t, pdf, result.Vendors[0].Name), t.ArtifactDir(), name+"-vendor")
			})
		}
	}

	t.Run("what the demo says", func(t *testing.T) {
		texts := map[string]string{}
		for _, e := range list {
			texts[e.Status] = pdftest.Text(t, []byte(mgr.get(fmt.Sprintf("/evaluations/%d/report.pdf?lang=fr", e.ID)).body), 1, 0)
		}
		for status, want := range map[string][]string{
			// Accents in names, the weight changed while open, the conflict
			// declared, the vendor rejected before scoring.
			"open": {"Île Rouge Data Services", "Téranga Contact Center", "James O’Connor", "Élodie Martin",
				"Marc Lefèvre Maîtrise linguistique", "Cebu Care Connect", "English only"},
			"closed": {"Wisła Shared Services", "d'attribuer le contrat à Port-Louis BPO Centre", "Marc Lefèvre",
				"Aucun poids n'a été modifié pendant la notation."},
		} {
			for _, w := range want {
				if !strings.Contains(texts[status], w) {
					t.Errorf("the %s evaluation's report lacks %q", status, w)
				}
			}
		}
		if strings.Contains(texts["open"], "Aucun poids n'a été modifié") {
			t.Error("the open evaluation's report misses the weight changed while it was open")
		}
	})
}

// vendorPage is the page where a vendor's section starts.
func vendorPage(t *testing.T, pdf []byte, name string) int {
	t.Helper()
	for i, p := range pdftest.PageTexts(t, pdf) {
		if strings.Contains(p, "1. "+name) {
			return i + 1
		}
	}
	t.Fatalf("no section for %s", name)
	return 0
}

func TestReportIsForManagers(t *testing.T) {
	a := newApp(t)
	e1 := a.newEvaluator("e1@app.test")
	f := a.openEvaluation("Relation client", 2, e1)
	mgr := a.signIn("mgr@app.test", bpo.RoleManager)

	if res := mgr.get(f.path("/report.pdf")); res.StatusCode != http.StatusOK {
		t.Fatalf("manager: status %d", res.StatusCode)
	}
	page := mgr.get(f.path("")).doc(t)
	if href, _ := page.Find("[data-testid=report-link]").Attr("href"); href != f.path("/report.pdf") {
		t.Errorf("the manager's page links to %q", href)
	}
	if e1.c.get(f.path("")).doc(t).Find("[data-testid=report-link]").Length() != 0 {
		t.Error("an evaluator is offered the report")
	}
	for _, tc := range []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"assigned evaluator", e1.c, f.path("/report.pdf"), http.StatusForbidden},
		{"evaluator, unknown evaluation", e1.c, "/evaluations/999999/report.pdf", http.StatusForbidden},
		{"anonymous", a.anonymous(), f.path("/report.pdf"), http.StatusSeeOther},
		{"unknown evaluation", mgr, "/evaluations/999999/report.pdf", http.StatusNotFound},
		{"malformed id", mgr, "/evaluations/x1/report.pdf", http.StatusNotFound},
		{"unknown language", mgr, f.path("/report.pdf?lang=de"), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.c.get(tc.path)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if res.Header.Get("Content-Type") == "application/pdf" {
				t.Error("a refusal came as a PDF")
			}
		})
	}
}

// The report follows the reader's language unless ?lang= says otherwise,
// and is named after the evaluation, accents and all.
func TestReportLanguageAndFileName(t *testing.T) {
	a := newApp(t)
	f := a.openEvaluation("Évaluation « Énergie » 2027/2028", 1, a.newEvaluator("e1@app.test"))
	mgr := a.signIn("mgr@app.test", bpo.RoleManager)
	for _, tc := range []struct{ query, accept, want string }{
		{"", "fr-FR,fr;q=0.9", "Synthèse"},
		{"", "en", "Executive summary"},
		{"?lang=en", "fr", "Executive summary"},
		{"?lang=fr", "en", "Synthèse"},
	} {
		res := mgr.get(f.path("/report.pdf"+tc.query), "Accept-Language", tc.accept)
		if text := pdftest.Text(t, []byte(res.body), 2, 2); !strings.Contains(text, tc.want) {
			t.Errorf("%q with Accept-Language %q: page 2 reads %.60q, want %q", tc.query, tc.accept, text, tc.want)
		}
	}
	disposition := mgr.get(f.path("/report.pdf")).Header.Get("Content-Disposition")
	day := time.Now().UTC().Format("2006-01-02")
	want := `attachment; filename="evaluation-energie-2027-2028-` + day + `.pdf"; ` +
		`filename*=UTF-8''%C3%89valuation%20%C2%AB%20%C3%89nergie%20%C2%BB%202027%2F2028%20` + day + `.pdf`
	if disposition != want {
		t.Errorf("Content-Disposition\n %q\nwant\n %q", disposition, want)
	}
}

// An evaluation whose criteria the engine refuses has no report yet: the
// manager is told why, as on the evaluation's page.
func TestReportOfAnUnscorableEvaluation(t *testing.T) {
	a := newApp(t)
	ev := a.draftEvaluation("Brouillon")
	var zero []bpo.WeightChange
	for _, c := range a.storedCriteria(ev.ID) {
		if c.ParentID == nil {
			zero = append(zero, bpo.WeightChange{CriterionID: c.ID, Version: c.Version, Weight: 0})
		}
	}
	if err := a.criteria.SetWeights(a.adminCtx(), ev.ID, zero); err != nil {
		t.Fatal(err)
	}
	mgr := a.signIn("mgr@app.test", bpo.RoleManager)
	res := mgr.get(criteriaPath(ev.ID, "/report.pdf"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.body, "cannot be scored") {
		t.Errorf("status %d, body %.300q", res.StatusCode, res.body)
	}
}

// TestReportsQueueForTheirSlots: more reports asked for at once than the
// server writes at a time (one per core) wait their turn; every one of them
// comes, none is refused.
func TestReportsQueueForTheirSlots(t *testing.T) {
	a := newApp(t)
	f := a.openEvaluation("Relation client", 2, a.newEvaluator("e1@app.test"))
	mgr := a.signIn("mgr@app.test", bpo.RoleManager)
	const n = 12
	statuses := make(chan string, n)
	for range n {
		go func() {
			res, err := mgr.http.Get(mgr.base + f.path("/report.pdf"))
			if err != nil {
				statuses <- err.Error()
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			switch {
			case err != nil:
				statuses <- err.Error()
			case res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF-")):
				statuses <- fmt.Sprintf("status %d, %.20q", res.StatusCode, b)
			default:
				statuses <- "ok"
			}
		}()
	}
	for range n {
		if s := <-statuses; s != "ok" {
			t.Errorf("a report asked for with %d others: %s", n-1, s)
		}
	}
}
