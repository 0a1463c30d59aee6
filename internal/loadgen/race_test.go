//go:build race

package loadgen_test

func init() { raceFlags = []string{"-race"} }
