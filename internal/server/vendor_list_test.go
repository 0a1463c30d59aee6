package server_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// TestVendorSearchIgnoresAccentsAndCase: "teranga", "ile" and "wisla"
// find Téranga, Île Rouge and Wisła; names sort in the user's language,
// by any sortable column, both ways; the export follows the page.
func TestVendorSearchIgnoresAccentsAndCase(t *testing.T) {
	a := newApp(t)
	for _, v := range []bpo.VendorInput{
		{Name: "Wisła Outsourcing", Country: "PL"},
		{Name: "Téranga Contact", Country: "SN", Headcount: ptr(900)},
		{Name: "Île Rouge Data Services", Country: "MG", Headcount: ptr(650)},
		{Name: "atlas Voice", Country: "MA", Headcount: ptr(120)},
		{Name: "Élodie Services", Country: "FR"},
	} {
		a.vendor(v)
	}
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	names := func(path string, header ...string) []string {
		t.Helper()
		return mgr.get(path, header...).doc(t).Find("[data-testid=vendor-row] td:first-child a").Map(func(_ int, s *goquery.Selection) string {
			return s.Text()
		})
	}
	for q, want := range map[string]string{"teranga": "Téranga Contact", "ile": "Île Rouge Data Services", "WISLA": "Wisła Outsourcing", "élodie": "Élodie Services"} {
		if got := names("/vendors?q=" + q); len(got) != 1 || got[0] != want {
			t.Errorf("search %q found %v, want %s", q, got, want)
		}
	}
	for _, tc := range []struct{ path, lang, want string }{
		{"/vendors", "en", "atlas Voice|Élodie Services|Île Rouge Data Services|Téranga Contact|Wisła Outsourcing"},
		{"/vendors", "fr", "atlas Voice|Élodie Services|Île Rouge Data Services|Téranga Contact|Wisła Outsourcing"},
		{"/vendors?sort=name&dir=desc", "en", "Wisła Outsourcing|Téranga Contact|Île Rouge Data Services|Élodie Services|atlas Voice"},
		{"/vendors?sort=headcount&dir=desc", "en", "Téranga Contact|Île Rouge Data Services|atlas Voice|Élodie Services|Wisła Outsourcing"},
		// By country name in the user's language: France, Madagascar, Maroc, Pologne, Sénégal.
		{"/vendors?sort=country", "fr", "Élodie Services|Île Rouge Data Services|atlas Voice|Wisła Outsourcing|Téranga Contact"},
	} {
		if got := strings.Join(names(tc.path, "Accept-Language", tc.lang), "|"); got != tc.want {
			t.Errorf("%s (%s): %s, want %s", tc.path, tc.lang, got, tc.want)
		}
	}
	d := mgr.get("/vendors?sort=headcount").doc(t)
	if got := d.Find("th[aria-sort=ascending] [data-testid=sort-headcount]").Length(); got != 1 {
		t.Error("the sorted column is not marked")
	}
	if href := d.Find("[data-testid=sort-headcount]").AttrOr("href", ""); !strings.Contains(href, "dir=desc") {
		t.Errorf("the sorted column's header links to %q, want the other direction", href)
	}
	if res := mgr.get("/vendors?sort=password"); res.StatusCode != 400 {
		t.Errorf("unknown sort: status %d", res.StatusCode)
	}

	href := mgr.get("/vendors?q=ile", "Accept-Language", "fr").doc(t).Find("[data-testid=export-vendors]").AttrOr("href", "")
	records := readCSV(t, mgr.get(href, "Accept-Language", "fr"), ';')
	if len(records) != 2 || records[0][0] != "Nom" || records[1][0] != "Île Rouge Data Services" || records[1][1] != "Madagascar" || records[1][4] != "650" {
		t.Errorf("export of the search = %q", records)
	}
}

func ptr[T any](v T) *T { return &v }
