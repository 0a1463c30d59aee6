package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/postgres/pgtest"
)

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/<pid>/status")
	return 0
}

// rssBudget is what 200 parallel sign-ins may take the server process to,
// under its default memory limit.
const rssBudget = 100 << 20

// TestParallelSignInsStayWithinMemory sends a real `bpoeval serve` 200
// sign-ins at once for unknown accounts, each from an address of its own
// (through a trusted proxy, so that no throttle stops them before the
// password is hashed): every answer is 401, 429 or 503, never 500, and
// the process's peak resident memory stays under 100 MB, since no more
// argon2id computations run at a time than the default memory limit holds.
//
// The process is the real command, built for the test without the race
// detector, whose shadow memory would be counted too.
func TestParallelSignInsStayWithinMemory(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bpoeval")
	build := osexec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := startProcess(t, osexec.Command(bin, "serve"), pgtest.NewDB(t), "127.0.0.1:0", "BPOEVAL_TRUSTED_PROXIES=127.0.0.1/32")
	base := "http://" + srv.addr
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	idle := peakRSS(t, srv.cmd.Process.Pid)

	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			form := url.Values{"email": {fmt.Sprintf("nobody%d@load.test", i)}, "password": {"guess guess guess"}}
			req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.18.%d.%d", i/250, 1+i%250))
			res, err := client.Do(req)
			status := 0
			if err == nil {
				status = res.StatusCode
				if status == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "" {
					t.Error("a 503 without Retry-After")
				}
				res.Body.Close()
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	peak := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("200 parallel sign-ins: statuses %v; peak RSS %.1f MB (%.1f MB before the burst)", statuses, float64(peak)/(1<<20), float64(idle)/(1<<20))
	for status, n := range statuses {
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d, want only 401, 429 or 503", n, status)
		}
	}
	if statuses[http.StatusUnauthorized] == 0 {
		t.Error("no password was checked at all")
	}
	if peak > rssBudget {
		t.Errorf("peak RSS %.1f MB, over the %d MB budget", float64(peak)/(1<<20), rssBudget>>20)
	}
}
