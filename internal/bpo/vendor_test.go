package bpo_test

import (
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

func TestVendorWebsiteWithoutScheme(t *testing.T) {
	for typed, want := range map[string]string{
		"atlas.example":          "https://atlas.example",
		" www.atlas.example/fr ": "https://www.atlas.example/fr",
		"http://atlas.example":   "http://atlas.example",
		"javascript:alert(1)":    "javascript:alert(1)",
		"":                       "",
	} {
		in := bpo.VendorInput{Name: "Atlas", Country: "MA", Website: typed}
		in.Normalize()
		if in.Website != want {
			t.Errorf("%q normalised to %q, want %q", typed, in.Website, want)
		}
	}
	in := bpo.VendorInput{Name: "Atlas", Country: "MA", Website: "atlas.example"}
	in.Normalize()
	if err := in.Validate(); err != nil {
		t.Errorf("a website without a scheme is refused: %v", err)
	}
}

func TestKeyFromName(t *testing.T) {
	for name, want := range map[string]string{
		"Cultural fit":                "cultural_fit",
		"Qualité de service (Maroc)":  "qualite_de_service_maroc",
		"  Average handle time (AHT)": "average_handle_time_aht",
		"24/7 coverage":               "coverage",
		"Œuvre":                       "uvre",
		"":                            "",
	} {
		if got := bpo.KeyFromName(name); got != want {
			t.Errorf("KeyFromName(%q) = %q, want %q", name, got, want)
		}
	}
	long := bpo.KeyFromName("a very long criterion name that goes on and on well past the sixty three characters a key may have")
	if len(long) > 63 || long[len(long)-1] == '_' {
		t.Errorf("long key %q", long)
	}
}
