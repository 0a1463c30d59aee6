package postgres_test

import (
	"runtime"
	"testing"

	"github.com/bpoeval/bpoeval/internal/postgres"
)

func TestPoolConfigSize(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want int32
	}{
		{"postgres://app@db.example/bpoeval", int32(max(8, 2*runtime.NumCPU()))},
		{"postgres://app@db.example/bpoeval?pool_max_conns=3", 3},
		{"host=db.example dbname=bpoeval pool_max_conns=12", 12},
	} {
		cfg, err := postgres.PoolConfig(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxConns != tc.want {
			t.Errorf("%s: %d connections, want %d", tc.url, cfg.MaxConns, tc.want)
		}
	}
	if _, err := postgres.PoolConfig("postgres://app@db.example/bpoeval?pool_max_conns=many"); err == nil {
		t.Error("a pool size that is not a number is accepted")
	}
}
