package server

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// book writes the sheets of an evaluation's workbook. Numbers are written
// as numbers with a number format, never as text, so that a reader can
// check the arithmetic in the spreadsheet itself.
type book struct {
	f    *excelize.File
	data *report.Data
	lang i18n.Lang
	// styles by name: head (bold), num (0.00), pct (0.0 %), int, date, wrap.
	styles map[string]int
	sheet  string
	row    int
	err    error
}

// cell is one value of a row with its style ("" for the default).
type cell struct {
	v     any
	style string
}

// writeWorkbook writes data's workbook to w.
func writeWorkbook(w io.Writer, data *report.Data) error {
	b := &book{f: excelize.NewFile(), data: data, lang: data.Lang, styles: map[string]int{}}
	defer b.f.Close()
	b.makeStyles()
	b.summary()
	b.matrix()
	b.ratings()
	b.figures()
	b.moderation()
	b.method()
	if b.err == nil {
		b.err = b.f.DeleteSheet("Sheet1")
	}
	if b.err == nil {
		b.f.SetActiveSheet(0)
		_, b.err = b.f.WriteTo(w)
	}
	if b.err != nil {
		return fmt.Errorf("write workbook: %w", b.err)
	}
	return nil
}

func (b *book) t(key string, args ...any) string { return i18n.T(b.lang, key, args...) }

func (b *book) makeStyles() {
	bold := &excelize.Font{Bold: true}
	for name, st := range map[string]*excelize.Style{
		"head": {Font: bold, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}},
		"title": {Font: &excelize.Font{Bold: true, Size: 14}},
		"num":   {NumFmt: 2},                 // 0.00
		"pct":   {CustomNumFmt: ptr("0.0%")}, // a share of 0…1
		"int":   {NumFmt: 1},                 // 0
		"date":  {CustomNumFmt: ptr("yyyy-mm-dd hh:mm")},
		"wrap":  {Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}},
	} {
		id, err := b.f.NewStyle(st)
		if err != nil && b.err == nil {
			b.err = err
		}
		b.styles[name] = id
	}
}

func ptr[T any](v T) *T { return &v }

// newSheet starts a sheet named by the catalog key, with column widths in
// characters, a header row (frozen) and an optional title line above it.
func (b *book) newSheet(key string, widths []float64, header ...string) {
	if b.err != nil {
		return
	}
	b.sheet = b.t(key)
	if _, err := b.f.NewSheet(b.sheet); err != nil {
		b.err = err
		return
	}
	b.row = 0
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(b.sheet, col, col, w); err != nil {
			b.err = err
		}
	}
	if len(header) == 0 {
		return
	}
	cells := make([]cell, len(header))
	for i, h := range header {
		cells[i] = cell{h, "head"}
	}
	b.put(cells...)
	b.err = b.f.SetPanes(b.sheet, &excelize.Panes{Freeze: true, YSplit: b.row,
		TopLeftCell: fmt.Sprintf("A%d", b.row+1), ActivePane: "bottomLeft"})
}

// put writes the next row.
func (b *book) put(cells ...cell) {
	if b.err != nil {
		return
	}
	b.row++
	for i, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(i+1, b.row)
		if c.v == nil {
			continue
		}
		v := c.v
		if s, ok := v.(string); ok {
			v = sheetText(s)
		}
		if err := b.f.SetCellValue(b.sheet, ref, v); err != nil {
			b.err = err
			return
		}
		if c.style != "" {
			if err := b.f.SetCellStyle(b.sheet, ref, ref, b.styles[c.style]); err != nil {
				b.err = err
				return
			}
		}
	}
}

// sheetText keeps text from being taken for a formula by a program that
// re-reads the cells as typed input (the CSV rule): excelize writes strings
// as text cells, which no spreadsheet evaluates, but a copy-paste would.
func sheetText(s string) string { return csvCell(s) }

func cText(s string) cell    { return cell{s, ""} }
func cWrap(s string) cell    { return cell{s, "wrap"} }
func cNum(v float64) cell    { return cell{v, "num"} }
func cPct(v float64) cell    { return cell{v, "pct"} }
func cInt(v int) cell        { return cell{v, "int"} }
func cDate(t time.Time) cell { return cell{t.UTC(), "date"} }
func cOpt(v *float64) cell   { return ifThen(v != nil, func() cell { return cNum(*v) }) }
func ifThen(ok bool, f func() cell) cell {
	if !ok {
		return cell{}
	}
	return f()
}

// vendorName is the display name of a vendor key of the model.
func (b *book) vendorName(key string) string {
	for _, v := range b.data.Result.Vendors {
		if v.Key == key {
			return v.Name
		}
	}
	return key
}

