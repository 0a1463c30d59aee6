package server

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/pages"
)

func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	vendorID, err := formID(form, "vendor")
	if err == nil && !s.checkWarning(w, r, id, vendorID, form.Get("acknowledge") == "1") {
		return
	}
	if err == nil {
		_, err = s.participants.AddParticipant(r.Context(), id, vendorID)
	}
	s.evaluationDone(w, r, id, err, "evaluation.vendor_added")
}

func (s *Server) setParticipantStage(w http.ResponseWriter, r *http.Request) {
	id, form, version, ok := s.evaluationForm(w, r)
	if !ok {
		return
	}
	vendorID, err := pathID(r, "vendorID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	stage := bpo.VendorStage(form.Get("stage"))
	_, err = s.participants.SetStage(r.Context(), id, vendorID, version, stage, strings.TrimSpace(form.Get("reason")))
	s.evaluationDone(w, r, id, err, "evaluation.stage_changed")
}

// saveMeasurements stores one vendor's measured figures: fields m_<criterionID>,
// an empty field clearing the figure.
func (s *Server) saveMeasurements(w http.ResponseWriter, r *http.Request) {
	id, form, ok := s.evaluationPost(w, r)
	if !ok {
		return
	}
	vendorID, err := pathID(r, "vendorID")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Read every figure before saving any, so a typo saves nothing; the
	// service then saves them together, so a refused one saves nothing either.
	var figures []bpo.Figure
	for name, values := range form {
		criterionID, found := strings.CutPrefix(name, "m_")
		cid, perr := strconv.ParseInt(criterionID, 10, 64)
		if !found || perr != nil || len(values) != 1 {
			continue
		}
		v, present, derr := parseDecimal(values[0])
		if derr != nil {
			s.evaluationDone(w, r, id, derr, "")
			return
		}
		f := bpo.Figure{CriterionID: cid}
		if present {
			f.Value = &v
		}
		figures = append(figures, f)
	}
	// In the order of the criteria, not of the form, so the audit log is.
	slices.SortFunc(figures, func(a, b bpo.Figure) int { return cmp.Compare(a.CriterionID, b.CriterionID) })
	if err := s.participants.SetMeasurements(r.Context(), id, vendorID, figures); err != nil {
		s.evaluationDone(w, r, id, err, "")
		return
	}
	s.evaluationDone(w, r, id, nil, "evaluation.figures_saved")
}

func participantRows(lang i18n.Lang, parts []*bpo.Participant) []pages.ParticipantRow {
	rows := make([]pages.ParticipantRow, len(parts))
	for i, p := range parts {
		rows[i] = pages.ParticipantRow{VendorID: p.VendorID, Name: p.Name, Country: i18n.CountryName(lang, p.Country),
			Stage: string(p.Stage), Reason: p.RejectReason, Version: p.Version}
	}
	return rows
}

// figureTable lays out the measured figures: one column per measured
// criterion, one row per vendor still in the running.
func figureTable(lang i18n.Lang, criteria []*bpo.Criterion, parts []*bpo.Participant, ms []*bpo.Measurement) ([]pages.MeasuredColumn, []pages.FigureRow) {
	var cols []pages.MeasuredColumn
	for _, c := range criteria {
		if c.Kind == bpo.KindMeasured {
			cols = append(cols, pages.MeasuredColumn{ID: c.ID, Name: c.Name(string(lang)), Unit: c.Unit})
		}
	}
	value := map[[2]int64]float64{}
	for _, m := range ms {
		value[[2]int64{m.VendorID, m.CriterionID}] = m.Value
	}
	var rows []pages.FigureRow
	for _, p := range parts {
		if p.Stage == bpo.StageRejected {
			continue
		}
		row := pages.FigureRow{VendorID: p.VendorID, Name: p.Name, Values: make([]string, len(cols))}
		for i, c := range cols {
			if v, ok := value[[2]int64{p.VendorID, c.ID}]; ok {
				row.Values[i] = inputNumber(lang, v)
			}
		}
		rows = append(rows, row)
	}
	return cols, rows
}
