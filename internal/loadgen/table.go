package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// printTable prints the report: the table, then what its ceilings mean,
// then the targets of the issue that asked for it, met or not.
func printTable(w io.Writer, rep *Report, poolSize int32) {
	const format = "%-22s %11s %10s %9s %9s  %-14s %9s %8s\n"
	fmt.Fprintf(w, format, "route", "connections", "requests/s", "p50", "p99", "errors", "of static", "SQL/req")
	for _, r := range rep.Rows {
		trips := "—"
		if r.ByServer {
			trips = fmt.Sprintf("%.2f", r.RoundTrips)
		}
		ceiling := "—" // no static asset measured at this count
		if r.Ceiling > 0 {
			ceiling = fmt.Sprintf("%.1f %%", 100*r.Ceiling)
		}
		fmt.Fprintf(w, format, r.Scenario, fmt.Sprint(r.Conns), fmt.Sprintf("%.0f", r.PerSecond()),
			ms(r.Quantile(0.5)), ms(r.Quantile(0.99)), errorsText(r.Stats), ceiling, trips)
	}
	fmt.Fprintf(w, "server peak RSS (VmHWM over every load above): %.1f MB\n", float64(rep.PeakRSS)/(1<<20))
	fmt.Fprintf(w, "database: %s; %s is measured from the bench process through a pgxpool of the server's size (%d connections);\n",
		rep.Where, selectName, poolSize)
	fmt.Fprintln(w, "SQL/req: round trips per request counted by the server's pgx tracer (/metrics); latencies at the client, over loopback.")
	printScaling(w, rep)
	printTargets(w, rep)
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 10 {
		return fmt.Sprintf("%.2f ms", v)
	}
	return fmt.Sprintf("%.1f ms", v)
}

// errorsText is the number of failed requests, with the statuses they got.
func errorsText(s Stats) string {
	if s.Errors() == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", s.Errors(), strings.Join(slices.Sorted(maps.Keys(s.Failed)), ", "))
}

// The connection counts the targets are set at: one for a user's own
// wait, a few for several users at once, 32 for throughput.
const (
	alone = 1
	few   = 4
	many  = 32
)

