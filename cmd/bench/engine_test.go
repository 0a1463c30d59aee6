package main

import (
	"strings"
	"testing"
	"time"
)

func TestBenchmarkTimes(t *testing.T) {
	out := `goos: linux
pkg: github.com/bpoeval/bpoeval/internal/scoring
BenchmarkEvaluate-2             	     784	   1483098 ns/op	  273984 B/op	     153 allocs/op
BenchmarkEvaluateRobustness-2   	     414	   5058338.5 ns/op
BenchmarkEvaluateVendors/vendors=10-2         	    1659	    758498 ns/op
--- BENCH: BenchmarkRankReversal-2
PASS
`
	got, err := benchmarkTimes(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{
		"BenchmarkEvaluate":                   1483098,
		"BenchmarkEvaluateRobustness":         5058338,
		"BenchmarkEvaluateVendors/vendors=10": 758498,
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for name, d := range want {
		if got[name] != d {
			t.Errorf("%s: %v, want %v", name, got[name], d)
		}
	}
}
