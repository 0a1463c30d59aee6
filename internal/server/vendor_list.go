package server

import (
	"bufio"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

const vendorsPerPage = 25

// vendorFilter reads the registry's search, filters and sort from the
// query: the same for the page and its CSV export.
func vendorFilter(lang i18n.Lang, q url.Values) (bpo.VendorFilter, error) {
	if err := checkQuery(q, "q", "country", "service", "sort", "dir"); err != nil {
		return bpo.VendorFilter{}, err
	}
	f := bpo.VendorFilter{
		Query:     strings.TrimSpace(q.Get("q")),
		Country:   strings.ToUpper(q.Get("country")),
		Service:   q.Get("service"),
		Archived:  q.Get("archived") == "1",
		Sort:      q.Get("sort"),
		Desc:      q.Get("dir") == "desc",
		Collation: i18n.Collation(lang),
	}
	if f.Sort != "" && !slices.Contains(bpo.VendorSorts, f.Sort) {
		return f, errBadRequest
	}
	for _, o := range countryOptions[lang] {
		f.CountryOrder = append(f.CountryOrder, o.Value)
	}
	// Teams are often bilingual: "Maroc" and "Morocco" find the same vendors.
	for _, l := range i18n.Langs {
		f.Countries = append(f.Countries, matchingCodes(countryOptions[l], f.Query)...)
		f.Services = append(f.Services, matchingCodes(serviceOptions(l), f.Query)...)
	}
	return f, nil
}

func (s *Server) showVendorList(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	q := r.URL.Query()
	f, err := vendorFilter(lang, q)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page := pageNumber(q)
	f.Offset, f.Limit = (page-1)*vendorsPerPage, vendorsPerPage
	vendors, total, err := s.vendors.FindVendors(r.Context(), f)
	var warnings map[int64][]string
	if err == nil {
		warnings, err = s.vendorWarnings(r.Context(), lang)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pageCount := max(1, (total+vendorsPerPage-1)/vendorsPerPage)
	view := pages.VendorListView{
		Total:     total,
		Query:     f.Query,
		Country:   components.Field{Label: i18n.T(lang, "vendor.country"), Value: f.Country, Options: countryOptions[lang]},
		Service:   components.Field{Label: i18n.T(lang, "vendor.services"), Value: f.Service, Options: serviceOptions(lang)},
		Archived:  f.Archived,
		PageLabel: i18n.T(lang, "pager.page_of", page, pageCount),
		CanEdit:   bpo.CanEditVendors(bpo.UserFromContext(r.Context())),
		Sort:      sortLinks(r.URL, f),
		CSVURL:    "/vendors.csv?" + withoutPage(q).Encode(),
	}
	if page > 1 {
		view.PrevURL = pageURL(r.URL, page-1)
	}
	if page < pageCount {
		view.NextURL = pageURL(r.URL, page+1)
	}
	for _, v := range vendors {
		view.Rows = append(view.Rows, pages.VendorRow{
			ID: v.ID, Name: v.Name, Country: i18n.CountryName(lang, v.Country),
			Services:  strings.Join(mapNames(lang, v.Services, serviceName), ", "),
			Languages: strings.Join(mapNames(lang, v.Languages, i18n.LanguageName), ", "),
			Headcount: headcountText(lang, v.Headcount), Archived: v.Archived, Warnings: warnings[v.ID],
		})
	}
	s.render(w, r, pages.VendorList(view))
}

func withoutPage(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "page" {
			out[k] = v
		}
	}
	return out
}

// sortLinks are the sortable columns' headers: each links to the list
// sorted by it, the other way round when it is the current sort.
func sortLinks(u *url.URL, f bpo.VendorFilter) map[string]pages.SortLink {
	current := cmpOr(f.Sort, "name")
	out := map[string]pages.SortLink{}
	for _, col := range bpo.VendorSorts {
		q := withoutPage(u.Query())
		q.Set("sort", col)
		q.Del("dir")
		link := pages.SortLink{}
		if col == current {
			link.State = "ascending"
			if f.Desc {
				link.State = "descending"
			} else {
				q.Set("dir", "desc")
			}
		}
		link.URL = "/vendors?" + q.Encode()
		out[col] = link
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// vendorExportLimit bounds one export: the whole registry of a large company.
const vendorExportLimit = 10000

// exportVendors downloads the registry as it is searched, filtered and
// sorted on the page, as CSV with the separator of the user's spreadsheet.
func (s *Server) exportVendors(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	f, err := vendorFilter(lang, r.URL.Query())
	var sep rune
	if err == nil {
		sep, err = csvSeparator(lang, r.URL.Query())
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f.Limit = vendorExportLimit
	vendors, _, err := s.vendors.FindVendors(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachment(i18n.T(lang, "vendors.file_name"), ".csv"))
	h.Set("Cache-Control", "no-store")
	buf := bufio.NewWriter(w)
	out := newCSV(buf, sep)
	header := make([]string, len(vendorColumns))
	for i, c := range vendorColumns {
		header[i] = i18n.T(lang, "vendors.column."+c)
	}
	_ = out.write(header...)
	for _, v := range vendors {
		headcount := ""
		if v.Headcount != nil {
			headcount = strconv.Itoa(*v.Headcount)
		}
		_ = out.write(v.Name, i18n.CountryName(lang, v.Country), strings.Join(mapNames(lang, v.Services, serviceName), ", "),
			strings.Join(mapNames(lang, v.Languages, i18n.LanguageName), ", "), headcount, v.Website,
			v.ContactName, v.ContactEmail, v.ContactPhone, yesNo(lang, v.Archived), v.UpdatedAt.UTC().Format(time.RFC3339))
	}
	if err := out.flush(); err != nil {
		s.log.WarnContext(r.Context(), "vendor export interrupted", "error", err)
	}
}

// vendorColumns are the catalog keys of the vendor export's header row.
var vendorColumns = []string{"name", "country", "services", "languages", "headcount", "website",
	"contact_name", "contact_email", "contact_phone", "archived", "updated_at"}
