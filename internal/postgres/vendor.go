package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// VendorService implements bpo.VendorService.
type VendorService struct{ db *DB }

// NewVendorService returns the vendor service over db.
func NewVendorService(db *DB) *VendorService { return &VendorService{db: db} }

var _ bpo.VendorService = (*VendorService)(nil)

const vendorColumns = `id, name, country, website, contact_name, contact_email, contact_phone,
	services, languages, headcount, notes, archived, version, created_at, updated_at`

func scanVendor(row pgx.CollectableRow) (*bpo.Vendor, error) {
	var v bpo.Vendor
	err := row.Scan(&v.ID, &v.Name, &v.Country, &v.Website, &v.ContactName, &v.ContactEmail, &v.ContactPhone,
		&v.Services, &v.Languages, &v.Headcount, &v.Notes, &v.Archived, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	return &v, err
}

// FindVendorByID implements bpo.VendorService.
func (s *VendorService) FindVendorByID(ctx context.Context, id int64) (*bpo.Vendor, error) {
	if err := forbiddenUnless(bpo.CanReadVendors(bpo.UserFromContext(ctx))); err != nil {
		return nil, err
	}
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+vendorColumns+` FROM vendors WHERE id = $1`, id)
	v, err := pgx.CollectExactlyOneRow(rows, scanVendor)
	return v, notFound(err, "error.vendor.not_found")
}

// FindVendors implements bpo.VendorService.
func (s *VendorService) FindVendors(ctx context.Context, f bpo.VendorFilter) ([]*bpo.Vendor, int, error) {
	if err := forbiddenUnless(bpo.CanReadVendors(bpo.UserFromContext(ctx))); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 25
	}
	order, err := vendorOrder(f)
	if err != nil {
		return nil, 0, err
	}
	where := vendorWhere(f)
	args := pgx.NamedArgs{
		"archived": f.Archived, "q": escapeLike(strings.TrimSpace(f.Query)),
		"q_countries": nonNil(f.Countries), "q_services": nonNil(f.Services),
		"country": f.Country, "service": f.Service, "limit": f.Limit, "offset": f.Offset,
		"country_order": nonNil(f.CountryOrder),
	}
	// One round trip: the window count rides along with the page.
	rows, _ := s.db.Pool.Query(ctx, `SELECT `+vendorColumns+`, count(*) OVER ()
		FROM vendors WHERE `+where+`
		ORDER BY `+order+` LIMIT @limit OFFSET @offset`, args)
	total := 0
	vendors, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*bpo.Vendor, error) {
		var v bpo.Vendor
		err := row.Scan(&v.ID, &v.Name, &v.Country, &v.Website, &v.ContactName, &v.ContactEmail, &v.ContactPhone,
			&v.Services, &v.Languages, &v.Headcount, &v.Notes, &v.Archived, &v.Version, &v.CreatedAt, &v.UpdatedAt, &total)
		return &v, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find vendors: %w", err)
	}
	if len(vendors) == 0 && f.Offset > 0 {
		// Past the last page the window count is lost with the rows.
		if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM vendors WHERE `+where, args).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count vendors: %w", err)
		}
	}
	return vendors, total, nil
}

// CountVendors implements bpo.VendorService. The dashboard shows the count
// on every visit: FindVendors would sort the whole registry for it.
func (s *VendorService) CountVendors(ctx context.Context) (int, error) {
	if err := forbiddenUnless(bpo.CanReadVendors(bpo.UserFromContext(ctx))); err != nil {
		return 0, err
	}
	var n int
	if err := s.db.Pool.QueryRow(ctx, `SELECT count(*) FROM vendors WHERE NOT archived`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count vendors: %w", err)
	}
	return n, nil
}

// vendorWhere is the WHERE of a vendor list. Only the conditions asked for
// are written: a condition like "@q = ” OR …" keeps the planner, which
// plans prepared statements for any value, off the indexes. search_fold
// (migration 000010) ignores case and accents, and its trigram index, with
// those on country and services, keeps the search off a sequential scan.
func vendorWhere(f bpo.VendorFilter) string {
	conds := []string{"archived = @archived"}
	if strings.TrimSpace(f.Query) != "" {
		alts := []string{`search_fold(name) LIKE '%' || search_fold(@q) || '%' ESCAPE '\'`}
		if len(f.Countries) > 0 {
			alts = append(alts, "country = ANY(@q_countries)")
		}
		if len(f.Services) > 0 {
			alts = append(alts, "services && @q_services")
		}
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
	}
	if f.Country != "" {
		conds = append(conds, "country = @country")
	}
	if f.Service != "" {
		conds = append(conds, "@service = ANY(services)")
	}
	return strings.Join(conds, " AND ")
}

// vendorCollations are the collations a vendor list may be sorted in:
// the name goes into the SQL text, so only these are taken.
var vendorCollations = map[string]bool{"": true, "en-x-icu": true, "fr-x-icu": true}

