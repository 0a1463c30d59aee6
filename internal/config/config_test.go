package config_test

import (
	"slices"
	"testing"

	"github.com/bpoeval/bpoeval/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestTrustedProxies(t *testing.T) {
	for name, tc := range map[string]struct {
		value string
		want  []string
		fails bool
	}{
		"Unset":      {"", nil, false},
		"CIDRs":      {"10.0.0.0/8, 192.168.1.0/24", []string{"10.0.0.0/8", "192.168.1.0/24"}, false},
		"BareAddr":   {"127.0.0.1,::1", []string{"127.0.0.1/32", "::1/128"}, false},
		"HostBits":   {"10.1.2.3/8", []string{"10.0.0.0/8"}, false},
		"Garbage":    {"10.0.0.0/8,proxy.example", nil, true},
		"BadPrefix":  {"10.0.0.0/40", nil, true},
		"EmptyParts": {",10.0.0.0/8,,", []string{"10.0.0.0/8"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := config.Load(env(map[string]string{"BPOEVAL_TRUSTED_PROXIES": tc.value}))
			if tc.fails {
				if err == nil {
					t.Errorf("accepted %q", tc.value)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range c.TrustedProxies {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMigrationsURL(t *testing.T) {
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://app@db/x"}))
	if err != nil || c.Migrations() != "postgres://app@db/x" {
		t.Errorf("single role: %q %v", c.Migrations(), err)
	}
	c, err = config.Load(env(map[string]string{"DATABASE_URL": "postgres://app@db/x", "BPOEVAL_MIGRATE_URL": "postgres://owner@db/x"}))
	if err != nil || c.Migrations() != "postgres://owner@db/x" || c.DatabaseURL != "postgres://app@db/x" {
		t.Errorf("owner role: %q %v", c.Migrations(), err)
	}
}

func TestMemoryLimit(t *testing.T) {
	for value, want := range map[string]int64{
		"":       config.DefaultMemoryLimit,
		"off":    0,
		"200MiB": 200 << 20,
		"1GiB":   1 << 30,
		"512KiB": 512 << 10,
		"123456": 123456,
		"4096B":  4096,
	} {
		c, err := config.Load(env(map[string]string{"GOMEMLIMIT": value}))
		if err != nil || c.MemoryLimit != want {
			t.Errorf("GOMEMLIMIT=%q: %d, %v; want %d", value, c.MemoryLimit, err, want)
		}
	}
	for _, value := range []string{"96MB", "MiB", "-1MiB", "1.5GiB", "0", "9999999TiB"} {
		if _, err := config.Load(env(map[string]string{"GOMEMLIMIT": value})); err == nil {
			t.Errorf("GOMEMLIMIT=%q accepted", value)
		}
	}
}
