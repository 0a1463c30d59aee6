package server

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// stalled is a body that gives some bytes, then fails as a connection
// does when the client stops sending past the read timeout, or hangs up.
type stalled struct {
	sent bool
	err  error
}

func (b *stalled) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "email=half"), nil
	}
	return 0, b.err
}

// TestParseFormTellsClientAbortsApart sorts what can go wrong reading a
// form: a body cut or stalled by the client is its doing (a client abort,
// logged 4xx), one too large is 413, garbage is 400.
func TestParseFormTellsClientAbortsApart(t *testing.T) {
	for name, tc := range map[string]struct {
		body io.Reader
		want error
	}{
		"Stalled":  {&stalled{err: os.ErrDeadlineExceeded}, errClientAbort},
		"Cut":      {&stalled{err: io.ErrUnexpectedEOF}, errClientAbort},
		"Garbage":  {strings.NewReader("a=%zz"), errBadRequest},
		"TooLarge": {strings.NewReader("a=" + strings.Repeat("x", 2048)), errTooLarge},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/login", tc.body)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1024)
			if _, err := parseForm(r); !errors.Is(err, tc.want) {
				t.Errorf("parseForm: %v, want %v", err, tc.want)
			}
		})
	}
	if got := statusOf(errClientAbort.Code); got != statusClientClosed {
		t.Errorf("a client abort is logged as %d, want %d", got, statusClientClosed)
	}
}
