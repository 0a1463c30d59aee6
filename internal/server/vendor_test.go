package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/bpoeval/bpoeval/internal/bpo"
)

func validVendorForm() url.Values {
	return url.Values{
		"name":          {"Atlas Relation Client"},
		"country":       {"MA"},
		"website":       {"https://atlas.example"},
		"contact_name":  {"Yasmine El Idrissi"},
		"contact_email": {"y@atlas.example"},
		"contact_phone": {"+212 522 40 17 80"},
		"services":      {"customer_support", "collections"},
		"languages":     {"fr", "ar"},
		"headcount":     {"2400"},
		"notes":         {"Casablanca site.\nISO 27001."},
	}
}

func TestCreateVendor(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)

	res := c.post("/vendors", validVendorForm())
	if got, want := res.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("status = %d, want %d\n%s", got, want, res.body)
	}
	page := c.get(res.Header.Get("Location")).doc(t)
	if got := text(page, "[data-testid=vendor-name]"); got != "Atlas Relation Client" {
		t.Errorf("name = %q", got)
	}
	if got := text(page, "[data-testid=vendor-country]"); got != "Morocco" {
		t.Errorf("country = %q", got)
	}
	if got := text(page, "[data-testid=flash]"); got != "Vendor created." {
		t.Errorf("flash = %q", got)
	}
	if got := page.Find("[data-testid=vendor-notes]").Text(); got != "Casablanca site.\nISO 27001." {
		t.Errorf("notes = %q", got)
	}
}

func TestCreateVendorRefusesBadInputAndKeepsIt(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	form := validVendorForm()
	form.Set("name", "  ")
	form.Set("country", "XX")
	form.Set("website", "javascript:alert(1)")
	form.Set("headcount", "-3")
	form.Set("contact_email", "not an address")

	res := c.post("/vendors", form)
	if got, want := res.StatusCode, http.StatusUnprocessableEntity; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	d := res.doc(t)
	for field, want := range map[string]string{
		"name":          "Required.",
		"country":       "Choose a country from the list.",
		"website":       "Enter a full web address starting with http:// or https://.",
		"headcount":     "Enter a number from 0 to 10000000.",
		"contact_email": "Not a valid e-mail address.",
	} {
		if got := text(d, "[data-testid=error-"+field+"]"); got != want {
			t.Errorf("%s: message = %q, want %q", field, got, want)
		}
	}
	if v, _ := d.Find("#website").Attr("value"); v != "javascript:alert(1)" {
		t.Errorf("website typed was not kept: %q", v)
	}
	if v, _ := d.Find("#contact_name").Attr("value"); v != "Yasmine El Idrissi" {
		t.Errorf("valid field not kept: %q", v)
	}
	if n := d.Find(`input[name=services]:checked`).Length(); n != 2 {
		t.Errorf("%d services still checked, want 2", n)
	}
	if _, total, _ := a.vendors.FindVendors(a.adminCtx(), bpo.VendorFilter{}); total != 0 {
		t.Errorf("%d vendors stored after a refused form", total)
	}
}

func TestCreateVendorRefusesDuplicateNameIgnoringCase(t *testing.T) {
	a := newApp(t)
	a.vendor(bpo.VendorInput{Name: "Atlas Relation Client", Country: "MA"})
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	form := validVendorForm()
	form.Set("name", "ATLAS relation client")
	res := c.post("/vendors", form)
	if got, want := res.StatusCode, http.StatusUnprocessableEntity; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got := text(res.doc(t), "[data-testid=error-name]"); got != "Another vendor already has this name." {
		t.Errorf("message = %q", got)
	}
}

