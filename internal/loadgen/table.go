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
		fmt.Fprintf(w, format, r.Scenario, fmt.Sprint(r.Conns), fmt.Sprintf("%.0f", r.PerSecond()),
			ms(r.Quantile(0.5)), ms(r.Quantile(0.99)), errorsText(r.Stats), fmt.Sprintf("%.1f %%", 100*r.Ceiling), trips)
	}
	fmt.Fprintf(w, "server peak RSS (VmHWM over the whole run): %.1f MB\n", float64(rep.PeakRSS)/(1<<20))
	fmt.Fprintf(w, "database: %s; %s is measured from the bench process through a pgxpool of the server's size (%d connections);\n",
		rep.Where, selectName, poolSize)
	fmt.Fprintln(w, "SQL/req: round trips per request counted by the server's pgx tracer (/metrics); latencies at the client, over loopback.")
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

// printTargets checks the figures against the targets of the issue that
// asked for `make bench`, at the highest connection count.
func printTargets(w io.Writer, rep *Report) {
	conns := 0
	for _, r := range rep.Rows {
		conns = max(conns, r.Conns)
	}
	row := func(name string, conns int) *Row {
		for i := range rep.Rows {
			if r := &rep.Rows[i]; r.Scenario == name && r.Conns == conns {
				return r
			}
		}
		return nil
	}
	fmt.Fprintf(w, "targets (%d connections unless said):\n", conns)
	check := func(what string, r *Row, ok bool, got string) {
		verdict := "met"
		switch {
		case r.Errors() == r.Requests:
			verdict, got = "—", "not measured: "+errorsText(r.Stats)
		case !ok:
			verdict = "MISSED"
		}
		fmt.Fprintf(w, "  %-6s %s: %s\n", verdict, what, got)
	}
	for _, name := range []string{scorecardRow, autosaveRow, compareRow, whatIfRow} {
		r := row(name, conns)
		if r == nil {
			continue
		}
		p99 := r.Quantile(0.99)
		check(name+" p99 ≤ 20 ms, 0 errors", r, p99 <= 20*time.Millisecond && r.Errors() == 0,
			fmt.Sprintf("p99 %s, %s errors", ms(p99), errorsText(r.Stats)))
	}
	if r := row(compareRow, conns); r != nil {
		check("compare ≥ 15 % of the static ceiling", r, r.Ceiling >= 0.15 && r.Errors() == 0, fmt.Sprintf("%.1f %%", 100*r.Ceiling))
		check("compare ≤ 3 SQL round trips", r, r.RoundTrips <= 3 && r.Errors() == 0, fmt.Sprintf("%.2f", r.RoundTrips))
	}
	if r := row(autosaveRow, conns); r != nil {
		check("autosave ≤ 2 SQL round trips", r, r.RoundTrips <= 2 && r.Errors() == 0, fmt.Sprintf("%.2f", r.RoundTrips))
	}
	if r := row(reportRow, 1); r != nil {
		p50 := r.Quantile(0.5)
		check("report.pdf ≤ 50 ms server time (p50 at 1 connection)", r, p50 <= 50*time.Millisecond && r.Errors() == 0,
			fmt.Sprintf("%s, %s errors", ms(p50), errorsText(r.Stats)))
	}
	verdict := "met"
	if rep.PeakRSS > 100<<20 {
		verdict = "MISSED"
	}
	fmt.Fprintf(w, "  %-6s server peak RSS ≤ 100 MB: %.1f MB\n", verdict, float64(rep.PeakRSS)/(1<<20))
}
