package server

import (
	"net/url"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]float64{
		"2100": 2100, "2100.5": 2100.5, "2100,5": 2100.5, "2 100,50": 2100.5, "2\u202f100": 2100,
		"0,125": 0.125, "-3": -3, "2,10": 2.1, "12,5": 12.5,
	} {
		got, present, err := parseDecimal(in)
		if err != nil || !present || got != want {
			t.Errorf("parseDecimal(%q) = %v, %v, %v; want %v", in, got, present, err, want)
		}
	}
	for _, in := range []string{"2,100", "1,234,567", "abc", "NaN", "Inf", "1e999", "1.2.3", "0x1p4", "1_000", "٣"} {
		if _, _, err := parseDecimal(in); err == nil {
			t.Errorf("parseDecimal(%q) accepted", in)
		}
	}
	if _, present, err := parseDecimal("  "); present || err != nil {
		t.Error("blank is not absent")
	}
	// Three decimals after one to three digits read as thousands in French
	// ("12,125"): what the edit form shows must still read back.
	for _, v := range []float64{2100, 2100.25, 0.125, 1e-7, 123456789, 1.001, 12.125, -999.999, 1234.567} {
		for _, lang := range i18n.Langs {
			got, _, err := parseDecimal(inputNumber(lang, v))
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
