package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// pathVendor loads the vendor named in the path, answering the request
// itself when there is none.
func (s *Server) pathVendor(w http.ResponseWriter, r *http.Request) (*bpo.Vendor, bool) {
	id, err := pathID(r, "vendorID")
	var v *bpo.Vendor
	if err == nil {
		v, err = s.vendors.FindVendorByID(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return v, true
}

func (s *Server) showVendor(w http.ResponseWriter, r *http.Request) {
	v, ok := s.pathVendor(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	warnings, contracts, err := s.vendorContracts(r.Context(), lang, v.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.VendorShow(pages.VendorShowView{
		Warnings: warnings, Contracts: contracts,
		Vendor:    v,
		Country:   i18n.CountryName(lang, v.Country),
		Services:  mapNames(lang, v.Services, serviceName),
		Languages: mapNames(lang, v.Languages, i18n.LanguageName),
		Headcount: headcountText(lang, v.Headcount),
		Updated:   i18n.DateTime(lang, v.UpdatedAt),
		CanEdit:   bpo.CanEditVendors(bpo.UserFromContext(r.Context())),
		Flash:     s.popFlash(r),
	}))
}

func (s *Server) showNewVendorPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, pages.VendorForm(s.vendorFormView(r, 0, "", 0, bpo.VendorInput{}, nil)))
}

func (s *Server) showEditVendorPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.pathVendor(w, r)
	if !ok {
		return
	}
	s.render(w, r, pages.VendorForm(s.vendorFormView(r, v.ID, v.Name, v.Version, vendorInputOf(v), nil)))
}

func (s *Server) createVendor(w http.ResponseWriter, r *http.Request) {
	form, err := parseForm(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	in, problems := decodeVendorForm(form)
	var v *bpo.Vendor
	if err = problems.Err(); err == nil {
		v, err = s.vendors.CreateVendor(r.Context(), in)
	}
	if bpo.ErrorCode(err) == bpo.EINVALID {
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.VendorForm(s.vendorFormView(r, 0, "", 0, in, mergeProblems(problems, err))))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), "flash", "vendor.created")
	http.Redirect(w, r, fmt.Sprintf("/vendors/%d", v.ID), http.StatusSeeOther)
}

func (s *Server) updateVendor(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.pathForm(w, r, "vendorID")
	if !ok {
		return
	}
	in, problems := decodeVendorForm(form)
	var err error
	if err = problems.Err(); err == nil {
		_, err = s.vendors.UpdateVendor(r.Context(), id, version, in)
	}
	switch bpo.ErrorCode(err) {
	case "":
		s.sessions.Put(r.Context(), "flash", "vendor.saved")
		http.Redirect(w, r, fmt.Sprintf("/vendors/%d", id), http.StatusSeeOther)
	case bpo.EINVALID:
		s.renderStatus(w, r, http.StatusUnprocessableEntity,
			pages.VendorForm(s.vendorFormView(r, id, form.Get("name"), version, in, mergeProblems(problems, err))))
	case bpo.ECONFLICT:
		s.showVendorConflict(w, r, id, in)
	default:
		s.Error(w, r, err)
	}
}

// showVendorConflict answers a stale edit with 409: the form keeps what the
// user typed, shows what the other person changed, and now carries the
// current version, so saving again is a deliberate choice.
func (s *Server) showVendorConflict(w http.ResponseWriter, r *http.Request, id int64, in bpo.VendorInput) {
	current, err := s.vendors.FindVendorByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	view := s.vendorFormView(r, id, current.Name, current.Version, in, nil)
	view.Conflict = vendorDiff(s.lang(r), vendorInputOf(current), in)
	if len(view.Conflict) == 0 {
		// Only the archive state changed; still never overwrite silently.
		view.Conflict = []pages.ConflictRow{{Label: i18n.T(s.lang(r), "vendor.archived"),
			Theirs: yesNo(s.lang(r), current.Archived), Yours: yesNo(s.lang(r), !current.Archived)}}
	}
	s.renderStatus(w, r, http.StatusConflict, pages.VendorForm(view))
}

func (s *Server) archiveVendor(w http.ResponseWriter, r *http.Request)   { s.setArchived(w, r, true) }
func (s *Server) unarchiveVendor(w http.ResponseWriter, r *http.Request) { s.setArchived(w, r, false) }

