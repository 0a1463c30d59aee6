// Package config reads the server's settings from the environment.
package config

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Config holds every setting of the server.
type Config struct {
	DatabaseURL string // DATABASE_URL, a postgres:// URL, as the runtime role
	MigrateURL  string // BPOEVAL_MIGRATE_URL: migrations as the schema's owner; "" means DATABASE_URL
	// TrustedProxies (BPOEVAL_TRUSTED_PROXIES, comma-separated CIDRs) are
	// the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
	// believed; from anyone else those headers are ignored.
	TrustedProxies []netip.Prefix
	Addr           string // BPOEVAL_ADDR, host:port to listen on
	SecureCookies  bool   // BPOEVAL_SECURE_COOKIES; default true unless Addr is loopback
	LogFormat      string // BPOEVAL_LOG_FORMAT: text or json
	MetricsPublic  bool   // BPOEVAL_METRICS_PUBLIC: serve /metrics beyond loopback
	BodyLimit      int64  // BPOEVAL_BODY_LIMIT: largest request body in bytes
	// MemoryLimit is the Go runtime's soft memory limit in bytes, which the
	// server sizes its password-hashing and report slots for: GOMEMLIMIT
	// when set (0 for "off"), else DefaultMemoryLimit.
	MemoryLimit  int64
	Integrations // mail, single sign-on, base URL: see integrations.go
}

// Load reads the configuration through getenv and checks it. Flags may
// override fields afterwards; call Finish then.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		MigrateURL:  getenv("BPOEVAL_MIGRATE_URL"),
		Addr:        getenv("BPOEVAL_ADDR"),
		LogFormat:   getenv("BPOEVAL_LOG_FORMAT"),
		BodyLimit:   1 << 20,
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("BPOEVAL_LOG_FORMAT: %q is neither text nor json", c.LogFormat)
	}
	var err error
	if c.TrustedProxies, err = prefixes(getenv("BPOEVAL_TRUSTED_PROXIES")); err != nil {
		return c, err
	}
	if c.MetricsPublic, err = boolEnv(getenv, "BPOEVAL_METRICS_PUBLIC", false); err != nil {
		return c, err
	}
	if v := getenv("BPOEVAL_BODY_LIMIT"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return c, fmt.Errorf("BPOEVAL_BODY_LIMIT: %q is not a size of at least 1024 bytes", v)
		}
		c.BodyLimit = n
	}
	if c.MemoryLimit, err = memoryLimit(getenv("GOMEMLIMIT")); err != nil {
		return c, err
	}
	if c.Integrations, err = loadIntegrations(getenv); err != nil {
		return c, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	secure, err := boolEnv(getenv, "BPOEVAL_SECURE_COOKIES", true)
	if err != nil {
		return c, err
	}
	// Plain HTTP on loopback is the development set-up: a Secure cookie would
	// never come back from the browser there.
	c.SecureCookies = secure
	if getenv("BPOEVAL_SECURE_COOKIES") == "" {
		c.SecureCookies = !IsLoopback(c.Addr)
	}
	return c, nil
}

// IsLoopback reports whether the listen address host:port is on loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// prefixes parses a comma-separated list of CIDRs; a bare address is a
// prefix of its full length.
func prefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("BPOEVAL_TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/8", f)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// Migrations is the URL migrations run as: the owner's, else the runtime's.
func (c Config) Migrations() string {
	if c.MigrateURL != "" {
		return c.MigrateURL
	}
	return c.DatabaseURL
}

func boolEnv(getenv func(string) string, name string, def bool) (bool, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s: %q is not true or false", name, v)
	}
	return b, nil
}

// DefaultMemoryLimit is the soft memory limit of a server started without
// GOMEMLIMIT: the garbage collector works harder as the heap nears it. It
// bounds the memory the Go runtime manages; the program's code and the C
// library's take their share of resident memory on top, about 15 MB, so
// that the process stays under 100 MB.
const DefaultMemoryLimit = 80 << 20

// memoryLimit reads GOMEMLIMIT as the Go runtime does: "off", or a number of
// bytes with an optional unit B, KiB, MiB, GiB or TiB.
func memoryLimit(v string) (int64, error) {
	switch v {
	case "":
		return DefaultMemoryLimit, nil
	case "off":
		return 0, nil
	}
	digits := strings.TrimRight(v, "BKMGTi")
	shift := map[string]uint{"": 0, "B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40}
	unit, ok := shift[v[len(digits):]]
	n, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || n < 1 || n > math.MaxInt64>>unit {
		return 0, fmt.Errorf("GOMEMLIMIT: %q is not a size such as 96MiB, or off", v)
	}
	return n << unit, nil
}
