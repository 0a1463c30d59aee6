package server

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// attachment is a Content-Disposition that saves the response as name+ext.
// filename* (RFC 6266, RFC 8187) carries the name as it is, accents and
// all; filename is an ASCII version for the clients that ignore filename*.
func attachment(name, ext string) string {
	ascii := asciiName(name)
	if ascii == "" {
		ascii = "download"
	}
	return fmt.Sprintf(`attachment; filename="%s%s"; filename*=UTF-8''%s`, ascii, ext, percentEncode(name+ext))
}

// asciiName keeps the letters and digits of name, lower-cased and without
// their accents, and turns every other run of characters into one hyphen.
func asciiName(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r): // the accent of a decomposed letter
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			gap = false
		default:
			gap = true
		}
	}
	return b.String()
}

// percentEncode escapes every byte of s but RFC 8187's attr-char.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
