package bpo

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Services a BPO vendor may offer.
var ServiceKinds = []string{
	"customer_support", "back_office", "payroll", "finance_accounting", "it_helpdesk",
	"content_moderation", "collections", "claims_processing", "data_analysis", "other",
}

// Limits on vendor fields.
const (
	VendorNameMax  = 200
	VendorNotesMax = 5000
	VendorTextMax  = 200
	HeadcountMax   = 10_000_000
)

// Vendor is a BPO company in the registry.
type Vendor struct {
	ID           int64
	Name         string
	Country      string // ISO 3166-1 alpha-2
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Services     []string // from ServiceKinds
	Languages    []string // ISO 639-1
	Headcount    *int
	Notes        string
	Archived     bool
	Version      int // incremented by every change; edits name the version they started from
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// VendorInput is what the vendor form edits.
type VendorInput struct {
	Name         string
	Country      string
	Website      string
	ContactName  string
	ContactEmail string
	ContactPhone string
	Services     []string
	Languages    []string
	Headcount    *int
	Notes        string
}

// Normalize trims spaces and canonicalises codes before validation.
func (in *VendorInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Website = strings.TrimSpace(in.Website)
	// People type "atlas.example": a website without a scheme is taken to
	// be https, and still checked as a whole afterwards. Anything with a
	// colon names its own scheme ("javascript:…") and is left to be refused.
	if in.Website != "" && !strings.Contains(in.Website, ":") {
		in.Website = "https://" + in.Website
	}
	in.ContactName = strings.TrimSpace(in.ContactName)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
	in.Services = dedupe(in.Services, strings.TrimSpace)
	in.Languages = dedupe(in.Languages, func(s string) string { return strings.ToLower(strings.TrimSpace(s)) })
}

func dedupe(list []string, canon func(string) string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		s = canon(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Validate returns EINVALID with a message per offending field.
func (in *VendorInput) Validate() error {
	var p Problems
	checkText(&p, "name", in.Name, VendorNameMax, true, false)
	if in.Country == "" {
		p.Add("country", "error.field.required")
	} else if _, found := slices.BinarySearch(CountryCodes, in.Country); !found {
		p.Add("country", "error.field.country")
	}
	if in.Website != "" {
		checkText(&p, "website", in.Website, 500, false, false)
		if !p.Has("website") && !validWebsite(in.Website) {
			p.Add("website", "error.field.website")
		}
	}
	checkText(&p, "contact_name", in.ContactName, VendorTextMax, false, false)
	if in.ContactEmail != "" {
		checkText(&p, "contact_email", in.ContactEmail, 254, false, false)
		if !p.Has("contact_email") && !validEmail(in.ContactEmail) {
			p.Add("contact_email", "error.field.email")
		}
	}
	checkText(&p, "contact_phone", in.ContactPhone, 40, false, false)
	if !p.Has("contact_phone") && strings.Trim(in.ContactPhone, "+0123456789 ()-./") != "" {
		p.Add("contact_phone", "error.field.phone")
	}
	for _, s := range in.Services {
		if !slices.Contains(ServiceKinds, s) {
			p.Add("services", "error.field.choice")
			break
		}
	}
	for _, l := range in.Languages {
		if _, found := slices.BinarySearch(LanguageCodes, l); !found {
			p.Add("languages", "error.field.language")
			break
		}
	}
	if in.Headcount != nil && (*in.Headcount < 0 || *in.Headcount > HeadcountMax) {
		p.Add("headcount", "error.field.range", 0, HeadcountMax)
	}
	checkText(&p, "notes", in.Notes, VendorNotesMax, false, true)
	return p.Err()
}

// VendorFilter selects vendors for the registry list.
type VendorFilter struct {
	Query     string   // matched against the name, and
	Countries []string // …these country codes (the caller resolves country names in the user's language), and
	Services  []string // …these service kinds (resolved from their labels likewise)
	Country   string   // exact country filter
	Service   string   // exact service filter
	Archived  bool     // list archived vendors instead of active ones
	// Sort is the column the list is ordered by: "" or "name", "country",
	// "headcount" or "updated"; Desc reverses it. Names sort in the order of
	// Collation (a PostgreSQL collation, "" for the default); countries in
	// the order of CountryOrder, their codes sorted by name in the user's
	// language.
	Sort         string
	Desc         bool
	Collation    string
	CountryOrder []string
	Offset       int
	Limit        int
}

// VendorSorts are the columns the vendor registry can be sorted by.
var VendorSorts = []string{"name", "country", "headcount", "updated"}

// VendorService manages the vendor registry. Every change is audited.
type VendorService interface {
	// FindVendorByID returns ENOTFOUND if the vendor does not exist.
	FindVendorByID(ctx context.Context, id int64) (*Vendor, error)

	// FindVendors returns a page of vendors ordered by name, and the total
	// number matching the filter.
	FindVendors(ctx context.Context, f VendorFilter) ([]*Vendor, int, error)

	// CountVendors returns the number of vendors in the registry, archived
	// ones left out.
	CountVendors(ctx context.Context) (int, error)

	// CreateVendor validates and stores a vendor. EFORBIDDEN unless the caller
	// may edit vendors; EINVALID on bad input or a name already in use.
	CreateVendor(ctx context.Context, in VendorInput) (*Vendor, error)

	// UpdateVendor replaces a vendor's fields if it is still at version.
	// ECONFLICT when someone else changed it since; otherwise as CreateVendor.
	UpdateVendor(ctx context.Context, id int64, version int, in VendorInput) (*Vendor, error)

	// SetVendorArchived archives or restores a vendor at version; ECONFLICT if stale.
	SetVendorArchived(ctx context.Context, id int64, version int, archived bool) (*Vendor, error)
}
