package report

import (
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// evaluators lists who scored, what conflicts of interest they declared,
// and when each scorecard was submitted.
func (r *report) evaluators() {
	d := &r.doc
	d.section(r.t("report.evaluators"))
	d.body(r.t("report.evaluators.intro"))
	scored := r.scoredVendors()
	type cardKey struct{ vendor, evaluator int64 }
	cards := map[cardKey]*bpo.ScorecardProgress{}
	for _, sc := range r.data.Scorecards {
		cards[cardKey{sc.VendorID, sc.EvaluatorID}] = sc
	}
	var rows []row
	for _, a := range r.data.Evaluators {
		declared := r.t("evaluation.not_declared")
		if a.COIDeclaredAt != nil {
			declared = r.day(*a.COIDeclaredAt)
		}
		conflicts := r.t("evaluation.no_conflict")
		if len(a.Conflicts) > 0 {
			parts := make([]string, len(a.Conflicts))
			for i, c := range a.Conflicts {
				parts[i] = r.vendorOf(c.VendorID)
				if c.Note != "" {
					parts[i] = r.t("report.conflict", parts[i], c.Note)
				}
			}
			conflicts = strings.Join(parts, "; ")
		}
		submitted, expected := 0, 0
		for _, p := range scored {
			if a.HasConflict(p.VendorID) {
				continue
			}
			expected++
			if sc := cards[cardKey{p.VendorID, a.UserID}]; sc != nil && sc.Status == bpo.ScorecardSubmitted {
				submitted++
			}
		}
		rows = append(rows, row{cells: []string{a.Name, declared, conflicts, r.t("report.submitted_of", submitted, expected)}})
	}
	d.table([]column{
		{title: r.t("evaluation.evaluator"), width: 26},
		{title: r.t("evaluation.declaration"), width: 18},
		{title: r.t("evaluation.conflicts"), width: 40},
		{title: r.t("report.col.submitted"), width: 16, right: true},
	}, rows)

	d.subsection(r.t("report.submissions"))
	rows = rows[:0]
	for _, p := range scored {
		for _, a := range r.data.Evaluators {
			state, when := "not_started", ""
			sc := cards[cardKey{p.VendorID, a.UserID}]
			switch {
			case a.HasConflict(p.VendorID):
				state = "conflict"
			case sc != nil && sc.Status != "":
				state = string(sc.Status)
				if sc.SubmittedAt != nil && sc.Status == bpo.ScorecardSubmitted {
					when = r.when(*sc.SubmittedAt)
				}
			}
			rw := row{cells: []string{p.Name, a.Name, r.t("progress.state." + state), when}}
			if state != string(bpo.ScorecardSubmitted) {
				rw.colors = map[int]string{2: colorMuted}
			}
			rows = append(rows, rw)
		}
	}
	d.table([]column{
		{title: r.t("scoring.text.vendor"), width: 34},
		{title: r.t("evaluation.evaluator"), width: 26},
		{title: r.t("evaluation.status"), width: 16},
		{title: r.t("report.col.submitted_on"), width: 24},
	}, rows)
}

// scoredVendors are the vendors the engine scored, in rank order.
func (r *report) scoredVendors() []*bpo.Participant {
	var out []*bpo.Participant
	for _, v := range r.data.Result.Vendors {
		if p := r.participant(v.Key); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// vendorOf names a vendor of the evaluation by id.
func (r *report) vendorOf(id int64) string {
	if p := r.vendors[id]; p != nil {
		return p.Name
	}
	return "—"
}

// signOff is the last page: who prepared the report, who recorded the
// decision, and room for the steering committee to sign.
func (r *report) signOff() {
	d := &r.doc
	d.section(r.t("report.signoff"))
	d.body(r.t("report.signoff.intro"))
	d.y += 4
	blocks := []signBlock{{r.t("report.signoff.prepared"), r.data.PreparedBy.Name,
		r.roleName(r.data.PreparedBy.Role), r.day(r.data.GeneratedAt)}}
	if c := r.current(); c != nil {
		blocks = append(blocks, signBlock{r.t("report.signoff.decided"), c.RecordedByName, "", r.day(c.RecordedAt)})
	}
	d.signBlocks(blocks)
}

// signBlock is one signature block: who signs, in what capacity, when.
type signBlock struct{ title, name, role, date string }

// signBlocks writes the blocks two by two, then empty ones for the
// committee's members up to six.
func (d *doc) signBlocks(blocks []signBlock) {
	for len(blocks) < 6 {
		blocks = append(blocks, signBlock{title: d.t("report.signoff.member")})
	}
	const (
		gap    = 10.0
		blockW = (contentW - gap) / 2
		field  = 8.5
		sign   = 16.0 // the signature's line, with room to sign above it
		blockH = 3*field + sign + 9
	)
	for i, b := range blocks {
		x := marginX + float64(i%2)*(blockW+gap)
		if i%2 == 0 {
			d.room(blockH)
		}
		y := d.y
		d.font(true, sizeH3)
		d.textColor(colorAccent)
		d.text(x, y, d.clip(b.title, blockW))
		y += 6
		for _, f := range []struct {
			label, value string
			h            float64
		}{{d.t("report.signoff.name"), b.name, field}, {d.t("report.signoff.role"), b.role, field},
			{d.t("report.signoff.date"), b.date, field}, {d.t("report.signoff.signature"), "", sign}} {
			line := y + f.h - 2.5
			d.font(false, sizeSmall)
			d.textColor(colorMuted)
			d.text(x, line-3.3, f.label)
			d.font(false, sizeBody)
			d.textColor(colorInk)
			d.text(x+22, line-3.9, d.clip(f.value, blockW-22))
			d.drawColor(colorRule)
			d.pdf.SetLineWidth(0.3)
			d.pdf.Line(x+22, line, x+blockW, line)
			y += f.h
		}
		if i%2 == 1 || i == len(blocks)-1 {
			d.y += blockH
		}
	}
}

func (r *report) roleName(role bpo.Role) string {
	if role == "" {
		return ""
	}
	return r.t("role." + string(role))
}
