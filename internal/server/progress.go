package server

import (
	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/web/pages"
)

// scorecardCell is the state of one evaluator's scorecard for one vendor.
func scorecardCell(a *bpo.Assignment, vendorID int64, byPair map[[2]int64]*bpo.ScorecardProgress, rated int) pages.MatrixCell {
	for _, k := range a.Conflicts {
		if k.VendorID == vendorID && k.Withdrawn > 0 {
			// Declared after rating: the ratings are kept, out of the scoring.
			return pages.MatrixCell{State: "withdrawn", Rated: k.Withdrawn, Total: rated}
		}
	}
	if a.HasConflict(vendorID) {
		return pages.MatrixCell{State: "conflict"}
	}
	if a.COIDeclaredAt != nil && !a.DeclaredFor(vendorID) {
		// A vendor added after the declaration: declared for before rated.
		return pages.MatrixCell{State: "needs_declaration", Total: rated}
	}
	p, ok := byPair[[2]int64{a.UserID, vendorID}]
	if !ok || p.ScorecardID == 0 {
		return pages.MatrixCell{State: "not_started", Total: rated}
	}
	return pages.MatrixCell{State: string(p.Status), Rated: p.Rated, Total: rated, ScorecardID: p.ScorecardID, Version: p.Version}
}

func progressByPair(progress []*bpo.ScorecardProgress) map[[2]int64]*bpo.ScorecardProgress {
	m := make(map[[2]int64]*bpo.ScorecardProgress, len(progress))
	for _, p := range progress {
		m[[2]int64{p.EvaluatorID, p.VendorID}] = p
	}
	return m
}

func progressMatrix(parts []*bpo.Participant, assignments []*bpo.Assignment, progress []*bpo.ScorecardProgress, rated int) pages.ProgressMatrix {
	byPair := progressByPair(progress)
	var m pages.ProgressMatrix
	var scored []*bpo.Participant
	for _, p := range parts {
		if p.Stage != bpo.StageRejected {
			scored = append(scored, p)
			m.Vendors = append(m.Vendors, p.Name)
		}
	}
	m.Pending = make([]int, len(scored))
	for _, a := range assignments {
		row := pages.MatrixRow{Evaluator: a.Name}
		for i, p := range scored {
			c := scorecardCell(a, p.VendorID, byPair, rated)
			if c.State != "conflict" && c.State != "withdrawn" {
				m.Expected++
				m.Pending[i]++
			}
			if c.State == string(bpo.ScorecardSubmitted) {
				m.Submitted++
				m.Pending[i]--
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

// myScorecards are an evaluator's scorecards on the evaluation page, from
// their assignment (nil: none).
func myScorecards(mine *bpo.Assignment, parts []*bpo.Participant, progress []*bpo.ScorecardProgress, rated int) []pages.MyScorecardRow {
	if mine == nil {
		return nil
	}
	byPair := progressByPair(progress)
	var rows []pages.MyScorecardRow
	for _, p := range parts {
		if p.Stage == bpo.StageRejected {
			continue
		}
		c := scorecardCell(mine, p.VendorID, byPair, rated)
		rows = append(rows, pages.MyScorecardRow{VendorID: p.VendorID, Name: p.Name, State: c.State, Rated: c.Rated, Total: rated})
	}
	return rows
}
