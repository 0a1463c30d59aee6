package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// runScore implements `bpoeval score [--format json|text] [--lang en|fr] [FILE]`:
// it reads a model from FILE (or stdin, also as "-"), and prints the result.
// A model the engine refuses gets one line per problem on stderr, nothing on
// stdout, and exit status 2.
func runScore(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "json", "output `format`: json or text")
	langName := fs.String("lang", "en", "`language` of the reasons: en or fr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bpoeval score [--format json|text] [--lang en|fr] [FILE]")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return &exitError{code: 2} // flag has printed the problem and the usage
	}
	lang, ok := i18n.Parse(*langName)
	switch {
	case *format != "json" && *format != "text":
		return usageError("bpoeval score: --format must be json or text, not %q", *format)
	case !ok:
		return usageError("bpoeval score: --lang must be en or fr, not %q", *langName)
	case len(files) > 1:
		return usageError("bpoeval score: one model at a time, got %d files", len(files))
	}

	in, closeIn, err := openInput("score", files, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	m, err := scoring.Decode(in)
	var res *scoring.Result
	if err == nil {
		res, err = scoring.Evaluate(m)
	}
	var inputErr *scoring.InputError
	if errors.As(err, &inputErr) {
		for _, p := range inputErr.Problems {
			fmt.Fprintln(stderr, p)
		}
		return &exitError{code: 2}
	}
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}

	if *format == "text" {
		return explain.WriteText(stdout, lang, res)
	}
	out, err := explain.MarshalResult(res, lang)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	_, err = stdout.Write(out)
	return err
}

// parseInterspersed parses flags wherever they appear, so that
// `score model.json --format text` works as well as the other way round.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		args = rest
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// openInput opens the one FILE of a command, or returns stdin when there is
// none or it is "-". A file that cannot be opened is a usage error.
func openInput(cmd string, files []string, stdin io.Reader) (io.Reader, func(), error) {
	if len(files) == 0 || files[0] == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil, nil, usageError("bpoeval %s: %v", cmd, err)
	}
	return f, func() { f.Close() }, nil
}