func TestVendorFormHostileInput(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	existing := a.vendor(bpo.VendorInput{Name: "Existing", Country: "FR"})

	cases := map[string]struct {
		field, value string
		status       int
	}{
		"OversizedName":     {"name", strings.Repeat("n", 201), http.StatusUnprocessableEntity},
		"OversizedNotes":    {"notes", strings.Repeat("é", 5001), http.StatusUnprocessableEntity},
		"OversizedBody":     {"notes", strings.Repeat("x", 2<<20), http.StatusRequestEntityTooLarge},
		"InvalidUTF8":       {"name", "Atlas \xff\xfe", http.StatusUnprocessableEntity},
		"NULByte":           {"contact_name", "Yas\x00mine", http.StatusUnprocessableEntity},
		"NegativeHeadcount": {"headcount", "-1", http.StatusUnprocessableEntity},
		"HugeHeadcount":     {"headcount", "99999999999999999999", http.StatusUnprocessableEntity},
		"FloatHeadcount":    {"headcount", "1e3", http.StatusUnprocessableEntity},
		"NaNHeadcount":      {"headcount", "NaN", http.StatusUnprocessableEntity},
		"UnknownService":    {"services", "hacking", http.StatusUnprocessableEntity},
		"UnknownLanguage":   {"languages", "xx", http.StatusUnprocessableEntity},
		"UnknownCountry":    {"country", "ZZ", http.StatusUnprocessableEntity},
		"SQLInName":         {"name", "x'); DROP TABLE vendors; --", http.StatusSeeOther},
		"ScriptInName":      {"name", `<script>alert("x")</script>`, http.StatusSeeOther},
		"ScriptInNotes":     {"notes", `<img src=x onerror=alert(1)>`, http.StatusSeeOther},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			form := validVendorForm()
			form.Set("name", "Hostile "+name)
			form.Set(tc.field, tc.value)
			res := c.post("/vendors", form)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
			}
			if res.StatusCode == http.StatusUnprocessableEntity && res.doc(t).Find(".field-error").Length() == 0 {
				t.Error("refused without a field message")
			}
			if res.StatusCode >= 400 && res.StatusCode != http.StatusUnprocessableEntity &&
				text(res.doc(t), "[data-testid=error] p") == "" {
				t.Error("error page without a message")
			}
			if res.StatusCode == http.StatusSeeOther {
				// Stored as typed, shown escaped.
				page := c.get(res.Header.Get("Location"))
				if strings.Contains(page.body, tc.value) && strings.ContainsAny(tc.value, "<>") {
					t.Errorf("payload appears unescaped in the page")
				}
				if got := text(page.doc(t), "[data-testid=vendor-name]"); tc.field == "name" && got != tc.value {
					t.Errorf("name shown as %q, want %q", got, tc.value)
				}
			}
		})
	}

	t.Run("UnknownIDs", func(t *testing.T) {
		for _, path := range []string{"/vendors/999999", "/vendors/abc", "/vendors/-1", "/vendors/999999/edit"} {
			if res := c.get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, res.StatusCode)
			}
		}
		form := validVendorForm()
		form.Set("version", "1")
		if res := c.post("/vendors/999999", form); res.StatusCode != http.StatusNotFound {
			t.Errorf("POST unknown vendor: status %d, want 404", res.StatusCode)
		}
	})
	t.Run("BadVersion", func(t *testing.T) {
		form := validVendorForm()
		for _, v := range []string{"", "abc", "-1", "1e9"} {
			form.Set("version", v)
			if res := c.post(fmt.Sprintf("/vendors/%d", existing.ID), form); res.StatusCode != http.StatusBadRequest {
				t.Errorf("version %q: status %d, want 400", v, res.StatusCode)
			}
		}
	})
	t.Run("RepeatedFieldsFlood", func(t *testing.T) {
		form := validVendorForm()
		for i := 0; i < 2000; i++ {
			form.Add("languages", "fr")
		}
		if res := c.post("/vendors", form); res.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", res.StatusCode)
		}
	})
}

