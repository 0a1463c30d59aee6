package server_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

// exportCase is a justification an evaluator may type, and the cell a
// spreadsheet should get for it.
type exportCase struct{ typed, cell string }

// exportCases are one per rated criterion of the template, in tree order:
// formulas of every kind, quoting, line breaks and accents.
var exportCases = []exportCase{
	{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
	{"+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
	{"-2 points: weak SLAs", "'-2 points: weak SLAs"},
	{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"\t=1+1", "'\t=1+1"},
	{"\r\nStarts with a line break", "'\nStarts with a line break"},
	{`She said "excellent", twice` + "\r\nSecond line", `She said "excellent", twice` + "\nSecond line"},
	{"Très bien : équipe francophone", "Très bien : équipe francophone"},
}

// exportEvaluation is an open evaluation whose title starts like a formula:
// e1 submitted vendor A with exportCases as justifications, all rated 3; e2
// has two draft ratings of vendor B.
func (a *app) exportEvaluation() *evalFixture {
	a.t.Helper()
	e1, e2 := a.newEvaluator("e1@example.test"), a.newEvaluator("e2@example.test")
	f := a.openEvaluation(`+Évaluation "centre d'appels", 2026`, 2, e1, e2)
	save := func(e *evaluator, vendor int, c *bpo.Criterion, justification string) {
		value := 3
		if _, err := a.scorecards.SaveRating(as(e.User), f.ev.ID, f.vendors[vendor].ID,
			bpo.RatingInput{CriterionID: c.ID, Value: &value, Justification: justification}); err != nil {
			a.t.Fatal(err)
		}
	}
	for _, e := range []*evaluator{e1, e2} {
		f.declareNone(e)
	}
	for i, c := range f.rated {
		save(e1, 0, c, exportCases[i].typed)
	}
	sc := f.scorecard(a.t, e1, 0)
	if _, err := a.scorecards.SubmitScorecard(as(e1.User), f.ev.ID, f.vendors[0].ID, sc.Version); err != nil {
		a.t.Fatal(err)
	}
	save(e2, 1, f.rated[0], "")
	save(e2, 1, f.rated[1], "")
	return f
}

// readCSV checks the export's bytes (a byte order mark, CRLF line ends) and
// parses it.
func readCSV(t *testing.T, res *response, sep ...rune) [][]string {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, res.body)
	}
	body, ok := strings.CutPrefix(res.body, "\xef\xbb\xbf")
	if !ok {
		t.Fatal("no UTF-8 byte order mark")
	}
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") || !strings.HasSuffix(body, "\r\n") {
		t.Error("a line does not end with CRLF")
	}
	r := csv.NewReader(strings.NewReader(body))
	if len(sep) > 0 {
		r.Comma = sep[0]
	}
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v", err)
	}
	return records
}

