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
	"github.com/bpoeval/bpoeval/internal/config"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/password"
	"github.com/bpoeval/bpoeval/internal/postgres"
)

const userUsage = `usage: bpoeval user add --email E --name N --role admin|manager|evaluator
       bpoeval user disable [--enable] --email E
       bpoeval user set-password --email E`

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError(userUsage)
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, args[1:], getenv, stdin, stdout)
	case "disable":
		return runUserDisable(ctx, args[1:], getenv, stdout)
	case "set-password":
		return runUserSetPassword(ctx, args[1:], getenv, stdin, stdout)
	}
	return usageError(userUsage)
}

// hasher bounds the command's hashing as the server bounds its own.
func hasher() *password.Limiter {
	return password.NewLimiter(password.Default, 0, password.DefaultWait)
}

func runUserAdd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, manager or evaluator")
	if err := fs.Parse(args); err != nil {
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
	if err := postgres.MigrateAs(ctx, migrationsURL(getenv), url); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := hasher().Hash(ctx, pw)
	if err != nil {
		return err
	}
	u, err := postgres.NewUserService(db).CreateUser(ctx, n, hash)
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

// migrationsURL is where migrations run: BPOEVAL_MIGRATE_URL, else DATABASE_URL.
func migrationsURL(getenv func(string) string) string {
	return config.Config{DatabaseURL: getenv("DATABASE_URL"), MigrateURL: getenv("BPOEVAL_MIGRATE_URL")}.Migrations()
}

// existingUser opens the database and finds the account of --email.
func existingUser(ctx context.Context, cmd string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (*postgres.DB, *bpo.User, error) {
	fs := flag.NewFlagSet("user "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "e-mail address of the account")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil || *email == "" {
		return nil, nil, usageError("bpoeval user %s: --email is required\n%s", cmd, userUsage)
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		return nil, nil, usageError("bpoeval user %s: DATABASE_URL is not set", cmd)
	}
	if err := postgres.MigrateAs(ctx, migrationsURL(getenv), url); err != nil {
		return nil, nil, err
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	u, err := postgres.NewUserService(db).FindUserByEmail(ctx, *email)
	if bpo.ErrorCode(err) == bpo.ENOTFOUND {
		db.Close()
		return nil, nil, usageError("bpoeval user %s: no account has the e-mail address %s", cmd, *email)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, u, nil
}

// runUserDisable disables an account (its sessions end, its tokens stop),
// or enables it again with --enable.
func runUserDisable(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var enable *bool
	db, u, err := existingUser(ctx, "disable", args, getenv, func(fs *flag.FlagSet) {
		enable = fs.Bool("enable", false, "enable the account again")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := postgres.NewUserService(db).SetUserDisabled(ctx, u.ID, !*enable); err != nil {
		return err
	}
	state := "disabled"
	if *enable {
		state = "enabled"
	}
	fmt.Fprintf(stdout, "%s <%s> is %s\n", u.Name, u.Email, state)
	return nil
}

// runUserSetPassword sets an account's password from stdin, or a generated
// one it prints; the account's sessions and tokens end.
func runUserSetPassword(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	db, u, err := existingUser(ctx, "set-password", args, getenv, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	pw, generated, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if err := bpo.ValidatePassword("password", pw); err != nil {
		return usageError("bpoeval user set-password:\n%s", describeProblems(err))
	}
	hash, err := hasher().Hash(ctx, pw)
	if err != nil {
		return err
	}
	if err := postgres.NewUserService(db).SetUserPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s <%s> set; its sessions and API tokens have ended\n", u.Name, u.Email)
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
