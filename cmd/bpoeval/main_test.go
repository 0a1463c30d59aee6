package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(serveChildEnv) != "" {
		serveChild()
	}
	pgtest.Main(m)
}

// exec runs the program with args and an environment, as main would.
func exec(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestUsage(t *testing.T) {
	_, _, err := exec(t, nil, "")
	if exitCode(err) != 2 {
		t.Errorf("no command: exit %d, want 2", exitCode(err))
	}
	_, _, err = exec(t, nil, "", "frobnicate")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %v", err)
	}
}

func TestUserAdd(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.NewDB(t)}

	out, _, err := exec(t, env, "a long enough password\n", "user", "add", "--email", "Ana@Example.test", "--name", "Ana Lima", "--role", "manager")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "created Ana Lima <ana@example.test> (manager)") || strings.Contains(out, "password:") {
		t.Errorf("output = %q", out)
	}

	out, _, err = exec(t, env, "", "user", "add", "--email", "bo@example.test", "--name", "Bo", "--role", "evaluator")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "password: ") {
		t.Errorf("generated password not printed: %q", out)
	}

	for name, tc := range map[string]struct {
		stdin string
		args  []string
		want  string
	}{
		"ShortPassword": {"short pw\n", []string{"--email", "c@example.test", "--name", "C", "--role", "admin"}, "--password: At least 12 characters."},
		"BadRole":       {"a long enough password\n", []string{"--email", "c@example.test", "--name", "C", "--role", "boss"}, "--role:"},
		"BadEmail":      {"a long enough password\n", []string{"--email", "nope", "--name", "C", "--role", "admin"}, "--email: Not a valid e-mail address."},
		"TakenEmail":    {"a long enough password\n", []string{"--email", "ANA@example.test", "--name", "C", "--role", "admin"}, "--email: An account with this e-mail address already exists."},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := exec(t, env, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
			if exitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want exit 2 mentioning %q", err, tc.want)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.NewDB(t)}
	out, _, err := exec(t, env, "", "migrate", "version")
	if err != nil || !strings.HasPrefix(out, "schema version ") {
		t.Fatalf("version: %q %v", out, err)
	}
	latest := out
	if out, _, err = exec(t, env, "", "migrate", "down", "1"); err != nil || out == latest {
		t.Fatalf("down 1: %q %v", out, err)
	}
	if out, _, err = exec(t, env, "", "migrate", "up"); err != nil || out != latest {
		t.Fatalf("up: %q %v, want %q", out, err, latest)
	}
	if _, _, err = exec(t, env, "", "migrate", "down", "zero"); exitCode(err) != 2 {
		t.Errorf("down zero: %v", err)
	}
}

func TestDemoIsIdempotent(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.NewDB(t)}
	out, _, err := exec(t, env, "", "demo")
	if err != nil || !strings.Contains(out, "demo data loaded") || !strings.Contains(out, "evaluator4@demo.test") {
		t.Fatalf("first load: %q %v", out, err)
	}
	out, _, err = exec(t, env, "", "demo", "--size", "small")
	if err != nil || !strings.Contains(out, "already present") {
		t.Fatalf("second load: %q %v", out, err)
	}
	if _, _, err := exec(t, env, "", "demo", "--size", "huge"); exitCode(err) != 2 || !strings.Contains(err.Error(), "small or large") {
		t.Errorf("unknown size: %v", err)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	env := map[string]string{"DATABASE_URL": pgtest.NewDB(t)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &syncWriter{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--demo"}, func(k string) string { return env[k] },
			strings.NewReader(""), stdout, io.Discard)
	}()
	var res *http.Response
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err = http.Get("http://" + addr + "/healthz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("server never answered: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", res.StatusCode)
	}
	if !strings.Contains(stdout.String(), "manager@demo.test") {
		t.Errorf("demo logins not printed: %q", stdout.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestListenAndServeDrainsInFlightRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = w.Write([]byte("finished"))
	})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- listenAndServe(ctx, addr, h, newLogger("text", io.Discard), io.Discard) }()

	body := make(chan string, 1)
	go func() {
		for {
			res, err := http.Get("http://" + addr + "/")
			if err != nil {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body <- string(b)
			return
		}
	}()
	<-started
	cancel() // SIGTERM arrives while the request is in flight
	time.Sleep(100 * time.Millisecond)
	close(release)
	if got := <-body; got != "finished" {
		t.Errorf("in-flight request got %q", got)
	}
	if err := <-done; err != nil {
		t.Errorf("listenAndServe = %v, want nil", err)
	}
}

// syncWriter is a bytes.Buffer safe for a writer and a reader goroutine.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
