package server

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/config"
)

func TestClientAddr(t *testing.T) {
	s := &Server{cfg: config.Config{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}}}
	for name, tc := range map[string]struct {
		remote string
		xff    []string
		want   string
	}{
		"Direct":                {"203.0.113.9:5000", nil, "203.0.113.9"},
		"UntrustedPeerForges":   {"203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		"TrustedProxy":          {"10.0.0.2:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		"RightmostUntrustedHop": {"10.0.0.2:5000", []string{"6.6.6.6, 198.51.100.1, 10.0.0.3"}, "198.51.100.1"},
		"SeveralHeaders":        {"127.0.0.1:5000", []string{"6.6.6.6", "198.51.100.1"}, "198.51.100.1"},
		"OnlyProxies":           {"10.0.0.2:5000", []string{"10.0.0.3"}, "10.0.0.3"},
		"GarbageHop":            {"10.0.0.2:5000", []string{"nonsense"}, "10.0.0.2"},
		"GarbageLeftOfClient":   {"10.0.0.2:5000", []string{"nonsense, 198.51.100.1"}, "198.51.100.1"},
		"ProxyWithoutHeader":    {"10.0.0.2:5000", nil, "10.0.0.2"},
		"MappedIPv4":            {"[::ffff:10.0.0.2]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		"IPv6Client":            {"10.0.0.2:5000", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddr(r); got != tc.want {
				t.Errorf("clientAddr = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestViaHTTPS(t *testing.T) {
	s := &Server{cfg: config.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}
	for name, tc := range map[string]struct {
		remote, proto string
		want          bool
	}{
		"TrustedHTTPS":     {"10.0.0.2:1", "https", true},
		"TrustedListHTTPS": {"10.0.0.2:1", "HTTPS, http", true},
		"TrustedHTTP":      {"10.0.0.2:1", "http", false},
		"UntrustedHTTPS":   {"203.0.113.9:1", "https", false},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			r.Header.Set("X-Forwarded-Proto", tc.proto)
			if got := s.viaHTTPS(r); got != tc.want {
				t.Errorf("viaHTTPS = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLogSafe(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"Plain":       {"/vendors/12", "/vendors/12"},
		"Newline":     {"a\nfake=line", `a\nfake=line`},
		"Escape":      {"\x1b[31mred", `\x1b[31mred`},
		"NUL":         {"a\x00b", `a\x00b`},
		"InvalidUTF8": {"a\xffb", `a\xffb`},
		"Backslash":   {`a\nb`, `a\\nb`},
		"Accents":     {"Réunion", "Réunion"},
		"LineSep":     {"a\u2028b", `a\u2028b`},
	} {
		t.Run(name, func(t *testing.T) {
			if got := logSafe(tc.in); got != tc.want {
				t.Errorf("logSafe(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	long := logSafe(strings.Repeat("é", 1000))
	if len(long) > maxLoggedLength+len("…") || !strings.HasSuffix(long, "…") || strings.Contains(long, `\x`) {
		t.Errorf("a long value is not cut on a character boundary: %d bytes, %q…", len(long), long[:20])
	}
}
