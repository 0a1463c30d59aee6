package report

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// Performance is what a contract's performance review is written from:
// the contract with its KPIs and figures, the periods from…to it covers
// (indexes, oldest first) and the day it is written, which decides which
// periods have ended.
type Performance struct {
	Lang        i18n.Lang
	GeneratedAt time.Time
	PreparedBy  Person
	Contract    *bpo.Contract
	From, To    int
}

// WritePerformance lays out the performance review of a contract and
// writes it to w: the standing beside the selection, the periods, each
// KPI against its target and promise, the comments, and the sign-off.
func WritePerformance(w io.Writer, p *Performance) error {
	if p == nil || p.Contract == nil || p.From < 0 || p.To < p.From {
		return errors.New("report: a contract and a period range are required")
	}
	pr := &performance{doc: doc{pdf: newPDF(p.Lang, p.GeneratedAt), lang: p.Lang, textBuffers: newTextBuffers()}, data: p}
	pdf := pr.pdf
	pdf.SetTitle(pr.t("performance.title", p.Contract.VendorName), true)
	pdf.SetAuthor(p.PreparedBy.Name, true)
	pr.cover()
	pr.periods()
	pr.kpis()
	pr.charts()
	pr.comments()
	pr.signOff()
	pr.headersAndFooters()
	pr.registerGlyphs()
	if err := pr.output(w); err != nil {
		return fmt.Errorf("performance review: %w", err)
	}
	return nil
}

// newPDF is an A4 document set up as the evaluation report's: fonts
// embedded, pages compressed once written (see newReport).
func newPDF(lang i18n.Lang, at time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, top, marginX)
	pdf.SetCatalogSort(true)
	addFonts(pdf)
	pdf.SetCreator("bpoeval", true)
	pdf.SetLang(string(lang))
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	return pdf
}

type performance struct {
	doc
	data *Performance
}

func (p *performance) num(v float64) string { return i18n.Number(p.lang, v, 1) }

// standing is the standing at the end of the range: over the twelve
// periods up to its last ended one.
func (p *performance) standing() *bpo.Standing {
	c := p.data.Contract
	last := min(p.data.To, c.LastEnded(p.data.GeneratedAt))
	return bpo.StandingOf(c.Scores(last), last)
}

func (p *performance) rangeText() string {
	c := p.data.Contract
	return PeriodLabel(p.lang, bpo.PeriodStart(c.Start, c.Length, p.data.From)) + " – " +
		PeriodLabel(p.lang, bpo.PeriodStart(c.Start, c.Length, p.data.To))
}

func (p *performance) cover() {
	d := &p.doc
	c := p.data.Contract
	d.newPage()
	d.pdf.Bookmark(p.t("report.cover"), 0, -1)
	d.y = 38
	d.paragraph(strings.ToUpper(p.t("performance.kind")), true, 9, colorAccent, 0)
	d.y += 1
	d.paragraph(c.VendorName, true, 22, colorInk, 0)
	d.y += 3
	selection := "—"
	if c.SelectionScore != nil {
		selection = p.num(*c.SelectionScore)
		if c.SelectionRank != nil && *c.SelectionRank > 0 {
			selection = p.t("contract.selection_rank", selection, *c.SelectionRank)
		}
	}
	d.facts([][2]string{
		{p.t("contract.evaluation"), c.EvaluationTitle},
		{p.t("contract.start"), i18n.Date(p.lang, c.Start) + " · " + p.t("contract.length."+string(c.Length))},
		{p.t("contract.status"), p.t("contract.status." + string(c.Status))},
		{p.t("performance.range"), p.rangeText()},
		{p.t("contract.selection"), selection},
		{p.t("report.fact.prepared"), p.data.PreparedBy.Name},
		{p.t("report.fact.generated"), i18n.DateTime(p.lang, p.data.GeneratedAt.UTC()) + " UTC"},
	})
	d.y += 4
	st := p.standing()
	var lines []string
	score := selection
	if c.SelectionScore != nil {
		score = p.num(*c.SelectionScore)
	}
	if st == nil {
		lines = append(lines, p.t("contract.summary_no_standing", score))
	} else {
		lines = append(lines, p.t("contract.summary_line", score, p.num(st.Score), p.t("band."+string(st.Band))))
		if st.Band.Warns() {
			lines = append(lines, p.t("warning.text", c.VendorName, p.num(st.Score), p.t("band."+string(st.Band))))
		}
	}
	lines = append(lines, p.t("contract.standing_rule"))
	d.box(p.t("contract.standing"), lines)
}

