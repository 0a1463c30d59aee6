package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/demo"
)

// TestWorkbookOfTheDemoEvaluations downloads each demo evaluation's
// workbook in both languages and checks it against the API's result:
// the sheets, the ranking's scores as numbers, and the matrix's points,
// which add up to each vendor's score.
func TestWorkbookOfTheDemoEvaluations(t *testing.T) {
	a := newApp(t)
	svc := a.demoServices()
	if _, err := demo.Load(context.Background(), svc, demo.Small); err != nil {
		t.Fatal(err)
	}
	mgr := a.anonymous()
	mgr.post("/login", url.Values{"email": {"manager@demo.test"}, "password": {demo.Password}})
	var list []struct{ ID int64 }
	if err := json.Unmarshal([]byte(mgr.get("/api/v1/evaluations").body), &list); err != nil || len(list) == 0 {
		t.Fatalf("demo evaluations: %v %d", err, len(list))
	}
	sheets := map[string][]string{
		"en": {"Summary", "Matrix", "Ratings", "Figures", "Moderation", "Method"},
		"fr": {"Synthèse", "Matrice", "Notes", "Mesures", "Modération", "Méthode"},
	}
	for _, e := range list {
		var result resultScores
		if err := json.Unmarshal([]byte(mgr.get(fmt.Sprintf("/api/v1/evaluations/%d/result", e.ID)).body), &result); err != nil {
			t.Fatal(err)
		}
		for lang, names := range sheets {
			t.Run(fmt.Sprintf("%d/%s", e.ID, lang), func(t *testing.T) {
				res := mgr.get(fmt.Sprintf("/evaluations/%d/evaluation.xlsx?lang=%s", e.ID, lang))
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
					t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
				}
				f, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(names) {
					t.Fatalf("sheets %v, want %v", got, names)
				}
				checkRanking(t, f, names[0], result)
				checkMatrix(t, f, names[1], result)
				for _, sheet := range names[1:] {
					panes, err := f.GetPanes(sheet)
					if err != nil || !panes.Freeze || panes.YSplit != 1 {
						t.Errorf("%s: header not frozen: %+v %v", sheet, panes, err)
					}
				}
			})
		}
	}
}

type resultScores struct {
	Vendors []struct {
		Name  string  `json:"name"`
		Score float64 `json:"score"`
	} `json:"vendors"`
}

// checkRanking finds the ranking's rows by vendor name: the score is a
// number cell holding the result's score.
func checkRanking(t *testing.T, f *excelize.File, sheet string, want resultScores) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, row := range rows {
		for _, v := range want.Vendors {
			if len(row) < 3 || row[1] != v.Name {
				continue
			}
			ref := "C" + strconv.Itoa(i+1)
			typ, _ := f.GetCellType(sheet, ref)
			raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			got, err := strconv.ParseFloat(raw, 64)
			if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || err != nil || math.Abs(got-v.Score) > 1e-9 {
				t.Errorf("%s %s: score cell %q (type %v), want the number %v", sheet, v.Name, raw, typ, v.Score)
			}
			found++
		}
	}
	if found != len(want.Vendors) {
		t.Errorf("%s: %d of %d vendors in the ranking", sheet, found, len(want.Vendors))
	}
}

// checkMatrix adds up each vendor's points column: the sum is the last
// row, and the result's score.
func checkMatrix(t *testing.T, f *excelize.File, sheet string, want resultScores) {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range want.Vendors {
		col := 3 + 2*i + 1 // points: 0-based column after the value
		sum := 0.0
		for _, row := range rows[1 : len(rows)-1] {
			if col < len(row) && row[col] != "" {
				p, err := strconv.ParseFloat(row[col], 64)
				if err != nil {
					t.Fatalf("%s: points %q are not a number", sheet, row[col])
				}
				sum += p
			}
		}
		total, err := strconv.ParseFloat(rows[len(rows)-1][col], 64)
		if err != nil || math.Abs(total-v.Score) > 1e-9 || math.Abs(sum-v.Score) > 1e-6 {
			t.Errorf("%s %s: points add up to %v, total %v, want %v", sheet, v.Name, sum, total, v.Score)
		}
	}
}
