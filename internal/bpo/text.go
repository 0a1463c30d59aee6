package bpo

import (
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkText validates a free-text field: valid UTF-8, no control characters
// (newlines and tabs only where multiline), at most max characters.
func checkText(p *Problems, field, value string, max int, required, multiline bool) {
	switch {
	case !utf8.ValidString(value):
		p.Add(field, "error.field.encoding")
	case required && strings.TrimSpace(value) == "":
		p.Add(field, "error.field.required")
	case utf8.RuneCountInString(value) > max:
		p.Add(field, "error.field.too_long", max)
	case hasControl(value, multiline):
		p.Add(field, "error.field.control")
	}
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && len(s) <= 254
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}
