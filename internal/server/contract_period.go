package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/web/pages"
)

// saveKPIs stores the KPI form: better_<id>, target_<id>, weight_<id> for
// each KPI, and new_* to add one.
func (s *Server) saveKPIs(w http.ResponseWriter, r *http.Request) {
	c, form, version, ok := s.contractForm(w, r)
	if !ok {
		return
	}
	edits, p := decodeKPIForm(s.lang(r), form, c)
	err := p.Err()
	if err == nil {
		_, err = s.contracts.UpdateKPIs(r.Context(), c.ID, version, edits)
	}
	errs := s.fieldErrors(r, mergeProblems(p, err).Err())
	s.contractDone(w, r, c, err, "contract.kpis_saved", func(v *pages.ContractShowView) {
		for i := range v.KPIs {
			k := &v.KPIs[i]
			id := strconv.FormatInt(k.ID, 10)
			k.Better, k.Target, k.Weight = form.Get("better_"+id), form.Get("target_"+id), form.Get("weight_"+id)
			for _, f := range []string{"better", "target", "weight"} {
				k.Errors[f] = errs[f+"_"+id]
			}
		}
		v.New = pages.KPIRow{Key: form.Get("new_key"), Name: form.Get("new_name_en"), Unit: form.Get("new_unit"),
			Better: form.Get("new_better"), Target: form.Get("new_target"), Weight: form.Get("new_weight"), Errors: map[string]string{}}
		for _, f := range []string{"key", "name_en", "unit", "better", "target", "weight"} {
			v.New.Errors[f] = errs["new_"+f]
		}
	})
}

// decodeKPIForm reads the KPI form; a KPI the form leaves out keeps its
// stored values, malformed numbers are field problems.
func decodeKPIForm(lang i18n.Lang, form url.Values, c *bpo.Contract) ([]bpo.KPIInput, bpo.Problems) {
	var (
		p     bpo.Problems
		edits []bpo.KPIInput
	)
	for _, k := range c.KPIs {
		id := strconv.FormatInt(k.ID, 10)
		if !form.Has("target_" + id) {
			continue
		}
		edits = append(edits, bpo.KPIInput{ID: k.ID, Key: k.Key, NameEN: k.NameEN, NameFR: k.NameFR, Unit: k.Unit,
			Better: form.Get("better_" + id), Target: formFloat(lang, &p, form, "target_"+id), Weight: formFloat(lang, &p, form, "weight_"+id)})
	}
	if strings.TrimSpace(form.Get("new_key")+form.Get("new_name_en")) != "" {
		name := strings.TrimSpace(form.Get("new_name_en"))
		edits = append(edits, bpo.KPIInput{Key: strings.TrimSpace(form.Get("new_key")), NameEN: name, NameFR: name,
			Unit: strings.TrimSpace(form.Get("new_unit")), Better: form.Get("new_better"),
			Target: formFloat(lang, &p, form, "new_target"), Weight: formFloat(lang, &p, form, "new_weight")})
	}
	return edits, p
}

// periodInPath reads the period named by its start date; a date that starts
// no period of the contract is not one of its periods.
func periodInPath(r *http.Request, c *bpo.Contract) (int, error) {
	t, err := time.Parse(time.DateOnly, chi.URLParam(r, "period"))
	if err != nil {
		return 0, bpo.Errorf(bpo.ENOTFOUND, "error.contract.period_outside")
	}
	i := bpo.PeriodIndex(c.Start, c.Length, t)
	if i < 0 || !bpo.PeriodStart(c.Start, c.Length, i).Equal(t) {
		return 0, bpo.Errorf(bpo.ENOTFOUND, "error.contract.period_outside")
	}
	return i, nil
}

func (s *Server) showContractPeriod(w http.ResponseWriter, r *http.Request) {
	c, ok := s.contractInPath(w, r)
	if !ok {
		return
	}
	i, err := periodInPath(r, c)
	if err == nil {
		err = bpo.CheckPeriodOpen(c, i, s.now())
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, pages.ContractPeriod(periodView(s.lang(r), c, i, nil, nil)))
}

// periodView is a period's figures form: the stored figures, or what the
// user typed (form) with the problems found (errs).
func periodView(lang i18n.Lang, c *bpo.Contract, i int, form url.Values, errs map[string]string) pages.ContractPeriodView {
	p := c.PeriodAt(i)
	v := pages.ContractPeriodView{ContractID: c.ID, Vendor: c.VendorName, Period: report.PeriodLabel(lang, p.Start), Version: p.Version,
		Action: fmt.Sprintf("/contracts/%d/periods/%s", c.ID, p.Start.Format(time.DateOnly))}
	for _, k := range c.KPIs {
		id := strconv.FormatInt(k.ID, 10)
		row := pages.ActualRow{KPIID: k.ID, Name: k.Name(string(lang)), Unit: k.Unit,
			Goal: i18n.T(lang, "contract.goal."+k.Better, i18n.Number(lang, k.Target, -1), k.Unit)}
		if a := p.Actual(k.ID); a != nil {
			row.Value, row.Comment = inputNumber(lang, a.Value), a.Comment
		}
		if form != nil {
			row.Value, row.Comment, row.Error = form.Get("actual_"+id), form.Get("comment_"+id), errs["actual_"+id]
			if row.Error == "" {
				row.Error = errs["comment_"+id]
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// saveContractPeriod stores a period's figures: actual_<kpiID> with the
// figures grid's decimal grammar (an empty field clears it) and
// comment_<kpiID>.
func (s *Server) saveContractPeriod(w http.ResponseWriter, r *http.Request) {
	c, form, version, ok := s.contractForm(w, r)
	if !ok {
		return
	}
	i, err := periodInPath(r, c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var p bpo.Problems
	in := make([]bpo.ActualInput, 0, len(c.KPIs))
	for _, k := range c.KPIs {
		id := strconv.FormatInt(k.ID, 10)
		in = append(in, bpo.ActualInput{KPIID: k.ID, Value: formOptionalFloat(s.lang(r), &p, form, "actual_"+id),
			Comment: strings.TrimSpace(strings.ReplaceAll(form.Get("comment_"+id), "\r\n", "\n"))})
	}
	err = p.Err()
	if err == nil {
		_, err = s.contracts.SaveActuals(r.Context(), c.ID, i, version, in)
	}
	switch code := bpo.ErrorCode(err); code {
	case "":
		s.sessions.Put(r.Context(), "flash", "contract.figures_saved")
		http.Redirect(w, r, fmt.Sprintf("/contracts/%d", c.ID), http.StatusSeeOther)
	case bpo.EINVALID, bpo.ECONFLICT:
		lang := s.lang(r)
		var view pages.ContractPeriodView
		if code == bpo.ECONFLICT {
			// The form now carries the figures saved meanwhile and their version.
			current, ferr := s.contracts.FindContractByID(r.Context(), c.ID)
			if ferr != nil {
				s.Error(w, r, ferr)
				return
			}
			view = periodView(lang, current, i, nil, nil)
		} else {
			view = periodView(lang, c, i, form, s.fieldErrors(r, mergeProblems(p, err).Err()))
		}
		view.Alert = formAlert(lang, err, nil)
		s.renderStatus(w, r, statusOf(code), pages.ContractPeriod(view))
	default:
		s.Error(w, r, err)
	}
}