// summary: the decision recorded, the engine's recommendation with its
// reasons, and the ranking.
func (b *book) summary() {
	res, e := b.data.Result, b.data.Evaluation
	b.newSheet("xlsx.sheet.summary", []float64{34, 60, 14, 16, 12})
	b.put(cell{e.Title, "title"})
	b.put(cText(b.t("xlsx.generated")), cDate(b.data.GeneratedAt))
	b.put(cText(b.t("xlsx.decision")), cWrap(b.decisionText()))
	rec := res.Recommendation
	b.put(cText(b.t("xlsx.recommendation")), cText(b.t("scoring.decision."+string(rec.Decision))))
	if rec.Vendor != "" {
		b.put(cText(b.t("report.fact.leader")), cText(b.vendorName(rec.Vendor)))
	}
	if rec.RunnerUp != "" {
		b.put(cText(b.t("report.fact.runner_up")), cText(b.vendorName(rec.RunnerUp)))
		b.put(cText(b.t("report.fact.margin")), cOpt(rec.Margin))
	}
	for _, r := range rec.Reasons {
		b.put(cText(b.t("report.reasons")), cWrap(explain.Reason(b.lang, r)))
	}
	b.row++
	b.put(cell{b.t("report.ranking"), "head"}, cell{b.t("xlsx.vendor"), "head"}, cell{b.t("xlsx.score"), "head"},
		cell{b.t("xlsx.completeness"), "head"}, cell{b.t("xlsx.eligible"), "head"})
	for _, v := range res.Vendors {
		b.put(ifThen(v.Rank > 0, func() cell { return cInt(v.Rank) }), cText(v.Name), cNum(v.Score),
			cPct(v.Completeness), cText(b.yesNo(v.Eligible)))
	}
}

func (b *book) yesNo(ok bool) string {
	if ok {
		return b.t("xlsx.yes")
	}
	return b.t("xlsx.no")
}

// decisionText says what was decided, as the report does.
func (b *book) decisionText() string {
	var c *bpo.DecisionRecord
	if st := b.data.Decision; st != nil {
		c = st.Current
	}
	if c == nil {
		return b.t("report.decision.none")
	}
	date := i18n.Date(b.lang, c.RecordedAt)
	if c.Outcome == bpo.OutcomeInHouse {
		return b.t("report.decision.in_house", date, c.RecordedByName)
	}
	name := c.VendorName
	if name == "" {
		name = c.VendorKey
	}
	s := b.t("report.decision.vendor", name, date, c.RecordedByName)
	if c.Rationale != "" {
		s += " " + b.t("report.decision.rationale", c.Rationale)
	}
	return s
}

// matrix: one row per scored criterion with its share of the total, and
// for each vendor in rank order its value and its points; the last row
// is the score. Points add up to the score, as on the comparison page.
func (b *book) matrix() {
	res := b.data.Result
	header := []string{b.t("criterion.name"), b.t("criterion.kind"), b.t("criterion.effective")}
	widths := []float64{36, 12, 12}
	for _, v := range res.Vendors {
		header = append(header, b.t("xlsx.value_of", v.Name), b.t("xlsx.points_of", v.Name))
		widths = append(widths, 14, 14)
	}
	b.newSheet("xlsx.sheet.matrix", widths, header...)
	for i, l := range b.data.Model.Leaves() {
		kind := "criterion.kind.rated"
		if l.Metric != nil {
			kind = "criterion.kind.measured"
		}
		row := []cell{cText(l.Name), cText(b.t(kind)), cPct(l.Weight)}
		for _, v := range res.Vendors {
			c := v.Criteria[i]
			row = append(row, ifThen(!c.Missing, func() cell { return cNum(c.Value) }), cNum(c.Contribution))
		}
		b.put(row...)
	}
	total := []cell{cell{b.t("xlsx.score"), "head"}, {}, cPct(1)}
	for _, v := range res.Vendors {
		total = append(total, cell{}, cNum(v.Score))
	}
	b.put(total...)
}

// ratings: every rating of a submitted scorecard with its justification.
func (b *book) ratings() {
	b.newSheet("xlsx.sheet.ratings", []float64{24, 30, 30, 10, 70, 18},
		b.t("xlsx.vendor"), b.t("xlsx.evaluator"), b.t("criterion.name"), b.t("xlsx.rating"),
		b.t("export.column.justification"), b.t("export.column.updated_at"))
	vendors, criteria := b.names()
	for _, r := range b.data.Ratings {
		b.put(cText(vendors[r.VendorID]), cText(r.EvaluatorEmail), cText(criteria[r.CriterionID]),
			cInt(r.Value), cWrap(r.Justification), cDate(r.UpdatedAt))
	}
}