func (s *Server) setArchived(w http.ResponseWriter, r *http.Request, archived bool) {
	id, _, version, ok := s.pathForm(w, r, "vendorID")
	if !ok {
		return
	}
	if _, err := s.vendors.SetVendorArchived(r.Context(), id, version, archived); err != nil {
		s.Error(w, r, err)
		return
	}
	flash := "vendor.unarchived"
	if archived {
		flash = "vendor.archived_done"
	}
	s.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(w, r, fmt.Sprintf("/vendors/%d", id), http.StatusSeeOther)
}

func vendorInputOf(v *bpo.Vendor) bpo.VendorInput {
	return bpo.VendorInput{
		Name: v.Name, Country: v.Country, Website: v.Website, ContactName: v.ContactName,
		ContactEmail: v.ContactEmail, ContactPhone: v.ContactPhone, Services: v.Services,
		Languages: v.Languages, Headcount: v.Headcount, Notes: v.Notes,
	}
}

func (s *Server) vendorFormView(r *http.Request, id int64, name string, version int, in bpo.VendorInput, problems bpo.Problems) pages.VendorFormView {
	lang := s.lang(r)
	errs := s.fieldErrors(r, problems.Err())
	field := func(name, labelKey string, value string) components.Field {
		return components.Field{Name: name, Label: i18n.T(lang, labelKey), Value: value, Error: errs[name]}
	}
	headcount := ""
	if in.Headcount != nil {
		headcount = strconv.Itoa(*in.Headcount)
	}
	f := pages.VendorFields{
		Name:         field("name", "vendor.name", in.Name),
		Country:      field("country", "vendor.country", in.Country),
		Website:      field("website", "vendor.website", in.Website),
		ContactName:  field("contact_name", "vendor.contact_name", in.ContactName),
		ContactEmail: field("contact_email", "vendor.contact_email", in.ContactEmail),
		ContactPhone: field("contact_phone", "vendor.contact_phone", in.ContactPhone),
		Services:     field("services", "vendor.services", ""),
		Languages:    field("languages", "vendor.languages", ""),
		Headcount:    field("headcount", "vendor.headcount", headcount),
		Notes:        field("notes", "vendor.notes", in.Notes),
	}
	f.Name.Required, f.Name.Max = true, bpo.VendorNameMax
	f.Country.Required, f.Country.Options = true, countryOptions[lang]
	f.Website.Type, f.Website.Help = "url", i18n.T(lang, "vendor.website_help")
	f.ContactName.Max = bpo.VendorTextMax
	f.ContactEmail.Type = "email"
	f.ContactPhone.Type, f.ContactPhone.Max = "tel", 40
	f.Services.Options, f.Services.Values = serviceOptions(lang), nonEmpty(in.Services)
	f.Languages.Options, f.Languages.Values = languageOptions[lang], nonEmpty(in.Languages)
	f.Languages.Help = i18n.T(lang, "vendor.languages_help")
	f.Headcount.Type = "number"
	f.Notes.Max = bpo.VendorNotesMax
	return pages.VendorFormView{ID: id, Name: name, Version: version, Fields: f, HasError: len(problems) > 0}
}

// vendorDiff lists the fields where the stored vendor differs from the user's input.
func vendorDiff(lang i18n.Lang, theirs, yours bpo.VendorInput) []pages.ConflictRow {
	theirs.Normalize()
	yours.Normalize()
	var rows []pages.ConflictRow
	add := func(key, a, b string) {
		if a != b {
			rows = append(rows, pages.ConflictRow{Label: i18n.T(lang, key), Theirs: a, Yours: b})
		}
	}
	add("vendor.name", theirs.Name, yours.Name)
	add("vendor.country", i18n.CountryName(lang, theirs.Country), i18n.CountryName(lang, yours.Country))
	add("vendor.website", theirs.Website, yours.Website)
	add("vendor.contact_name", theirs.ContactName, yours.ContactName)
	add("vendor.contact_email", theirs.ContactEmail, yours.ContactEmail)
	add("vendor.contact_phone", theirs.ContactPhone, yours.ContactPhone)
	add("vendor.services", joinSorted(mapNames(lang, theirs.Services, serviceName)), joinSorted(mapNames(lang, yours.Services, serviceName)))
	add("vendor.languages", joinSorted(mapNames(lang, theirs.Languages, i18n.LanguageName)), joinSorted(mapNames(lang, yours.Languages, i18n.LanguageName)))
	add("vendor.headcount", headcountText(lang, theirs.Headcount), headcountText(lang, yours.Headcount))
	add("vendor.notes", theirs.Notes, yours.Notes)
	return rows
}
