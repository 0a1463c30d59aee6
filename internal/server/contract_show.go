package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/web/components"
	"github.com/bpoeval/bpoeval/web/pages"
)

// contractInPath loads the contract named by the path.
func (s *Server) contractInPath(w http.ResponseWriter, r *http.Request) (*bpo.Contract, bool) {
	id, err := pathID(r, "contractID")
	var c *bpo.Contract
	if err == nil {
		c, err = s.contracts.FindContractByID(r.Context(), id)
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return c, true
}

func (s *Server) showContractList(w http.ResponseWriter, r *http.Request) {
	list, err := s.contracts.FindContracts(r.Context(), bpo.ContractFilter{})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	view := pages.ContractListView{Flash: s.popFlash(r)}
	for _, c := range list {
		view.Rows = append(view.Rows, s.contractRow(lang, c))
	}
	s.render(w, r, pages.ContractList(view))
}

// contractRow is a contract as lists show it: the selection beside the standing.
func (s *Server) contractRow(lang i18n.Lang, c *bpo.Contract) pages.ContractRow {
	st := standingView(lang, c.StandingAt(s.now()))
	return pages.ContractRow{ID: c.ID, Vendor: c.VendorName, VendorID: c.VendorID, Evaluation: c.EvaluationTitle,
		EvaluationID: c.EvaluationID, Start: i18n.Date(lang, c.Start), Status: string(c.Status),
		Selection: selectionText(lang, c), Standing: st, Summary: summaryText(lang, c, st)}
}

func standingView(lang i18n.Lang, st *bpo.Standing) pages.StandingView {
	if st == nil {
		return pages.StandingView{}
	}
	return pages.StandingView{Score: i18n.Number(lang, st.Score, 1), Band: string(st.Band)}
}

func selectionText(lang i18n.Lang, c *bpo.Contract) string {
	switch {
	case c.SelectionScore == nil:
		return "—"
	case c.SelectionRank == nil || *c.SelectionRank == 0:
		return i18n.Number(lang, *c.SelectionScore, 1)
	}
	return i18n.T(lang, "contract.selection_rank", i18n.Number(lang, *c.SelectionScore, 1), *c.SelectionRank)
}

// summaryText is "selected with score S, standing T", the line that sets
// what the selection predicted beside what the vendor delivers.
func summaryText(lang i18n.Lang, c *bpo.Contract, st pages.StandingView) string {
	score := "—"
	if c.SelectionScore != nil {
		score = i18n.Number(lang, *c.SelectionScore, 1)
	}
	if st.Band == "" {
		return i18n.T(lang, "contract.summary_no_standing", score)
	}
	return i18n.T(lang, "contract.summary_line", score, st.Score, i18n.T(lang, "band."+st.Band))
}

func (s *Server) showContract(w http.ResponseWriter, r *http.Request) {
	c, ok := s.contractInPath(w, r)
	if !ok {
		return
	}
	view := s.contractView(r.Context(), s.lang(r), c)
	view.Flash = s.popFlash(r)
	s.render(w, r, pages.ContractShow(*view))
}

// contractView gathers a contract's page; the KPI form shows the stored values.
func (s *Server) contractView(ctx context.Context, lang i18n.Lang, c *bpo.Contract) *pages.ContractShowView {
	today := s.now()
	row := s.contractRow(lang, c)
	v := &pages.ContractShowView{ID: c.ID, Vendor: c.VendorName, VendorID: c.VendorID, Evaluation: c.EvaluationTitle,
		EvaluationID: c.EvaluationID, Start: row.Start, Length: i18n.T(lang, "contract.length."+string(c.Length)),
		Status: string(c.Status), Owner: orDash(c.OwnerName), Version: c.Version, Standing: row.Standing,
		Selection: row.Selection, Summary: row.Summary, Ended: c.Status == bpo.ContractEnded,
		New: pages.KPIRow{Better: "lower", Errors: map[string]string{}}}
	v.Better = []components.Option{{Value: "lower", Label: i18n.T(lang, "criterion.better.lower")},
		{Value: "higher", Label: i18n.T(lang, "criterion.better.higher")}}
	last, ended := c.LastPeriod(today), c.LastEnded(today)
	for i := last; i >= 0; i-- {
		v.Periods = append(v.Periods, s.periodRow(lang, c, i, ended, today))
		label := report.PeriodLabel(lang, bpo.PeriodStart(c.Start, c.Length, i))
		v.Ranges = append([]components.Option{{Value: strconv.Itoa(i), Label: label}}, v.Ranges...)
	}
	if last >= 0 {
		v.From, v.To = strconv.Itoa(max(0, last-bpo.StandingPeriods+1)), strconv.Itoa(last)
	}
	for _, k := range c.KPIs {
		v.KPIs = append(v.KPIs, pages.KPIRow{ID: k.ID, Key: k.Key, Name: k.Name(string(lang)), Unit: k.Unit, Better: k.Better,
			Target: inputNumber(lang, k.Target), Weight: inputNumber(lang, k.Weight), Promised: promisedText(lang, k),
			Errors: map[string]string{}})
	}
	v.Charts = report.KPICharts(lang, c, 0, last)
	return v
}

func (s *Server) periodRow(lang i18n.Lang, c *bpo.Contract, i, ended int, today time.Time) pages.PeriodRow {
	p := c.PeriodAt(i)
	row := pages.PeriodRow{Index: i, Label: report.PeriodLabel(lang, p.Start), Score: "—", State: "running"}
	if score, ok := bpo.PeriodScore(c.KPIs, p); ok {
		row.Score, row.State = i18n.Number(lang, score, 1), "scored"
	} else if i <= ended {
		row.State = "missing"
	}
	for _, k := range c.KPIs {
		if a := p.Actual(k.ID); a != nil && !bpo.Met(k.Better, k.Target, a.Value) {
			row.Missed++
		}
	}
	if bpo.CheckPeriodOpen(c, i, today) == nil {
		row.EditURL = fmt.Sprintf("/contracts/%d/periods/%s", c.ID, p.Start.Format(time.DateOnly))
	}
	return row
}

func promisedText(lang i18n.Lang, k *bpo.KPI) string {
	if k.Promised == nil {
		return "—"
	}
	return i18n.Number(lang, *k.Promised, -1)
}