func TestStaleVendorEditGetsConflict(t *testing.T) {
	a := newApp(t)
	v := a.vendor(bpo.VendorInput{Name: "Cebu Care Connect", Country: "PH", Notes: "original"})
	alice := a.signIn("alice@example.test", bpo.RoleManager)
	bob := a.signIn("bob@example.test", bpo.RoleManager)
	path := fmt.Sprintf("/vendors/%d", v.ID)

	formFrom := func(notes string) url.Values {
		f := url.Values{"name": {"Cebu Care Connect"}, "country": {"PH"}, "notes": {notes}}
		f.Set("version", strconv.Itoa(v.Version))
		return f
	}
	if res := alice.post(path, formFrom("alice's note")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: status %d", res.StatusCode)
	}
	res := bob.post(path, formFrom("bob's note"))
	if got, want := res.StatusCode, http.StatusConflict; got != want {
		t.Fatalf("stale save: status = %d, want %d", got, want)
	}
	d := res.doc(t)
	conflict := d.Find("[data-testid=conflict]")
	if conflict.Length() == 0 || !strings.Contains(conflict.Text(), "alice's note") || !strings.Contains(conflict.Text(), "bob's note") {
		t.Errorf("conflict panel does not show both versions: %q", conflict.Text())
	}
	if got := d.Find("#notes").Text(); got != "bob's note" {
		t.Errorf("bob's input was not kept: %q", got)
	}
	stored, _ := a.vendors.FindVendorByID(a.adminCtx(), v.ID)
	if stored.Notes != "alice's note" {
		t.Errorf("stored notes = %q: the stale edit overwrote", stored.Notes)
	}
	// The form now carries the current version: saving again is deliberate.
	ver, _ := d.Find("input[name=version]").Attr("value")
	again := formFrom("bob's note")
	again.Set("version", ver)
	if res := bob.post(path, again); res.StatusCode != http.StatusSeeOther {
		t.Errorf("deliberate re-save: status %d", res.StatusCode)
	}
}

func TestArchiveVendor(t *testing.T) {
	a := newApp(t)
	v := a.vendor(bpo.VendorInput{Name: "Teranga", Country: "SN"})
	a.vendor(bpo.VendorInput{Name: "Atlas", Country: "MA"})
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	if got := text(c.get("/").doc(t), "[data-testid=vendor-count]"); !strings.HasPrefix(got, "2 ") {
		t.Errorf("dashboard before archiving: %q", got)
	}
	ver := url.Values{"version": {strconv.Itoa(v.Version)}}
	if res := c.post(fmt.Sprintf("/vendors/%d/archive", v.ID), ver); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("archive: status %d", res.StatusCode)
	}
	if got := text(c.get("/").doc(t), "[data-testid=vendor-count]"); !strings.HasPrefix(got, "1 ") {
		t.Errorf("the dashboard counts an archived vendor: %q", got)
	}
	if n := c.get("/vendors").doc(t).Find("[data-testid=vendor-row]").Length(); n != 1 {
		t.Errorf("%d vendors listed by default, want the one not archived", n)
	}
	if n := c.get("/vendors?archived=1").doc(t).Find("[data-testid=vendor-row]").Length(); n != 1 {
		t.Errorf("archived list has %d rows, want 1", n)
	}
	// The same, now stale, version cannot restore it.
	if res := c.post(fmt.Sprintf("/vendors/%d/unarchive", v.ID), ver); res.StatusCode != http.StatusConflict {
		t.Errorf("stale unarchive: status %d, want 409", res.StatusCode)
	}
}

func TestVendorSearch(t *testing.T) {
	a := newApp(t)
	a.vendor(bpo.VendorInput{Name: "Atlas Relation Client", Country: "MA", Services: []string{"customer_support"}})
	a.vendor(bpo.VendorInput{Name: "Deccan Process Partners", Country: "IN", Services: []string{"payroll"}})
	a.vendor(bpo.VendorInput{Name: "100% Sourcing_Co", Country: "PL"})
	for i := 0; i < 30; i++ {
		a.vendor(bpo.VendorInput{Name: fmt.Sprintf("Filler %02d", i), Country: "PH"})
	}
	c := a.signIn("eva@example.test", bpo.RoleEvaluator)
	names := func(path string) []string {
		var out []string
		c.get(path).doc(t).Find("[data-testid=vendor-row] td:first-child a").Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.Text())
		})
		return out
	}
	for name, tc := range map[string]struct {
		path string
		want []string
	}{
		"ByName":            {"/vendors?q=deccan", []string{"Deccan Process Partners"}},
		"ByCountryEnglish":  {"/vendors?q=morocco", []string{"Atlas Relation Client"}},
		"ByCountryFrench":   {"/vendors?q=Maroc", []string{"Atlas Relation Client"}},
		"ByServiceLabel":    {"/vendors?q=payroll", []string{"Deccan Process Partners"}},
		"ByServiceFrench":   {"/vendors?q=paie", []string{"Deccan Process Partners"}},
		"LikeMetacharacter": {"/vendors?q=%25", []string{"100% Sourcing_Co"}},
		"CountryFilter":     {"/vendors?country=IN", []string{"Deccan Process Partners"}},
		"ServiceFilter":     {"/vendors?service=customer_support", []string{"Atlas Relation Client"}},
		"NoMatch":           {"/vendors?q=zzz", nil},
	} {
		t.Run(name, func(t *testing.T) {
			if got := names(tc.path); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%s: got %q, want %q", tc.path, got, tc.want)
			}
		})
	}
	t.Run("Pagination", func(t *testing.T) {
		first := c.get("/vendors").doc(t)
		if n := first.Find("[data-testid=vendor-row]").Length(); n != 25 {
			t.Errorf("first page has %d rows, want 25", n)
		}
		next, ok := first.Find("a[rel=next]").Attr("href")
		if !ok {
			t.Fatal("no next link")
		}
		second := c.get(next).doc(t)
		if n := second.Find("[data-testid=vendor-row]").Length(); n != 8 {
			t.Errorf("second page has %d rows, want 8", n)
		}
		if got := text(second, "[data-testid=vendor-total]"); got != "33 vendors" {
			t.Errorf("total = %q", got)
		}
		if got := text(c.get("/vendors?page=9").doc(t), "[data-testid=vendor-total]"); got != "33 vendors" {
			t.Errorf("past the last page, total = %q", got)
		}
	})
}

