package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trusted reports whether a is one of the configured reverse proxies.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// clientAddr is the address of the client a request comes from, as
// sign-in attempts are counted against it. X-Forwarded-For is believed only
// as far as trusted proxies wrote it: walking it from the right, the first
// hop that is not a trusted proxy is the client, since everything left of
// it came from the client and can say anything.
func (s *Server) clientAddr(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok {
		return logSafe(r.RemoteAddr)
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return client.String() // garbage: the last hop known is the client
			}
			client = a.Unmap()
			if !s.trusted(client) {
				return client.String()
			}
		}
	}
	return client.String()
}

// viaHTTPS reports whether the browser reached us over HTTPS: TLS on the
// connection itself, or a trusted proxy saying so in X-Forwarded-Proto.
func (s *Server) viaHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer, ok := peerAddr(r)
	if !ok || !s.trusted(peer) {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// hstsHeader asks browsers to use HTTPS only, for a year.
const hstsHeader = "max-age=31536000; includeSubDomains"

// https sends HSTS on answers that went over HTTPS, and marks every cookie
// Secure on them, whatever BPOEVAL_SECURE_COOKIES says: behind a TLS proxy
// the listen address is often loopback, where the default leaves cookies
// unmarked.
func (s *Server) https(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.viaHTTPS(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Strict-Transport-Security", hstsHeader)
		next.ServeHTTP(&secureCookies{ResponseWriter: w}, r)
	})
}

// secureCookies adds Secure to the cookies set on an answer, just before
// its header goes out (the session manager sets its cookie then too).
type secureCookies struct {
	http.ResponseWriter
	done bool
}

func (w *secureCookies) mark() {
	if w.done {
		return
	}
	w.done = true
	cookies := w.Header()["Set-Cookie"]
	for i, c := range cookies {
		if !strings.Contains(strings.ToLower(c), "; secure") {
			cookies[i] = c + "; Secure"
		}
	}
}

func (w *secureCookies) WriteHeader(status int) {
	w.mark()
	w.ResponseWriter.WriteHeader(status)
}

func (w *secureCookies) Write(b []byte) (int, error) {
	w.mark()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *secureCookies) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// noStore keeps every answer of a group out of caches: the API's answers
// are ratings, scores and names, whatever their status.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
