package server

import "testing"

// TestSafeNext keeps the redirect after sign-in on this site, as a browser
// reads the Location: browsers drop tabs and line breaks inside a URL and
// take a backslash for a slash, so "/\t/evil.example" is "//evil.example".
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/vendors?q=atlas":          "/vendors?q=atlas",
		"/evaluations/3/scorecards": "/evaluations/3/scorecards",
		"":                          "/",
		"vendors":                   "/",
		"//evil.example":            "/",
		`/\evil.example`:            "/",
		"/\t/evil.example":          "/",
		"/\n/evil.example":          "/",
		"/\r/evil.example":          "/",
		"\t//evil.example":          "/",
		`/a\..\..\/evil.example`:    "/",
		"https://evil.example/":     "/",
		"javascript:alert(1)":       "/",
		"/%09/evil.example":         "/%09/evil.example", // escaped: a path on this site
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
