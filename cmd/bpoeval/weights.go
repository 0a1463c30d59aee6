package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/bpoeval/bpoeval/internal/ahp"
)

// runWeights implements `bpoeval weights [FILE]`: it reads pairwise
// judgments from FILE (or stdin, also as "-") and prints the AHP weights with
// their consistency ratio as JSON. Judgments it refuses get one line per
// problem on stderr, each naming the offending judgment, nothing on stdout,
// and exit status 2.
func runWeights(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("weights", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: bpoeval weights [FILE]") }
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return &exitError{code: 2} // flag has printed the problem and the usage
	}
	if len(files) > 1 {
		return usageError("bpoeval weights: one file at a time, got %d files", len(files))
	}
	in, closeIn, err := openInput("weights", files, stdin)
	if err != nil {
		return err
	}
	defer closeIn()
	judgments, err := ahp.Decode(in)
	var res *ahp.Result
	if err == nil {
		res, err = ahp.Compute(judgments)
	}
	var inputErr *ahp.InputError
	if errors.As(err, &inputErr) {
		for _, p := range inputErr.Problems {
			fmt.Fprintln(stderr, p)
		}
		return &exitError{code: 2}
	}
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	_, err = stdout.Write(append(out, '\n'))
	return err
}
