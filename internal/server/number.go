package server

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
)

// The number grammar: one per language, the same in every numeric field
// (weights, thresholds, measured figures, the evaluation's threshold and
// margin). A number is
//
//	[+|-] digits [grouped thousands] [decimal mark digits]
//
// with the language's decimal mark: a point in English, a comma in French.
// Thousands may be grouped by threes with a thin space (U+2009), a
// no-break space (U+00A0), a narrow no-break space (U+202F) or an
// apostrophe (' or ’); French also takes an ordinary space, as it is
// typed there ("2 100,50"). The other language's decimal mark is refused,
// never guessed: "3,100" in English and "3.100" in French could be a
// thousand times apart, so the message shows the forms that are read.
// Exponents, hexadecimal and underscores are refused: nobody types them
// for a price or a weight.

// decimalMark is the language's decimal separator; the other one is refused.
func decimalMark(lang i18n.Lang) (mark, foreign byte) {
	if lang == i18n.FR {
		return ',', '.'
	}
	return '.', ','
}

// groupSeparator reports whether r separates thousands in lang.
func groupSeparator(lang i18n.Lang, r rune) bool {
	switch r {
	case '\u2009', '\u00a0', '\u202f', '\'', '\u2019':
		return true
	case ' ':
		return lang == i18n.FR
	}
	return false
}

// parseNumber reads an optional finite decimal in lang's grammar. Blank is
// absent (present false, no error); anything else is a number or an
// EINVALID error whose message shows the accepted forms.
func parseNumber(lang i18n.Lang, s string) (v float64, present bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	plain, ok := plainNumber(lang, s)
	if !ok {
		key := "error.field.number"
		if _, foreign := decimalMark(lang); strings.IndexByte(s, foreign) >= 0 {
			key = "error.field.number_ambiguous"
		}
		return 0, true, bpo.Errorf(bpo.EINVALID, key)
	}
	v, err = strconv.ParseFloat(plain, 64)
	if err != nil || !bpo.ValidMeasurement(v) {
		return 0, true, bpo.Errorf(bpo.EINVALID, "error.field.number")
	}
	return v, true, nil
}

// plainNumber checks s against lang's grammar and returns it as strconv
// reads it: no separators, a decimal point.
func plainNumber(lang i18n.Lang, s string) (string, bool) {
	mark, _ := decimalMark(lang)
	var b strings.Builder
	if s[0] == '+' || s[0] == '-' {
		b.WriteByte(s[0])
		s = s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, string(mark))
	if !hasFrac && whole == "" || hasFrac && frac == "" && whole == "" {
		return "", false
	}
	group := 0 // digits since the last separator; -1 before any separator
	grouped := false
	for i, w := 0, 0; i < len(whole); i += w {
		r, size := utf8.DecodeRuneInString(whole[i:])
		w = size
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			group++
			if grouped && group > 3 {
				return "", false
			}
		case groupSeparator(lang, r):
			if group == 0 || group > 3 || grouped && group != 3 {
				return "", false
			}
			grouped, group = true, 0
		default:
			return "", false
		}
	}
	if grouped && group != 3 {
		return "", false
	}
	if hasFrac {
		b.WriteByte('.')
		for _, r := range frac {
			if r < '0' || r > '9' {
				return "", false
			}
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// inputNumber writes v for an input field in lang's grammar, so that
// parseNumber reads it back exactly: no grouping, the language's mark.
func inputNumber(lang i18n.Lang, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if mark, _ := decimalMark(lang); mark != '.' {
		s = strings.Replace(s, ".", string(mark), 1)
	}
	return s
}
