package server

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/report"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportWorkbook sends the evaluation as one Excel workbook in the
// reader's language (or ?lang=): summary, matrix, ratings, figures,
// moderation and method. It is built from the data of the PDF report, so
// its numbers are those of /api/v1/…/result. Managers only: it quotes
// every evaluator's ratings.
func (s *Server) exportWorkbook(w http.ResponseWriter, r *http.Request) {
	id, lang, ok := s.documentRequest(w, r)
	if !ok {
		return
	}
	d, err := s.loadScored(r.Context(), id, reportParts)
	var data *report.Data
	if err == nil {
		data, err = s.reportData(r.Context(), lang, d, s.now())
	}
	var b bytes.Buffer
	if err == nil {
		err = writeWorkbook(&b, data)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", attachment(data.Evaluation.Title+" "+data.GeneratedAt.UTC().Format("2006-01-02"), ".xlsx"))
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}
