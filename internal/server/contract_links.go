package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
	"github.com/bpoeval/bpoeval/web/pages"
)

// addContractLinks links a closed evaluation's page to the contract of the
// vendor its recorded decision awarded, or offers to start it, and links
// any evaluation to its suitability assessment.
func (s *Server) addContractLinks(ctx context.Context, lang i18n.Lang, v *pages.EvaluationView, d *bpo.EvaluationDetail) error {
	if a, err := s.assessments.FindAssessmentForEvaluation(ctx, d.Evaluation.ID); err == nil {
		v.Assessment = &pages.ContractLink{Label: a.Title, URL: fmt.Sprintf("/assessments/%d", a.ID)}
	} else if bpo.ErrorCode(err) != bpo.ENOTFOUND {
		return err
	}
	award := awarded(d)
	if award == nil {
		return nil
	}
	id := d.Evaluation.ID
	list, err := s.contracts.FindContracts(ctx, bpo.ContractFilter{EvaluationID: &id})
	if err != nil {
		return err
	}
	link := pages.ContractLink{Label: i18n.T(lang, "contract.offer", award.VendorName), Offer: true,
		URL: fmt.Sprintf("/evaluations/%d/contracts/new?vendor=%d", id, *award.VendorID)}
	for _, c := range list {
		if c.VendorID == *award.VendorID {
			link = pages.ContractLink{Label: i18n.T(lang, "contract.open", c.VendorName), URL: fmt.Sprintf("/contracts/%d", c.ID)}
		}
	}
	v.Contracts = append(v.Contracts, link)
	return nil
}

// awarded is the recorded decision of a closed evaluation when it awards
// the contract to a vendor, else nil.
func awarded(d *bpo.EvaluationDetail) *bpo.DecisionRecord {
	if d.Evaluation.Status != bpo.StatusClosed || d.Decision == nil || d.Decision.Current == nil {
		return nil
	}
	if c := d.Decision.Current; c.Outcome == bpo.OutcomeAward && c.VendorID != nil {
		return c
	}
	return nil
}

// contractAlerts are the dashboard's vendor warnings and late figures.
func (s *Server) contractAlerts(r *http.Request) (pages.ContractAlertsView, error) {
	var v pages.ContractAlertsView
	lang := s.lang(r)
	warnings, err := s.contracts.FindWarnings(r.Context())
	if err != nil {
		return v, err
	}
	for _, w := range warnings {
		v.Warnings = append(v.Warnings, pages.WarningRow{Text: warningText(lang, w), ContractID: w.ContractID})
	}
	late, err := s.contracts.FindLatePeriods(r.Context())
	if err != nil {
		return v, err
	}
	for _, l := range late {
		v.Late = append(v.Late, pages.LateRow{
			Text: i18n.T(lang, "dashboard.late_line", l.VendorName, report.PeriodLabel(lang, l.Start), i18n.Date(lang, l.Due)),
			URL:  fmt.Sprintf("/contracts/%d/periods/%s", l.ContractID, l.Start.Format("2006-01-02"))})
	}
	return v, nil
}

func warningText(lang i18n.Lang, w bpo.VendorWarning) string {
	return i18n.T(lang, "warning.text", w.VendorName, i18n.Number(lang, w.Standing.Score, 1), i18n.T(lang, "band."+string(w.Standing.Band)))
}

// vendorWarnings returns the warnings on each vendor, for managers; others
// see none, as they cannot see contracts.
func (s *Server) vendorWarnings(ctx context.Context, lang i18n.Lang) (map[int64][]string, error) {
	out := map[int64][]string{}
	if !bpo.IsManager(bpo.UserFromContext(ctx)) {
		return out, nil
	}
	warnings, err := s.contracts.FindWarnings(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		out[w.VendorID] = append(out[w.VendorID], warningText(lang, w))
	}
	return out, nil
}

// checkWarning stands between a manager and adding a vendor with a
// warning to an evaluation: without acknowledge=1 it shows the warning
// and asks for the acknowledgement (422); with it, the acknowledgement is
// written to the evaluation's history. It reports whether to go on.
func (s *Server) checkWarning(w http.ResponseWriter, r *http.Request, evaluationID, vendorID int64, acknowledged bool) bool {
	warnings, err := s.contracts.FindWarnings(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	lang := s.lang(r)
	view := pages.WarningAckView{EvaluationID: evaluationID, VendorID: strconv.FormatInt(vendorID, 10)}
	var mine []bpo.VendorWarning
	for _, wn := range warnings {
		if wn.VendorID == vendorID {
			mine = append(mine, wn)
			view.Vendor = wn.VendorName
			view.Warnings = append(view.Warnings, warningText(lang, wn))
		}
	}
	if len(mine) == 0 {
		return true
	}
	if acknowledged {
		for _, wn := range mine {
			if err := s.contracts.AcknowledgeWarning(r.Context(), evaluationID, wn); err != nil {
				s.Error(w, r, err)
				return false
			}
		}
		return true
	}
	e, err := s.evaluations.FindEvaluationByID(r.Context(), evaluationID)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	view.Evaluation = e.Title
	if r.PostForm.Has("acknowledge") {
		view.Error = i18n.T(lang, "error.warning.ack_required")
	}
	s.renderStatus(w, r, http.StatusUnprocessableEntity, pages.WarningAck(view))
	return false
}

// vendorContracts are a vendor's warnings and contracts for its page;
// none for evaluators, who cannot see contracts.
func (s *Server) vendorContracts(ctx context.Context, lang i18n.Lang, vendorID int64) ([]string, []pages.ContractLink, error) {
	if !bpo.IsManager(bpo.UserFromContext(ctx)) {
		return nil, nil, nil
	}
	warnings, err := s.vendorWarnings(ctx, lang)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.contracts.FindContracts(ctx, bpo.ContractFilter{VendorID: &vendorID})
	if err != nil {
		return nil, nil, err
	}
	var links []pages.ContractLink
	for _, c := range list {
		st := standingView(lang, c.StandingAt(s.now()))
		links = append(links, pages.ContractLink{Label: c.EvaluationTitle + " · " + summaryText(lang, c, st), URL: fmt.Sprintf("/contracts/%d", c.ID)})
	}
	return warnings[vendorID], links, nil
}
