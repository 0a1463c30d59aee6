package server

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"Solid SLAs":           "Solid SLAs",
		"=1+1":                 "'=1+1",
		"+33 1 23 45 67 89":    "'+33 1 23 45 67 89",
		"-2 points":            "'-2 points",
		"@SUM(A1:A9)":          "'@SUM(A1:A9)",
		"\tindented":           "'\tindented",
		"\rcarriage":           "'\ncarriage",
		"a = b":                "a = b",
		"'quoted already":      "'quoted already",
		"one\r\ntwo\rthree\nf": "one\ntwo\nthree\nf",
		"Très bien":            "Très bien",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCSVCell checks, for any text, that a neutralised cell never starts
// like a formula, survives a CSV round trip as one field, and keeps the
// text apart from the prefix and the style of its line breaks.
func FuzzCSVCell(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		cell := csvCell(s)
		if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
			t.Fatalf("csvCell(%q) = %q starts like a formula", s, cell)
		}
		lines := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
		if text := strings.TrimPrefix(cell, "'"); cell != lines && text != lines {
			t.Fatalf("csvCell(%q) = %q, want the text %q", s, cell, lines)
		}

		var b strings.Builder
		w := csv.NewWriter(&b)
		w.UseCRLF = true
		if err := w.Write([]string{"before", cell, "after"}); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		records, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
		if err != nil {
			t.Fatalf("%q does not parse back: %v", b.String(), err)
		}
		if len(records) != 1 || len(records[0]) != 3 || records[0][1] != cell {
			t.Fatalf("%q parses back as %q, want [before %q after]", b.String(), records, cell)
		}
	})
}

func TestAttachment(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Contact centre – ratings",
			`attachment; filename="contact-centre-ratings.csv"; filename*=UTF-8''Contact%20centre%20%E2%80%93%20ratings.csv`},
		{`+Évaluation "centre d'appels" – notes`,
			`attachment; filename="evaluation-centre-d-appels-notes.csv"; filename*=UTF-8''+%C3%89valuation%20%22centre%20d%27appels%22%20%E2%80%93%20notes.csv`},
		{"日本\r\nX-Injected: 1",
			`attachment; filename="x-injected-1.csv"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%0D%0AX-Injected%3A%201.csv`},
		{"日本", `attachment; filename="download.csv"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.csv`},
	} {
		if got := attachment(tc.name, ".csv"); got != tc.want {
			t.Errorf("attachment(%q) =\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}
