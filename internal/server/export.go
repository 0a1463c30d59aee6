package server

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// scoresColumns are the catalog keys of the ratings export's header row.
var scoresColumns = []string{"evaluation", "vendor", "evaluator", "criterion_key", "criterion_name",
	"rating", "justification", "status", "updated_at", "kind"}

// exportScores streams every figure the scoring model counts as CSV, one
// row per rating, then one per consensus value agreed at moderation, then
// one per measured figure (the kind column tells them apart); ?include=drafts adds the ratings of draft scorecards. The
// separator is the user's spreadsheet's: a semicolon in French, a comma in
// English, or as ?sep= says. Managers only.
func (s *Server) exportScores(w http.ResponseWriter, r *http.Request) {
	id, ok := s.evaluationInPath(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	var f bpo.RatingFilter
	switch r.URL.Query().Get("include") {
	case "":
	case "drafts":
		f.Drafts = true
	default:
		s.Error(w, r, errBadRequest)
		return
	}
	sep, err := csvSeparator(lang, r.URL.Query())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.loadScored(r.Context(), id, bpo.WithMeasurements)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e := d.Evaluation
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", attachment(i18n.T(lang, "export.file_name", e.Title), ".csv"))
	h.Set("Cache-Control", "no-store")
	out := &firstWrite{w: w}
	err = s.writeScores(r.Context(), out, lang, sep, d.EvaluationDetail, f)
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
func (s *Server) writeScores(ctx context.Context, w io.Writer, lang i18n.Lang, sep rune, d *bpo.EvaluationDetail, f bpo.RatingFilter) error {
	buf := bufio.NewWriter(w)
	out := newCSV(buf, sep)
	e := d.Evaluation
	record := make([]string, len(scoresColumns))
	for i, c := range scoresColumns {
		record[i] = i18n.T(lang, "export.column."+c)
	}
	if err := out.write(record...); err != nil {
		return err
	}
	kind := i18n.T(lang, "export.kind.rating")
	err := s.scorecards.ExportRatings(ctx, e.ID, f, func(rt *bpo.RatingRecord) error {
		record[0], record[1], record[2] = e.Title, rt.VendorName, rt.EvaluatorName
		record[3], record[4], record[5] = rt.CriterionKey, rt.CriterionName(string(lang)), strconv.Itoa(rt.Value)
		record[6], record[7] = rt.Justification, i18n.T(lang, "scorecard.state."+string(rt.Status))
		record[8], record[9] = rt.UpdatedAt.UTC().Format(time.RFC3339), kind
		return out.write(record...)
	})
	if err != nil {
		return err
	}
	consensus, err := s.moderation.FindConsensus(ctx, e.ID)
	if err != nil {
		return err
	}
	kind = i18n.T(lang, "export.kind.consensus")
	for _, k := range consensus {
		c, p := d.Criterion(k.CriterionID), d.Participant(k.VendorID)
		if c == nil || p == nil {
			continue
		}
		// The value is the panel's, not one evaluator's: the reason agreed
		// for it stands where a rating's justification does.
		err := out.write(e.Title, p.Name, "", c.Key, c.Name(string(lang)), strconv.Itoa(k.Value), k.Reason, "",
			k.RecordedAt.UTC().Format(time.RFC3339), kind)
		if err != nil {
			return err
		}
	}
	kind = i18n.T(lang, "export.kind.measurement")
	for _, m := range d.Measurements {
		c, p := d.Criterion(m.CriterionID), d.Participant(m.VendorID)
		if c == nil || p == nil {
			continue
		}
		err := out.write(e.Title, p.Name, "", c.Key, c.Name(string(lang)), inputNumber(lang, m.Value), "", "",
			m.UpdatedAt.UTC().Format(time.RFC3339), kind)
		if err != nil {
			return err
		}
	}
	return out.flush()
}

// csvSeparator is the separator an export uses: ?sep=semicolon or
// ?sep=comma, else the one spreadsheets expect in lang (French ones split
// on semicolons, since the comma is their decimal mark).
func csvSeparator(lang i18n.Lang, q url.Values) (rune, error) {
	switch q.Get("sep") {
	case "semicolon":
		return ';', nil
	case "comma":
		return ',', nil
	case "":
		if lang == i18n.FR {
			return ';', nil
		}
		return ',', nil
	}
	return 0, errBadRequest
}

// csvOut writes an export's rows: a byte order mark first, which makes
// spreadsheet programs read the file as UTF-8 (without it Excel shows
// accented letters as two characters), CRLF line ends, every cell made safe
// by csvCell.
type csvOut struct {
	buf *bufio.Writer
	w   *csv.Writer
}

func newCSV(buf *bufio.Writer, sep rune) *csvOut {
	_, _ = buf.WriteString("\ufeff")
	w := csv.NewWriter(buf) // writes through buf, which is big enough to be reused
	w.UseCRLF, w.Comma = true, sep
	return &csvOut{buf: buf, w: w}
}

func (c *csvOut) write(cells ...string) error {
	for i, v := range cells {
		cells[i] = csvCell(v)
	}
	return c.w.Write(cells)
}

func (c *csvOut) flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
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
