// Package report writes an evaluation's PDF report: the decision record a
// steering committee reads and signs without ever opening the application.
// It is written from domain values and the engine's result, with the same
// wording (package explain) and the same charts (package chart) as the
// pages, in English or French, with DejaVu Sans embedded so that every
// character prints and can be copied out.
package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// Data is what a report is written from. Model and Result must be the
// engine's for this evaluation (Result = scoring.Evaluate(Model)), with
// names in Lang: the report prints their numbers as they are.
type Data struct {
	Lang        i18n.Lang
	GeneratedAt time.Time
	PreparedBy  Person

	Evaluation   *bpo.Evaluation
	Criteria     []*bpo.Criterion   // tree order
	Participants []*bpo.Participant // every vendor, the rejected ones too
	Measurements []*bpo.Measurement
	// Ratings are those of submitted scorecards: the ones the model counts.
	Ratings []*bpo.SubmittedRating
	// Evaluators are the assigned evaluators with their declarations.
	Evaluators []*bpo.Assignment
	// Scorecards gives each scorecard's status and submission date.
	Scorecards []*bpo.ScorecardProgress
	// WeightChanges are the weight changes made while scoring was open,
	// oldest first.
	WeightChanges []WeightChange
	// Consensus are the ratings agreed at moderation, for the moderation record.
	Consensus []*bpo.Consensus
	// WeightOrigins are the comparison rounds whose weights were applied.
	WeightOrigins []WeightOrigin
	// Decision is the evaluation's decision record; nil or without a
	// current decision before any.
	Decision *bpo.DecisionState
	// Scope are the activities of the suitability assessment linked to the
	// evaluation, if any: the cover says which are in scope and why.
	Scope []*bpo.Activity

	Model  *scoring.Model
	Result *scoring.Result
}

// Person is someone the report names, with their role (a bpo.Role).
type Person struct {
	Name string
	Role bpo.Role
}

// WeightChange is a criterion's weight changed while scoring was open,
// from the audit log. Weights are relative to the criterion's siblings.
type WeightChange struct {
	At            time.Time
	By            string
	CriterionID   int64
	Before, After float64
}

// PeakMemory is about the most memory writing one report holds at once: a
// large one (twelve vendors, thirty criteria, eight evaluators, every rating
// justified at length, two hundred pages) peaks at 14 MiB. A server sizes
// the number of reports it writes at a time by it.
const PeakMemory = 16 << 20

// Write lays the report out and writes it to w. It fails only on missing
// data or when w fails: every text fits, however long.
func Write(w io.Writer, data *Data) error {
	if data == nil || data.Evaluation == nil || data.Model == nil || data.Result == nil {
		return errors.New("report: evaluation, model and result are required")
	}
	r := newReport(data)
	r.cover()
	r.summary()
	r.charts()
	r.valueForMoney()
	r.methodology()
	for i := range data.Result.Vendors {
		r.vendor(&data.Result.Vendors[i])
	}
	r.moderationRecord()
	r.evaluators()
	r.signOff()
	r.headersAndFooters()
	r.registerGlyphs()
	if err := r.output(w); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// report is a report being written: the layout, the data, and lookups by
// key and id.
type report struct {
	doc
	data         *Data
	criteria     map[string]*bpo.Criterion // by key
	criteriaByID map[int64]*bpo.Criterion  // by id
	vendors      map[int64]*bpo.Participant
	people       map[int64]string // evaluators' names by user id
	leaves       []scoring.Leaf
}

func newReport(data *Data) *report {
	pdf := fpdf.New("P", "mm", "A4", "")
	// fpdf compresses each page with a zlib writer of its own, which costs
	// more than laying the page out; the pages are compressed afterwards,
	// by compressStreams.
	pdf.SetCompression(false)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, top, marginX)
	pdf.SetCatalogSort(true)
	addFonts(pdf)
	e := data.Evaluation
	pdf.SetTitle(e.Title, true)
	pdf.SetAuthor(data.PreparedBy.Name, true)
	pdf.SetCreator("bpoeval", true)
	pdf.SetLang(string(data.Lang))
	pdf.SetCreationDate(data.GeneratedAt)
	pdf.SetModificationDate(data.GeneratedAt)
	r := &report{doc: doc{pdf: pdf, lang: data.Lang, textBuffers: newTextBuffers()}, data: data,
		criteria: map[string]*bpo.Criterion{}, criteriaByID: map[int64]*bpo.Criterion{},
		vendors: map[int64]*bpo.Participant{}, people: map[int64]string{}, leaves: data.Model.Leaves()}
	for _, c := range data.Criteria {
		r.criteria[c.Key] = c
		r.criteriaByID[c.ID] = c
	}
	for _, p := range data.Participants {
		r.vendors[p.VendorID] = p
	}
	for _, a := range data.Evaluators {
		r.people[a.UserID] = a.Name
	}
	return r
}

// headersAndFooters heads every page with the evaluation's title and foots
// it with the generation time and "page X of Y", now that Y is known.
func (r *report) headersAndFooters() {
	r.doc.pageFrames(r.data.Evaluation.Title, r.t("report.kind"), r.t("report.generated", r.when(r.data.GeneratedAt)))
}

// pageFrames heads every page with title (left) and right, and foots it
// with generated and "page X of Y", now that Y is known.
func (d *doc) pageFrames(title, right, generated string) {
	n := d.pdf.PageCount()
	for page := 1; page <= n; page++ {
		d.pdf.SetPage(page)
		// The page ended in whatever font and colour it last used.
		d.face.set, d.face.fillSet = false, false
		d.font(false, sizeSmall)
		d.textColor(colorMuted)
		rw := d.width(right)
		d.text(marginX, 10, d.clip(title, contentW-rw-8))
		d.text(pageW-marginX-rw, 10, right)
		d.text(marginX, pageH-13, generated)
		of := d.t("report.page_of", page, n)
		d.text(pageW-marginX-d.width(of), pageH-13, of)
		d.drawColor(colorRule)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(marginX, 15, pageW-marginX, 15)
		d.pdf.Line(marginX, pageH-14.5, pageW-marginX, pageH-14.5)
	}
}

// when is a date and time of the report, in UTC so that every reader
// reads the same.
func (r *report) when(t time.Time) string {
	return i18n.DateTime(r.lang, t.UTC()) + " UTC"
}

// day is a calendar date.
func (r *report) day(t time.Time) string { return i18n.Date(r.lang, t.UTC()) }

// vendorName names a vendor of the result by key.
func (r *report) vendorName(key string) string {
	if v := r.data.Result.Vendor(key); v != nil && v.Name != "" {
		return v.Name
	}
	return key
}

// criterionName names a criterion of the model by key.
func (r *report) criterionName(key string) string {
	if c := r.criteria[key]; c != nil {
		return c.Name(string(r.lang))
	}
	if c := r.data.Model.Find(key); c != nil && c.Name != "" {
		return c.Name
	}
	return key
}

// participant returns the vendor of the evaluation with the given key.
func (r *report) participant(key string) *bpo.Participant {
	i := slices.IndexFunc(r.data.Participants, func(p *bpo.Participant) bool { return p.Key == key })
	if i < 0 {
		return nil
	}
	return r.data.Participants[i]
}