// names maps vendor and criterion ids to their names in the book's language.
func (b *book) names() (vendors, criteria map[int64]string) {
	vendors, criteria = map[int64]string{}, map[int64]string{}
	for _, p := range b.data.Participants {
		vendors[p.VendorID] = p.Name
	}
	for _, c := range b.data.Criteria {
		criteria[c.ID] = c.Name(string(b.lang))
	}
	return vendors, criteria
}

// figures: every measured figure with its unit and its value on 0…100.
func (b *book) figures() {
	b.newSheet("xlsx.sheet.figures", []float64{24, 30, 10, 14, 14},
		b.t("xlsx.vendor"), b.t("criterion.name"), b.t("xlsx.unit"), b.t("xlsx.value"), b.t("xlsx.normalized"))
	leafIndex := map[string]int{}
	for i, l := range b.data.Model.Leaves() {
		leafIndex[l.Key] = i
	}
	for _, v := range b.data.Result.Vendors {
		for _, l := range b.data.Model.Leaves() {
			c := v.Criteria[leafIndex[l.Key]]
			if l.Metric == nil || c.Missing {
				continue
			}
			b.put(cText(v.Name), cText(l.Name), cText(l.Metric.Unit), cNum(c.Value), cNum(c.Normalized))
		}
	}
}

// moderation: each vendor's rated criteria with how far the evaluators
// were apart, whether that is a dispute and whether a consensus settled it.
func (b *book) moderation() {
	b.newSheet("xlsx.sheet.moderation", []float64{24, 30, 10, 10, 12, 12},
		b.t("xlsx.vendor"), b.t("criterion.name"), b.t("xlsx.raters"), b.t("xlsx.spread"),
		b.t("xlsx.disputed"), b.t("xlsx.consensus"))
	leaves := b.data.Model.Leaves()
	for _, v := range b.data.Result.Vendors {
		for i, c := range v.Criteria {
			if c.Measured {
				continue
			}
			b.put(cText(v.Name), cText(leaves[i].Name), cInt(c.Raters),
				ifThen(c.Raters > 0, func() cell { return cNum(c.Spread) }),
				cText(b.yesNo(c.Disputed)), cText(b.yesNo(c.Consensus)))
		}
	}
}

// method: the criteria tree with weights and anchors, then the rules.
func (b *book) method() {
	b.newSheet("xlsx.sheet.method", []float64{40, 12, 10, 12, 12, 10, 10, 10, 10, 10},
		b.t("criterion.name"), b.t("criterion.kind"), b.t("criterion.weight"), b.t("criterion.share"),
		b.t("criterion.effective"), b.t("xlsx.min_rating"), b.t("xlsx.better"), b.t("xlsx.best"),
		b.t("xlsx.worst"), b.t("xlsx.limit"))
	effective := map[string]float64{}
	for _, l := range b.data.Model.Leaves() {
		effective[l.Key] = l.Weight
	}
	b.methodRows(b.data.Model.Criteria, 0, 1)
	e := b.data.Evaluation
	b.row++
	aggregation := "report.method.rule.mean"
	if b.data.Model.Options.Aggregation == scoring.Median {
		aggregation = "report.method.rule.median"
	}
	b.put(cell{b.t("report.method.rules"), "head"})
	for _, s := range []string{
		b.t(aggregation),
		b.t("report.method.rule.normalize", e.ScaleMin, e.ScaleMax),
		b.t("report.method.rule.score"),
		b.t("report.method.rule.rank"),
		b.t("report.method.rule.decision", i18n.Number(b.lang, e.AwardThreshold, 2), i18n.Number(b.lang, e.CloseCallMargin, 2)),
		b.t("report.method.rule.missing"),
		b.t("report.method.rule.disputed"),
	} {
		b.put(cText(s))
	}
}

// methodRows writes cs (indented by depth) with their weights: as entered,
// as a share of their siblings and as a share of the total.
func (b *book) methodRows(cs []scoring.Criterion, depth int, parentShare float64) {
	sum := 0.0
	for _, c := range cs {
		sum += c.Weight
	}
	for _, c := range cs {
		sib := 0.0
		if sum > 0 {
			sib = c.Weight / sum
		}
		kind := "criterion.kind.group"
		switch {
		case len(c.Children) > 0:
		case c.Metric != nil:
			kind = "criterion.kind.measured"
		default:
			kind = "criterion.kind.rated"
		}
		row := []cell{cText(indent(depth) + c.Name), cText(b.t(kind)), cNum(c.Weight), cPct(sib), cPct(parentShare * sib),
			cOpt(c.MinRating)}
		if m := c.Metric; m != nil {
			row = append(row, cText(b.t("criterion.better."+string(m.Better))), cOpt(m.Best), cOpt(m.Worst), cOpt(m.Limit))
		}
		b.put(row...)
		b.methodRows(c.Children, depth+1, parentShare*sib)
	}
}

func indent(depth int) string {
	s := ""
	for range depth {
		s += "    "
	}
	return s
}
