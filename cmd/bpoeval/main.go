// Command bpoeval serves the BPO vendor evaluation application and offers the
// command-line tools around it: migrations, user accounts, demo data and the
// offline scoring engine.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, ee.msg)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "bpoeval:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a specific status. Its message, if any, has
// already been phrased for the user and is printed as is.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d: %s", e.code, e.msg) }

// usageError is the status-2 exit used for bad command lines and bad input.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

const usage = `usage: bpoeval <command> [arguments]

commands:
  serve [--addr A] [--demo]          apply migrations and serve HTTP
  migrate up | down N | version      manage the database schema
  user add --email E --name N --role admin|manager|evaluator
                                     create a user (password from stdin, or generated)
  user disable [--enable] --email E  disable an account (its sessions and tokens stop), or enable it
  user set-password --email E        set a password (from stdin, or generated); sessions and tokens end
  demo [--size small|large]          load the demo data set
  score [--format json|text] [--lang en|fr] [FILE]
                                     score an evaluation model (JSON) offline
  weights [FILE]                     pairwise judgments (JSON) to AHP weights and consistency ratio
  dev-db [--dir D]                   find or start a PostgreSQL for development; print its URL`

// run is the whole program: main only wires it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("%s", usage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout)
	case "user":
		return runUser(ctx, rest, getenv, stdin, stdout)
	case "demo":
		return runDemo(ctx, rest, getenv, stdout)
	case "score":
		return runScore(rest, stdin, stdout, stderr)
	case "weights":
		return runWeights(rest, stdin, stdout, stderr)
	case "dev-db":
		return runDevDB(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError("bpoeval: unknown command %q\n%s", cmd, usage)
}
