package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Number formats v with the given number of decimals in lang's convention:
// 1,234.5 in English, 1 234,5 in French (narrow no-break space for thousands).
func Number(lang Lang, v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	sep, dec := ",", "."
	if lang == FR {
		sep, dec = "\u202f", ","
	}
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// Percent formats a share in 0…1 as a percentage with the given decimals:
// "34 %" in French, "34%" in English.
func Percent(lang Lang, share float64, decimals int) string {
	n := Number(lang, share*100, decimals)
	if lang == FR {
		return n + "\u202f%"
	}
	return n + "%"
}

// Date formats t as a calendar date: "23 Nov 2026" / "23 nov. 2026".
func Date(lang Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + T(lang, "month.short."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// DateTime formats t as a date and a 24-hour time.
func DateTime(lang Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(lang, t) + " " + t.Format("15:04")
}

// Unit is a measured criterion's unit as lang writes it: the units of the
// criteria template that are words ("days") are translated; any other unit,
// typed by a manager or a symbol such as "s" or "EUR", is shown as it is.
func Unit(lang Lang, unit string) string {
	if unit != "" && Has("unit."+unit) {
		return T(lang, "unit."+unit)
	}
	return unit
}
