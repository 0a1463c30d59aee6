package server

import (
	"net/http"
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

func participantRows(lang i18n.Lang, parts []*bpo.Participant) []pages.ParticipantRow {
	rows := make([]pages.ParticipantRow, len(parts))
	for i, p := range parts {
		rows[i] = pages.ParticipantRow{VendorID: p.VendorID, Name: p.Name, Country: i18n.CountryName(lang, p.Country),
			Stage: string(p.Stage), Reason: p.RejectReason, Version: p.Version}
	}
	return rows
}
