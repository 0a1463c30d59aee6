package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError("usage: bpoeval user add --email E --name N --role admin|manager|evaluator")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, manager or evaluator")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError("bpoeval user add: %v", err)
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return usageError("bpoeval user add: DATABASE_URL is not set")
	}

	pw, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	n := bpo.NewUser{Email: *email, Name: *name, Role: bpo.Role(*role), Password: pw}
	if err := n.Validate(); err != nil {
		return usageError("bpoeval user add:\n%s", describeProblems(err))
	}
	if err := postgres.Migrate(url); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := postgres.NewUserService(db).CreateUser(ctx, n, password.Hash(pw, password.Default))
	if bpo.ErrorCode(err) == bpo.EINVALID {
		return usageError("bpoeval user add:\n%s", describeProblems(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s <%s> (%s)\n", u.Name, u.Email, u.Role)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}

// readPassword takes the first line of stdin; with nothing there it
// generates one (and says so, so it can be printed once).
func readPassword(stdin io.Reader) (pw string, generated bool, err error) {
	if stdin != nil {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, fmt.Errorf("read password: %w", err)
		}
		if pw = strings.TrimRight(line, "\r\n"); pw != "" {
			return pw, false, nil
		}
	}
	return password.Generate(), true, nil
}

// describeProblems lists an EINVALID error's fields in English for the terminal.
func describeProblems(err error) string {
	var e *bpo.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	var b strings.Builder
	for _, fe := range e.Fields {
		fmt.Fprintf(&b, "  --%s: %s\n", fe.Field, i18n.T(i18n.EN, fe.Key, fe.Args...))
	}
	return strings.TrimRight(b.String(), "\n")
}