// vendorOrder is the ORDER BY of a vendor list, name and id breaking ties.
func vendorOrder(f bpo.VendorFilter) (string, error) {
	if !vendorCollations[f.Collation] || f.Sort != "" && !slices.Contains(bpo.VendorSorts, f.Sort) {
		return "", bpo.Errorf(bpo.EINVALID, "error.field.choice")
	}
	name := "name"
	if f.Collation != "" {
		name = `name COLLATE "` + f.Collation + `"`
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	switch f.Sort {
	case "country":
		return "array_position(@country_order::text[], country)" + dir + " NULLS LAST, country" + dir + ", " + name + ", id", nil
	case "headcount":
		return "headcount" + dir + " NULLS LAST, " + name + ", id", nil
	case "updated":
		return "updated_at" + dir + ", " + name + ", id", nil
	}
	return name + dir + ", id", nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateVendor implements bpo.VendorService.
func (s *VendorService) CreateVendor(ctx context.Context, in bpo.VendorInput) (*bpo.Vendor, error) {
	if err := forbiddenUnless(bpo.CanEditVendors(bpo.UserFromContext(ctx))); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var v *bpo.Vendor
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		var err error
		if v, err = insertVendor(ctx, tx, now, &in); err != nil {
			return err
		}
		return audit(ctx, tx, now, bpo.EntityVendor, v.ID, bpo.ActionCreate, nil, bpo.SnapshotOfVendor(v))
	})
	return v, err
}

// UpdateVendor implements bpo.VendorService.
func (s *VendorService) UpdateVendor(ctx context.Context, id int64, version int, in bpo.VendorInput) (*bpo.Vendor, error) {
	if err := forbiddenUnless(bpo.CanEditVendors(bpo.UserFromContext(ctx))); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.change(ctx, id, version, bpo.ActionUpdate, func(tx pgx.Tx, now time.Time) pgx.Rows {
		return queryUpdateVendor(ctx, tx, now, id, &in)
	})
}

// insertVendor stores a new vendor from in, already validated.
func insertVendor(ctx context.Context, tx pgx.Tx, now time.Time, in *bpo.VendorInput) (*bpo.Vendor, error) {
	rows, _ := tx.Query(ctx, `
		INSERT INTO vendors (name, country, website, contact_name, contact_email, contact_phone,
			services, languages, headcount, notes, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
		RETURNING `+vendorColumns,
		in.Name, in.Country, in.Website, in.ContactName, in.ContactEmail, in.ContactPhone,
		nonNil(in.Services), nonNil(in.Languages), in.Headcount, in.Notes, now)
	return collectVendor(rows)
}

// queryUpdateVendor overwrites vendor id with in, already validated, and
// returns the row after.
func queryUpdateVendor(ctx context.Context, tx pgx.Tx, now time.Time, id int64, in *bpo.VendorInput) pgx.Rows {
	rows, _ := tx.Query(ctx, `
		UPDATE vendors SET name = $2, country = $3, website = $4, contact_name = $5, contact_email = $6,
			contact_phone = $7, services = $8, languages = $9, headcount = $10, notes = $11,
			version = version + 1, updated_at = $12
		WHERE id = $1 RETURNING `+vendorColumns,
		id, in.Name, in.Country, in.Website, in.ContactName, in.ContactEmail, in.ContactPhone,
		nonNil(in.Services), nonNil(in.Languages), in.Headcount, in.Notes, now)
	return rows
}

// SetVendorArchived implements bpo.VendorService.
func (s *VendorService) SetVendorArchived(ctx context.Context, id int64, version int, archived bool) (*bpo.Vendor, error) {
	if err := forbiddenUnless(bpo.CanEditVendors(bpo.UserFromContext(ctx))); err != nil {
		return nil, err
	}
	action := bpo.ActionUnarchive
	if archived {
		action = bpo.ActionArchive
	}
	return s.change(ctx, id, version, action, func(tx pgx.Tx, now time.Time) pgx.Rows {
		rows, _ := tx.Query(ctx, `
			UPDATE vendors SET archived = $2, version = version + 1, updated_at = $3
			WHERE id = $1 RETURNING `+vendorColumns, id, archived, now)
		return rows
	})
}

// change applies one versioned edit: it locks the row, refuses a stale
// version with ECONFLICT, runs the update and audits before and after.
func (s *VendorService) change(ctx context.Context, id int64, version int, action string, update func(pgx.Tx, time.Time) pgx.Rows) (*bpo.Vendor, error) {
	var after *bpo.Vendor
	err := s.db.inTx(ctx, func(tx pgx.Tx, now time.Time) error {
		rows, _ := tx.Query(ctx, `SELECT `+vendorColumns+` FROM vendors WHERE id = $1 FOR UPDATE`, id)
		before, err := pgx.CollectExactlyOneRow(rows, scanVendor)
		if err != nil {
			return notFound(err, "error.vendor.not_found")
		}
		if before.Version != version {
			return bpo.Errorf(bpo.ECONFLICT, "error.vendor.stale")
		}
		if after, err = collectVendor(update(tx, now)); err != nil {
			return err
		}
		return audit(ctx, tx, now, bpo.EntityVendor, id, action, bpo.SnapshotOfVendor(before), bpo.SnapshotOfVendor(after))
	})
	return after, err
}

func collectVendor(rows pgx.Rows) (*bpo.Vendor, error) {
	v, err := pgx.CollectExactlyOneRow(rows, scanVendor)
	if isUniqueViolation(err, "vendors_name_key") {
		var p bpo.Problems
		p.Add("name", "error.vendor.name_taken")
		return nil, p.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("save vendor: %w", err)
	}
	return v, nil
}