func (p *performance) periods() {
	d := &p.doc
	c := p.data.Contract
	d.section(p.t("contract.periods"))
	ended := c.LastEnded(p.data.GeneratedAt)
	var rows []row
	for i := p.data.From; i <= p.data.To; i++ {
		per := c.PeriodAt(i)
		score, state := "—", p.t("contract.state.running")
		if s, ok := bpo.PeriodScore(c.KPIs, per); ok {
			score, state = p.num(s), p.t("contract.state.scored")
		} else if i <= ended {
			state = p.t("contract.state.missing")
		}
		var missed []string
		for _, k := range c.KPIs {
			if a := per.Actual(k.ID); a != nil && !bpo.Met(k.Better, k.Target, a.Value) {
				missed = append(missed, k.Name(string(p.lang)))
			}
		}
		rows = append(rows, row{cells: []string{PeriodLabel(p.lang, per.Start), score, state, orDash(strings.Join(missed, ", "))}})
	}
	d.table([]column{{p.t("contract.period"), 18, false}, {p.t("contract.period_score"), 14, true},
		{p.t("contract.period_state"), 18, false}, {p.t("performance.missed"), 50, false}}, rows)
}

func (p *performance) kpis() {
	d := &p.doc
	c := p.data.Contract
	d.subsection(p.t("contract.kpis"))
	d.note(p.t("performance.kpis_lead"))
	var rows []row
	for _, k := range c.KPIs {
		promised := "—"
		if k.Promised != nil {
			promised = i18n.Number(p.lang, *k.Promised, -1)
		}
		met, missed := 0, 0
		for i := p.data.From; i <= p.data.To; i++ {
			if a := c.PeriodAt(i).Actual(k.ID); a != nil {
				if bpo.Met(k.Better, k.Target, a.Value) {
					met++
				} else {
					missed++
				}
			}
		}
		rows = append(rows, row{cells: []string{k.Name(string(p.lang)) + " (" + k.Unit + ")",
			p.t("criterion.better." + k.Better), i18n.Number(p.lang, k.Target, -1), promised,
			i18n.Number(p.lang, k.Weight, -1), p.t("performance.met_missed", met, missed)}})
	}
	d.table([]column{{p.t("contract.kpi"), 30, false}, {p.t("contract.better"), 18, false}, {p.t("contract.target"), 11, true},
		{p.t("contract.promised"), 11, true}, {p.t("contract.weight"), 9, true}, {p.t("performance.met"), 21, false}}, rows)
}

func (p *performance) charts() {
	d := &p.doc
	d.section(p.t("contract.promises"))
	d.note(p.t("contract.promises_lead"))
	for _, dr := range KPICharts(p.lang, p.data.Contract, p.data.From, p.data.To) {
		d.drawing(dr, contentW*0.9)
		d.y += 3
	}
}

func (p *performance) comments() {
	d := &p.doc
	c := p.data.Contract
	var rows []row
	for i := p.data.From; i <= p.data.To; i++ {
		per := c.PeriodAt(i)
		for _, a := range per.Actuals {
			if k := c.KPI(a.KPIID); k != nil && a.Comment != "" {
				rows = append(rows, row{cells: []string{PeriodLabel(p.lang, per.Start), k.Name(string(p.lang)),
					i18n.Number(p.lang, a.Value, -1), a.Comment}})
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	d.subsection(p.t("performance.comments"))
	d.table([]column{{p.t("contract.period"), 14, false}, {p.t("contract.kpi"), 26, false},
		{p.t("contract.actual_short"), 10, true}, {p.t("contract.comment"), 50, false}}, rows)
}

func (p *performance) signOff() {
	d := &p.doc
	d.section(p.t("report.signoff"))
	d.body(p.t("performance.signoff_intro"))
	d.y += 4
	role := ""
	if p.data.PreparedBy.Role != "" {
		role = p.t("role." + string(p.data.PreparedBy.Role))
	}
	d.signBlocks([]signBlock{{p.t("report.signoff.prepared"), p.data.PreparedBy.Name, role, i18n.Date(p.lang, p.data.GeneratedAt.UTC())},
		{title: p.t("performance.signoff_vendor")}})
}

// headersAndFooters heads every page with the vendor and the range.
func (p *performance) headersAndFooters() {
	p.doc.pageFrames(p.data.Contract.VendorName+" · "+p.rangeText(), p.t("performance.kind"),
		p.t("report.generated", i18n.DateTime(p.lang, p.data.GeneratedAt.UTC())+" UTC"))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
