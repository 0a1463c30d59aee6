// Command bench measures a bpoeval server under load: see package loadgen.
//
//	go run ./cmd/bench [--server bin/bpoeval] [--size large|small] [--duration 3s] [--conns 1,4,32] [--engine=false]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/bpoeval/bpoeval/internal/loadgen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "bin/bpoeval", "the bpoeval binary to measure")
	size := fs.String("size", "large", "demo data set to load: large or small")
	duration := fs.Duration("duration", 3*time.Second, "how long each scenario runs at each connection count")
	conns := fs.String("conns", "1,4,32", "connection counts, comma-separated")
	engine := fs.Bool("engine", true, "then run the scoring engine's benchmarks (go test, from the module's root) for its targets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var counts []int
	for f := range strings.SplitSeq(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("--conns: %q is not a connection count", f)
		}
		counts = append(counts, n)
	}
	_, err := loadgen.Run(ctx, loadgen.Options{Server: *server, Size: *size, Duration: *duration, Conns: counts, Getenv: getenv},
		stdout, stderr)
	if err != nil || !*engine {
		return err
	}
	return checkEngine(ctx, stdout)
}
