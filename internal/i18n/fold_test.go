package i18n_test

import (
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/i18n"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Téranga": "teranga", "Île Rouge": "ile rouge", "Wisła BPO": "wisla bpo", "ÉLODIE": "elodie",
		"Ørsted": "orsted", "Straße": "strasse", "Ça va": "ca va", "plain": "plain",
	} {
		if got := i18n.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortNames(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		in   []string
		want []string
	}{
		{i18n.EN, []string{"Wisła", "Île Rouge", "atlas", "Élodie", "Zed"}, []string{"atlas", "Élodie", "Île Rouge", "Wisła", "Zed"}},
		{i18n.FR, []string{"Wisła", "Île Rouge", "Élodie", "eric", "Zoé"}, []string{"Élodie", "eric", "Île Rouge", "Wisła", "Zoé"}},
	} {
		got := slices.Clone(tc.in)
		i18n.SortNames(tc.lang, got, func(s string) string { return s })
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.lang, got, tc.want)
		}
	}
}
