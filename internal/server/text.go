package server

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/web/components"
)

// dueText is a due date in lang, "—" when there is none.
func dueText(lang i18n.Lang, d *time.Time) string {
	if d == nil {
		return "—"
	}
	return i18n.Date(lang, *d)
}

// tr translates a domain message (a catalog key and its arguments) into lang.
func tr(lang i18n.Lang, m bpo.Message) string { return i18n.T(lang, m.Key, m.Args...) }

// fieldErrors returns the translated message of each field of an EINVALID error.
func (s *Server) fieldErrors(r *http.Request, err error) map[string]string {
	out := map[string]string{}
	var e *bpo.Error
	if !errors.As(err, &e) {
		return out
	}
	lang := s.lang(r)
	for _, fe := range e.Fields {
		if _, seen := out[fe.Field]; !seen {
			out[fe.Field] = i18n.T(lang, fe.Key, fe.Args...)
		}
	}
	return out
}

// formAlert phrases a refusal in one line: its message, then the messages of
// the fields the page does not show next to a control (all of them when
// shown is nil), so no problem goes unexplained.
func formAlert(lang i18n.Lang, err error, shown []components.Field) string {
	parts := []string{tr(lang, bpo.ErrorMessage(err))}
	var e *bpo.Error
	if errors.As(err, &e) {
		visible := map[string]bool{}
		for _, f := range shown {
			visible[f.Name] = true
		}
		for _, fe := range e.Fields {
			if !visible[fe.Field] {
				parts = append(parts, tr(lang, fe.Message))
			}
		}
	}
	return strings.Join(slices.Compact(parts), " ")
}

// percentText formats a share, "—" when it cannot be computed.
func percentText(lang i18n.Lang, share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "—"
	}
	return i18n.Percent(lang, share, 1)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func mapNames(lang i18n.Lang, codes []string, name func(i18n.Lang, string) string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = name(lang, c)
	}
	return out
}

func headcountText(lang i18n.Lang, n *int) string {
	if n == nil {
		return "—"
	}
	return i18n.Number(lang, float64(*n), 0)
}

// nonEmpty keeps multi-choice fields with nothing chosen from matching the
// empty option.
func nonEmpty(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

func joinSorted(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func yesNo(lang i18n.Lang, b bool) string {
	if b {
		return i18n.T(lang, "common.yes")
	}
	return i18n.T(lang, "common.no")
}

// popFlash is the one-time notice left by the change just made, in the
// reader's language, or "". Sessions keep its catalog key; view models get
// the text (see the package doc of web/pages).
func (s *Server) popFlash(r *http.Request) string {
	if key := s.sessions.PopString(r.Context(), "flash"); key != "" {
		return i18n.T(s.lang(r), key)
	}
	return ""
}

// scoreDecimals is the one precision rule for scores, subtotals and
// margins on every page, as in the PDF report and the reasons
// (explain.Points): two decimals, so that "75.25 points" in a reason reads
// 75.25 in the table beside it.
const scoreDecimals = 2
