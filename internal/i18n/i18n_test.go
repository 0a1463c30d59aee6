package i18n_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/i18n"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	en, fr := i18n.Keys(i18n.EN), i18n.Keys(i18n.FR)
	inFR := make(map[string]bool, len(fr))
	for _, k := range fr {
		inFR[k] = true
	}
	for _, k := range en {
		if !inFR[k] {
			t.Errorf("key %q is in English but not in French", k)
		}
		delete(inFR, k)
	}
	for k := range inFR {
		t.Errorf("key %q is in French but not in English", k)
	}
	for _, lang := range i18n.Langs {
		for _, k := range i18n.Keys(lang) {
			if strings.TrimSpace(i18n.T(lang, k)) == "" {
				t.Errorf("%s: key %q has an empty message", lang, k)
			}
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]i18n.Lang{
		"":                        i18n.EN,
		"fr-FR,fr;q=0.9,en;q=0.8": i18n.FR,
		"de-DE,en;q=0.5,fr;q=0.7": i18n.FR,
		"de":                      i18n.EN,
		"en-GB,en;q=0.9":          i18n.EN,
		"fr;q=bogus,en":           i18n.EN,
	} {
		if got := i18n.FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		v    float64
		dec  int
		want string
	}{
		{i18n.EN, 78.25, 1, "78.2"},
		{i18n.FR, 78.26, 1, "78,3"},
		{i18n.EN, 1234567.5, 2, "1,234,567.50"},
		{i18n.FR, 1234567.5, 0, "1\u202f234\u202f568"},
		{i18n.EN, -3, 0, "-3"},
		{i18n.EN, -0.001, 1, "0.0"},
	} {
		if got := i18n.Number(tc.lang, tc.v, tc.dec); got != tc.want {
			t.Errorf("Number(%s, %v, %d) = %q, want %q", tc.lang, tc.v, tc.dec, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, 2, 3, 14, 5, 0, 0, time.UTC)
	if got := i18n.Date(i18n.FR, d); got != "3 févr. 2026" {
		t.Errorf("French date = %q", got)
	}
	if got := i18n.DateTime(i18n.EN, d); got != "3 Feb 2026 14:05" {
		t.Errorf("English date-time = %q", got)
	}
}

func TestN(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		n    int
		want string
	}{
		{i18n.EN, 0, "0 vendors"}, {i18n.EN, 1, "1 vendor"}, {i18n.EN, 2, "2 vendors"},
		{i18n.FR, 0, "0 prestataire"}, {i18n.FR, 1, "1 prestataire"}, {i18n.FR, 3, "3 prestataires"},
	} {
		if got := i18n.N(tc.lang, "vendors.count", tc.n); got != tc.want {
			t.Errorf("N(%s, %d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestUnit(t *testing.T) {
	for _, tc := range []struct {
		lang       i18n.Lang
		unit, want string
	}{
		{i18n.FR, "days", "jours"}, {i18n.EN, "days", "days"},
		{i18n.FR, "EUR", "EUR"}, {i18n.FR, "s", "s"}, {i18n.FR, "", ""},
		{i18n.FR, "tickets/agent", "tickets/agent"}, // typed by a manager: shown as typed
	} {
		if got := i18n.Unit(tc.lang, tc.unit); got != tc.want {
			t.Errorf("Unit(%s, %q) = %q, want %q", tc.lang, tc.unit, got, tc.want)
		}
	}
}
