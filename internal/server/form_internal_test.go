package server

import (
	"net/url"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

func TestParseNumber(t *testing.T) {
	accepted := map[i18n.Lang]map[string]float64{
		i18n.EN: {"2100": 2100, "2100.5": 2100.5, "2\u2009100.5": 2100.5, "2\u202f100": 2100, "2\u00a0100": 2100,
			"2'100.25": 2100.25, "1\u2019234\u2019567": 1234567, "-3": -3, "+5": 5, ".5": 0.5, "5.": 5, " 12.5 ": 12.5},
		i18n.FR: {"2100": 2100, "2100,5": 2100.5, "2 100,50": 2100.5, "2\u202f100": 2100, "0,125": 0.125,
			"12,125": 12.125, "2,100": 2.1, "1'234,5": 1234.5, "-3": -3, ",5": 0.5},
	}
	refused := map[i18n.Lang]map[string]string{
		i18n.EN: {"3,100": "error.field.number_ambiguous", "295,5": "error.field.number_ambiguous", "1,234,567": "error.field.number_ambiguous",
			"3 350": "error.field.number", "2\u200910": "error.field.number", "1234\u2009567": "error.field.number",
			"abc": "error.field.number", "NaN": "error.field.number", "Inf": "error.field.number", "1e3": "error.field.number",
			"1.2.3": "error.field.number", "0x1p4": "error.field.number", "1_000": "error.field.number", "٣": "error.field.number",
			"-": "error.field.number", ".": "error.field.number", "2\u2009100\u200910": "error.field.number", "1e999": "error.field.number"},
		i18n.FR: {"3.100": "error.field.number_ambiguous", "3.5": "error.field.number_ambiguous", "1.234,5": "error.field.number_ambiguous",
			"2 10": "error.field.number", "1,2,3": "error.field.number", "999999999999999": "error.field.number"},
	}
	for _, lang := range i18n.Langs {
		for in, want := range accepted[lang] {
			got, present, err := parseNumber(lang, in)
			if err != nil || !present || got != want {
				t.Errorf("%s: parseNumber(%q) = %v, %v, %v; want %v", lang, in, got, present, err, want)
			}
		}
		for in, key := range refused[lang] {
			_, _, err := parseNumber(lang, in)
			if got := bpo.ErrorMessage(err).Key; err == nil || got != key {
				t.Errorf("%s: parseNumber(%q): %v (%s), want %s", lang, in, err, got, key)
			}
		}
		if _, present, err := parseNumber(lang, "  "); present || err != nil {
			t.Errorf("%s: blank is not absent", lang)
		}
		for _, v := range []float64{2100, 2100.25, 0.125, 1e-7, 123456789, 1.001, 12.125, -999.999, 1234.567} {
			got, _, err := parseNumber(lang, inputNumber(lang, v))
			if err != nil || got != v {
				t.Errorf("%s: %v → %q → %v, %v", lang, v, inputNumber(lang, v), got, err)
			}
		}
	}
}

func TestFormVersion(t *testing.T) {
	for in, want := range map[string]int{"0": 0, "7": 7, "2147483647": 2147483647} {
		if got, err := formVersion(url.Values{"version": {in}}); err != nil || got != want {
			t.Errorf("formVersion(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// Versions are PostgreSQL integers: a larger number cannot be one, and
	// would fail in the database instead of being refused here.
	for _, in := range []string{"", "-1", "abc", "1e3", "2147483648", "9223372036854775807", "99999999999999999999"} {
		if _, err := formVersion(url.Values{"version": {in}}); bpo.ErrorCode(err) != "bad_request" {
			t.Errorf("formVersion(%q): %v, want a bad request", in, err)
		}
	}
}

func TestPageNumber(t *testing.T) {
	for in, want := range map[string]int{"": 1, "0": 1, "-5": 1, "3": 3, "x": 1, "1000000": 1000000,
		"368934881474191034": maxPage, "9223372036854775807": maxPage} {
		if got := pageNumber(url.Values{"page": {in}}); got != want {
			t.Errorf("pageNumber(%q) = %d, want %d", in, got, want)
		}
	}
}