func TestEvaluatorsReadVendorsButCannotWrite(t *testing.T) {
	a := newApp(t)
	v := a.vendor(bpo.VendorInput{Name: "Wisła Shared Services", Country: "PL"})
	c := a.signIn("eva@example.test", bpo.RoleEvaluator)
	if res := c.get("/vendors"); res.StatusCode != http.StatusOK || res.doc(t).Find("[data-testid=new-vendor]").Length() != 0 {
		t.Errorf("evaluator list: status %d, or a New button is shown", res.StatusCode)
	}
	if res := c.get(fmt.Sprintf("/vendors/%d", v.ID)); res.StatusCode != http.StatusOK {
		t.Errorf("evaluator read: status %d", res.StatusCode)
	}
	ver := strconv.Itoa(v.Version)
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/vendors/new", nil},
		{"GET", fmt.Sprintf("/vendors/%d/edit", v.ID), nil},
		{"POST", "/vendors", validVendorForm()},
		{"POST", fmt.Sprintf("/vendors/%d", v.ID), url.Values{"version": {ver}, "name": {"Renamed"}, "country": {"PL"}}},
		{"POST", fmt.Sprintf("/vendors/%d/archive", v.ID), url.Values{"version": {ver}}},
	} {
		var res *response
		if tc.method == "GET" {
			res = c.get(tc.path)
		} else {
			res = c.post(tc.path, tc.form)
		}
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s: status %d, want 403", tc.method, tc.path, res.StatusCode)
		}
	}
	stored, _ := a.vendors.FindVendorByID(a.adminCtx(), v.ID)
	if stored.Name != "Wisła Shared Services" || stored.Archived {
		t.Errorf("an evaluator changed the vendor: %+v", stored)
	}
}

// TestVendorSearchRefusesMalformedQueries sends the vendor list search
// parameters nobody can type in its form: a clear 400, never a fault. A
// page number far past the end is the last page, not an overflow.
func TestVendorSearchRefusesMalformedQueries(t *testing.T) {
	a := newApp(t)
	c := a.signIn("eva@example.test", bpo.RoleEvaluator)
	for name, query := range map[string]url.Values{
		"InvalidUTF8":        {"q": {"atlas\xff"}},
		"NUL":                {"q": {"atl\x00as"}},
		"CountryInvalidUTF8": {"country": {"\xfe"}},
		"ServiceNUL":         {"service": {"customer\x00support"}},
	} {
		t.Run(name, func(t *testing.T) {
			res := c.get("/vendors?" + query.Encode())
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", res.StatusCode)
			}
			if msg := text(res.doc(t), "[data-testid=error] p"); msg == "" {
				t.Error("no message")
			}
		})
	}
	for _, page := range []string{"368934881474191034", "9223372036854775807", "-3"} {
		if res := c.get("/vendors?page=" + page); res.StatusCode != http.StatusOK {
			t.Errorf("page %s: status %d, want 200", page, res.StatusCode)
		}
	}
}
