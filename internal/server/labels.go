package server

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// knownMethods are the methods that get a label of their own. Anyone can
// send any token as a method, and every new label value is a new series
// kept for the life of the process: the rest share one label.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
	http.MethodConnect: true, http.MethodTrace: true,
}

// methodLabel is r's method as metrics and logs name it: itself when it
// is a standard method, OTHER otherwise.
func methodLabel(r *http.Request) string {
	if knownMethods[r.Method] {
		return r.Method
	}
	return "OTHER"
}

// maxLoggedLength is the most of a client-supplied value a log line
// carries; longer ones are cut and marked.
const maxLoggedLength = 256

// logSafe is a client-supplied value as a log line may carry it: cut to
// maxLoggedLength bytes (on a character boundary), with control
// characters, invalid UTF-8 and backslashes escaped, so that a value can
// neither forge log lines nor fill the disk.
func logSafe(s string) string {
	cut := false
	if len(s) > maxLoggedLength {
		i := maxLoggedLength
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s, cut = s[:i], true
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		default:
			b.WriteRune(r)
		}
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}
