package server

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/report"
)

// showPerformanceReview sends a contract's performance review as a PDF:
// periods ?from= to ?to= (indexes, by default the last twelve up to the
// current one), in the language of ?lang=, else the reader's.
func (s *Server) showPerformanceReview(w http.ResponseWriter, r *http.Request) {
	c, ok := s.contractInPath(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	lang := s.lang(r)
	if v := q.Get("lang"); v != "" {
		l, ok := i18n.Parse(v)
		if !ok {
			s.Error(w, r, errBadRequest)
			return
		}
		lang = l
	}
	now := s.now()
	last := c.LastPeriod(now)
	if last < 0 {
		s.Error(w, r, bpo.Errorf(bpo.EINVALID, "error.contract.not_started"))
		return
	}
	from, to, err := periodRange(q.Get("from"), q.Get("to"), last)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u := bpo.UserFromContext(r.Context())
	data := &report.Performance{Lang: lang, GeneratedAt: now, PreparedBy: report.Person{Name: u.Name, Role: u.Role},
		Contract: c, From: from, To: to}
	var b bytes.Buffer
	if err := s.inReportSlot(r.Context(), func() error { return report.WritePerformance(&b, data) }); err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", attachment(c.VendorName+" "+now.UTC().Format("2006-01-02"), ".pdf"))
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// periodRange reads a review's range of period indexes, each within
// 0…last; missing ends default to the last twelve periods.
func periodRange(fromText, toText string, last int) (int, int, error) {
	from, to := max(0, last-bpo.StandingPeriods+1), last
	var err error
	read := func(s string, dst *int) {
		if s == "" || err != nil {
			return
		}
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 0 || n > last {
			err = bpo.Errorf(bpo.EINVALID, "error.contract.period_outside")
			return
		}
		*dst = n
	}
	read(fromText, &from)
	read(toText, &to)
	if err == nil && from > to {
		err = bpo.Errorf(bpo.EINVALID, "error.contract.range")
	}
	return from, to, err
}
