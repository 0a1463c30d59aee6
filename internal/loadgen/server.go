package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is `bpoeval serve` running as a process of its own, so that its
// memory is its own and can be read from /proc.
type server struct {
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:port
	log  *os.File
	done chan error // the process's exit
}

// startServer starts bin serving on a free loopback port, with env (where
// its database is) added to the environment, its log going to logPath, and
// returns once it listens.
func startServer(ctx context.Context, bin string, env []string, logPath string) (*server, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), env...), "BPOEVAL_LOG_FORMAT=text")
	cmd.Stderr = log
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start the server: %w", err)
	}
	s := &server{cmd: cmd, log: log, done: make(chan error, 1)}
	// serve prints one line once it listens: "bpoeval listening on http://…".
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "listening on "); ok {
				listening <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
		s.done <- cmd.Wait()
	}()
	select {
	case s.url = <-listening:
		return s, nil
	case err = <-s.done:
		s.done <- err
		err = fmt.Errorf("the server exited before listening (%v); its log:\n%s", err, s.logTail())
	case <-time.After(time.Minute):
		err = fmt.Errorf("the server did not listen within a minute; its log:\n%s", s.logTail())
	case <-ctx.Done():
		err = ctx.Err()
	}
	return nil, errors.Join(err, s.stop())
}

// peakRSS is the most memory the server has had resident so far, in bytes
// (VmHWM, the resident set's high-water mark).
func (s *server) peakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("server memory: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("server memory: %q: %w", line, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, errors.New("server memory: no VmHWM in /proc/<pid>/status")
}

// stop asks the server to shut down gracefully, kills it if it takes more
// than a few seconds, and waits for it.
func (s *server) stop() error {
	defer s.log.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return exitError(err)
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("the server did not stop within 20 s of SIGTERM: killed")
	}
}

// exitError ignores the exit caused by the SIGTERM of stop.
func exitError(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGTERM {
		return nil
	}
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// logTail is the end of the server's log, to show why it failed.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.log.Name())
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
