// Package config reads the server's settings from the environment.
package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Config holds every setting of the server.
type Config struct {
	DatabaseURL   string // DATABASE_URL, a postgres:// URL
	Addr          string // BPOEVAL_ADDR, host:port to listen on
	SecureCookies bool   // BPOEVAL_SECURE_COOKIES; default true unless Addr is loopback
	LogFormat     string // BPOEVAL_LOG_FORMAT: text or json
	MetricsPublic bool   // BPOEVAL_METRICS_PUBLIC: serve /metrics beyond loopback
	BodyLimit     int64  // BPOEVAL_BODY_LIMIT: largest request body in bytes
	Integrations         // mail, single sign-on, base URL: see integrations.go
}

// Load reads the configuration through getenv and checks it. Flags may
// override fields afterwards; call Finish then.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
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