func TestExportScores(t *testing.T) {
	a := newApp(t)
	f := a.exportEvaluation()
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	if href := mgr.get(f.path("")).doc(t).Find("[data-testid=export-scores]").AttrOr("href", ""); href != f.path("/scores.csv") {
		t.Errorf("link on the evaluation page = %q", href)
	}

	res := mgr.get(f.path("/scores.csv"))
	if got := res.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got, want := res.Header.Get("Content-Disposition"), `attachment; filename="evaluation-centre-d-appels-2026-ratings.csv"; `+
		`filename*=UTF-8''+%C3%89valuation%20%22centre%20d%27appels%22%2C%202026%20%E2%80%93%20ratings.csv`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	records := readCSV(t, res)
	want := []string{"Evaluation", "Vendor", "Evaluator", "Criterion key", "Criterion", "Rating", "Justification",
		"Scorecard status", "Last changed (UTC)", "Kind"}
	if strings.Join(records[0], "|") != strings.Join(want, "|") {
		t.Errorf("header = %q", records[0])
	}
	d, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), f.ev.ID, bpo.WithRatings)
	if err != nil {
		t.Fatal(err)
	}
	rows := records[1:]
	if len(rows) != len(d.Ratings) || len(rows) != len(exportCases) {
		t.Fatalf("%d rows, want one per counted rating (%d)", len(rows), len(d.Ratings))
	}
	for i, row := range rows {
		c := f.rated[i]
		// The vendors are named after the evaluation: their names start with + too.
		if row[0] != `'+Évaluation "centre d'appels", 2026` || row[1] != "'"+f.vendors[0].Name || row[2] != "e1" ||
			row[3] != c.Key || row[4] != c.NameEN || row[5] != "3" || row[7] != "Submitted" {
			t.Errorf("row %d = %q", i, row)
		}
		if row[6] != exportCases[i].cell {
			t.Errorf("row %d: justification %q, want %q", i, row[6], exportCases[i].cell)
		}
		if at, err := time.Parse(time.RFC3339, row[8]); err != nil || !strings.HasSuffix(row[8], "Z") || time.Since(at) > time.Hour {
			t.Errorf("row %d: time %q is not a recent RFC 3339 UTC time", i, row[8])
		}
	}

	t.Run("WithDrafts", func(t *testing.T) {
		rows := readCSV(t, mgr.get(f.path("/scores.csv?include=drafts")))[1:]
		if len(rows) != len(exportCases)+2 {
			t.Fatalf("%d rows, want %d", len(rows), len(exportCases)+2)
		}
		for _, row := range rows[len(exportCases):] {
			if row[1] != "'"+f.vendors[1].Name || row[2] != "e2" || row[7] != "In progress" {
				t.Errorf("draft row = %q", row)
			}
		}
	})
	t.Run("French", func(t *testing.T) {
		// French spreadsheets split on semicolons: the comma is their decimal mark.
		records := readCSV(t, mgr.get(f.path("/scores.csv"), "Accept-Language", "fr"), ';')
		if records[0][0] != "Évaluation" || records[0][4] != "Critère" || len(records[0]) != len(want) {
			t.Errorf("header = %q", records[0])
		}
		if en := readCSV(t, mgr.get(f.path("/scores.csv?sep=semicolon")), ';'); len(en[0]) != len(want) {
			t.Errorf("?sep=semicolon: header = %q", en[0])
		}
		if row := records[1]; row[4] != f.rated[0].NameFR || row[7] != i18n.T(i18n.FR, "scorecard.state.submitted") {
			t.Errorf("row = %q", row)
		}
	})
	t.Run("MeasuredFigures", func(t *testing.T) {
		price := f.byKey["price"]
		v := 2100.5
		if err := a.participants.SetMeasurement(a.adminCtx(), f.ev.ID, f.vendors[1].ID, price.ID, &v); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			lang, value, kind string
			sep               rune
		}{{"en", "2100.5", "measured figure", ','}, {"fr", "2100,5", "chiffre mesuré", ';'}} {
			records := readCSV(t, mgr.get(f.path("/scores.csv"), "Accept-Language", tc.lang), tc.sep)
			last := records[len(records)-1]
			if last[1] != "'"+f.vendors[1].Name || last[2] != "" || last[3] != "price" || last[5] != tc.value || last[9] != tc.kind {
				t.Errorf("%s: figure row = %q", tc.lang, last)
			}
			if records[1][9] == tc.kind {
				t.Errorf("%s: a rating row is of kind %q", tc.lang, records[1][9])
			}
		}
	})
	t.Run("Consensus", func(t *testing.T) {
		// Moderation needs every expected scorecard of the vendor in: e2
		// submits vendor A too, then the panel agrees on the first criterion.
		e2, err := a.users.FindUserByEmail(context.Background(), "e2@example.test")
		if err != nil {
			t.Fatal(err)
		}
		value := 4
		for _, c := range f.rated {
			if _, err := a.scorecards.SaveRating(as(e2), f.ev.ID, f.vendors[0].ID,
				bpo.RatingInput{CriterionID: c.ID, Value: &value}); err != nil {
				t.Fatal(err)
			}
		}
		sc, err := a.scorecards.FindScorecard(as(e2), f.ev.ID, f.vendors[0].ID, e2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.scorecards.SubmitScorecard(as(e2), f.ev.ID, f.vendors[0].ID, sc.Version); err != nil {
			t.Fatal(err)
		}
		agreed := 4
		if _, err := postgres.NewModerationService(a.db).RecordConsensus(a.adminCtx(), f.ev.ID, bpo.ConsensusInput{
			VendorID: f.vendors[0].ID, CriterionID: f.rated[0].ID, Value: &agreed, Reason: "=Agreed after the site visit"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			lang, kind string
			sep        rune
		}{{"en", "consensus value", ','}, {"fr", "valeur de consensus", ';'}} {
			records := readCSV(t, mgr.get(f.path("/scores.csv"), "Accept-Language", tc.lang), tc.sep)
			var found [][]string
			kinds := map[string]int{}
			for _, row := range records[1:] {
				kinds[row[9]]++
				if row[9] == tc.kind {
					found = append(found, row)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%s: %d consensus rows, want 1 (kinds %v)", tc.lang, len(found), kinds)
			}
			row := found[0]
			if row[1] != "'"+f.vendors[0].Name || row[2] != "" || row[3] != f.rated[0].Key || row[5] != "4" ||
				row[6] != "'=Agreed after the site visit" || row[7] != "" {
				t.Errorf("%s: consensus row = %q", tc.lang, row)
			}
			if kinds[i18n.T(i18n.Lang(tc.lang), "export.kind.rating")] != 2*len(f.rated) {
				t.Errorf("%s: kinds %v, want every submitted rating beside the consensus", tc.lang, kinds)
			}
		}
	})
}

func TestExportScoresRefusals(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Back office", 1, e)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	if e.c.get(f.path("")).doc(t).Find("[data-testid=export-scores]").Length() != 0 {
		t.Error("an evaluator is offered the export")
	}
	for name, tc := range map[string]struct {
		c      *client
		path   string
		status int
	}{
		"AssignedEvaluator": {e.c, f.path("/scores.csv"), http.StatusForbidden},
		"Anonymous":         {a.anonymous(), f.path("/scores.csv"), http.StatusSeeOther},
		"UnknownEvaluation": {mgr, "/evaluations/99999999/scores.csv", http.StatusNotFound},
		"BadID":             {mgr, "/evaluations/abc/scores.csv", http.StatusNotFound},
		"UnknownInclude":    {mgr, f.path("/scores.csv?include=everything"), http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			res := tc.c.get(tc.path)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if res.Header.Get("Content-Disposition") != "" || strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
				t.Error("a refusal is sent as a download")
			}
		})
	}
}
