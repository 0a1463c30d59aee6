package server

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// scoresColumns are the catalog keys of the ratings export's header row.
var scoresColumns = []string{"evaluation", "vendor", "evaluator", "criterion_key", "criterion_name",
	"rating", "justification", "status", "updated_at"}

// exportScores streams every rating the scoring model counts as CSV, one
// row per rating; ?include=drafts adds the ratings of draft scorecards.
// Managers only.
func (s *Server) exportScores(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	var f bpo.RatingFilter
	switch r.URL.Query().Get("include") {
	case "":
	case "drafts":
		f.Drafts = true
	default:
		s.Error(w, r, errBadRequest)
		return
	}
	e, err := s.evaluations.FindEvaluationByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := s.lang(r)
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachment(i18n.T(lang, "export.file_name", e.Title), ".csv"))
	h.Set("Cache-Control", "no-store")
	out := &firstWrite{w: w}
	err = s.writeScores(r.Context(), out, lang, e, f)
	switch {
	case err == nil:
	case !out.done:
		// Nothing has reached the client: it can still get an error page.
		h.Del("Content-Disposition")
		s.Error(w, r, err)
	default:
		// Half a file would look whole: break the response off instead, so
		// that the download visibly fails.
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "scores export interrupted",
			slog.String("id", requestIDFrom(r.Context())), slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
}

// writeScores writes the export to w. It buffers, so that an error before
// the first rows leaves w untouched.
func (s *Server) writeScores(ctx context.Context, w io.Writer, lang i18n.Lang, e *bpo.Evaluation, f bpo.RatingFilter) error {
	buf := bufio.NewWriter(w)
	// The byte order mark makes spreadsheet programs read the file as UTF-8;
	// without it Excel shows accented letters as two characters.
	_, _ = buf.WriteString("\ufeff")
	out := csv.NewWriter(buf) // writes through buf, which is big enough to be reused
	out.UseCRLF = true
	record := make([]string, len(scoresColumns))
	write := func() error {
		for i, v := range record {
			record[i] = csvCell(v)
		}
		return out.Write(record)
	}
	for i, c := range scoresColumns {
		record[i] = i18n.T(lang, "export.column."+c)
	}
	if err := write(); err != nil {
		return err
	}
	err := s.scorecards.ExportRatings(ctx, e.ID, f, func(rt *bpo.RatingRecord) error {
		record[0], record[1], record[2] = e.Title, rt.VendorName, rt.EvaluatorName
		record[3], record[4], record[5] = rt.CriterionKey, rt.CriterionName(string(lang)), strconv.Itoa(rt.Value)
		record[6], record[7] = rt.Justification, i18n.T(lang, "scorecard.state."+string(rt.Status))
		record[8] = rt.UpdatedAt.UTC().Format(time.RFC3339)
		return write()
	})
	if err != nil {
		return err
	}
	out.Flush()
	return out.Error()
}

// csvCell makes text safe to open in a spreadsheet. A cell starting with
// =, +, -, @, a tab or a carriage return may be run as a formula (CSV
// injection), so it gets a leading apostrophe, which spreadsheets take to
// mean "text" and do not show. Line breaks become \n, which csv.Writer
// writes as CRLF: with UseCRLF it would drop a lone \r.
func csvCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		s = "'" + s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// firstWrite notes whether anything was written to w, and so whether the
// response's status and headers are still open.
type firstWrite struct {
	w    io.Writer
	done bool
}

func (f *firstWrite) Write(p []byte) (int, error) {
	f.done = true
	return f.w.Write(p)
}