// printTargets checks the figures against the speed targets: each is met,
// MISSED, or — when the run did not measure it.
func printTargets(w io.Writer, rep *Report) {
	row := func(name string, conns int) *Row {
		for i := range rep.Rows {
			if r := &rep.Rows[i]; r.Scenario == name && r.Conns == conns {
				return r
			}
		}
		return nil
	}
	fmt.Fprintln(w, "targets:")
	verdict := func(what string, ok bool, got string) {
		v := "met"
		if !ok {
			v = "MISSED"
		}
		fmt.Fprintf(w, "  %-6s %s: %s\n", v, what, got)
	}
	// check judges a target on r, which must have answered without error.
	check := func(what string, r *Row, ok func(*Row) bool, got func(*Row) string) {
		switch {
		case r == nil:
			fmt.Fprintf(w, "  %-6s %s: not measured in this run\n", "—", what)
		case r.Errors() == r.Requests:
			fmt.Fprintf(w, "  %-6s %s: not measured: %s\n", "—", what, errorsText(r.Stats))
		case r.Errors() > 0:
			verdict(what, false, fmt.Sprintf("%s, %s errors", got(r), errorsText(r.Stats)))
		default:
			verdict(what, ok(r), got(r))
		}
	}
	ceiling := func(name string, least, stretch float64) {
		r := row(name, many)
		what := fmt.Sprintf("%s at %d connections ≥ %.0f %% of the static ceiling", name, many, 100*least)
		check(what, r, func(r *Row) bool { return r.Ceiling >= least }, func(r *Row) string { return fmt.Sprintf("%.1f %%", 100*r.Ceiling) })
		if stretch > 0 {
			what := fmt.Sprintf("%s at %d connections ≥ %.0f %% of the static ceiling (stretch)", name, many, 100*stretch)
			check(what, r, func(r *Row) bool { return r.Ceiling >= stretch }, func(r *Row) string { return fmt.Sprintf("%.1f %%", 100*r.Ceiling) })
		}
	}
	median := func(name string, limit time.Duration) {
		check(fmt.Sprintf("%s p50 at %d connection ≤ %g ms", name, alone, limit.Seconds()*1000), row(name, alone),
			func(r *Row) bool { return r.Quantile(0.5) <= limit }, func(r *Row) string { return ms(r.Quantile(0.5)) })
	}
	ceiling(compareRow, 0.08, 0.15)
	median(compareRow, 3*time.Millisecond)
	median(whatIfRow, 6*time.Millisecond)
	median(apiResultRow, 2*time.Millisecond)
	ceiling(autosaveRow, 0.08, 0)
	median(reportRow, 30*time.Millisecond)

	// The peak must include the memory-hungry loads: reports at 32
	// connections and the sign-in burst.
	reports, signIns := row(reportRow, many), (*Row)(nil)
	for i := range rep.Rows {
		if r := &rep.Rows[i]; r.Scenario == signInRow {
			signIns = r
		}
	}
	rss := fmt.Sprintf("%.1f MB", float64(rep.PeakRSS)/(1<<20))
	switch {
	case reports == nil || signIns == nil || signIns.Conns < 200:
		fmt.Fprintf(w, "  %-6s server peak RSS ≤ 100 MB with %d concurrent reports and 200 concurrent sign-ins: not measured in this run (%s without them)\n",
			"—", many, rss)
	default:
		verdict(fmt.Sprintf("server peak RSS ≤ 100 MB, %d concurrent reports and %d concurrent sign-ins included", many, signIns.Conns),
			rep.PeakRSS <= 100<<20, rss)
	}

	for _, name := range []string{compareRow, whatIfRow, autosaveRow} {
		// Round trips do not depend on the load: the most any count saw.
		var most *Row
		for i := range rep.Rows {
			if r := &rep.Rows[i]; r.Scenario == name && (most == nil || r.RoundTrips > most.RoundTrips) {
				most = r
			}
		}
		check(name+" ≤ 2 SQL round trips", most, func(r *Row) bool { return r.RoundTrips <= 2 }, func(r *Row) string { return fmt.Sprintf("%.2f", r.RoundTrips) })
	}

	// p99 at a few connections: at 32 closed-loop clients on a couple of
	// cores, p99 measures the queue, not the server. The report has its
	// own target above.
	for _, r := range rep.Rows {
		if r.Conns != alone || !r.ByServer || r.Scenario == reportRow || r.Scenario == signInRow {
			continue
		}
		check(fmt.Sprintf("%s p99 at %d connections ≤ 20 ms", r.Scenario, few), row(r.Scenario, few),
			func(r *Row) bool { return r.Quantile(0.99) <= 20*time.Millisecond }, func(r *Row) string { return ms(r.Quantile(0.99)) })
	}
}

// printScaling prints how the cost of an evaluation grows with its size,
// and the power laws fitted to it.
func printScaling(w io.Writer, rep *Report) {
	if len(rep.Scaling) == 0 {
		return
	}
	fmt.Fprintln(w, "how cost grows: generated evaluations, every scorecard submitted; p50 at 1 connection; scoring in the bench process")
	const format = "%7s %8s %10s %8s %10s %10s %14s %16s\n"
	fmt.Fprintf(w, format, "vendors", "criteria", "evaluators", "ratings", "compare", "what-if", "scoring", "no robustness")
	for _, r := range rep.Scaling {
		fmt.Fprintf(w, format, fmt.Sprint(r.Vendors), fmt.Sprint(r.Criteria), fmt.Sprint(r.Evaluators), fmt.Sprint(r.Ratings()),
			ms(r.Compare), ms(r.WhatIf), ms(r.Scoring), ms(r.ScoringNoRobustness))
	}
	fmt.Fprintf(w, "server peak RSS after the scaling table: %.1f MB\n", float64(rep.ScalingRSS)/(1<<20))
	fmt.Fprintln(w, "fitted growth (least squares on the logarithms; V vendors, C criteria, E evaluators):")
	for _, law := range []struct {
		name string
		of   func(ScalingRow) time.Duration
	}{
		{"compare p50", func(r ScalingRow) time.Duration { return r.Compare }},
		{"what-if p50", func(r ScalingRow) time.Duration { return r.WhatIf }},
		{"scoring", func(r ScalingRow) time.Duration { return r.Scoring }},
		{"scoring, no robustness", func(r ScalingRow) time.Duration { return r.ScoringNoRobustness }},
	} {
		if fit, ok := fitPowerLaw(rep.Scaling, law.of); ok {
			fmt.Fprintf(w, "  %-22s ≈ %s\n", law.name, fit)
		} else {
			fmt.Fprintf(w, "  %-22s: too few shapes to fit\n", law.name)
		}
	}
}
