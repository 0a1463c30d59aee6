package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// The validity and accessibility gates: every page state a browser test
// reaches is checked by axe-core, injected into the page, and its HTML by
// the Nu HTML Checker; a violation or an error fails the test. .ci/run
// installs both (npm ci in tools/checkers, Java from Debian); without them
// the tests fail in CI and, on a developer machine, say so and go on.

// checkersDir holds the checkers' npm packages, from this package's directory.
const checkersDir = "../../tools/checkers/node_modules"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join(checkersDir, "axe-core", "axe.min.js"))
	return string(b), err
})

// checkersMissing fails the test in CI, or logs on a developer machine,
// when a checker is not installed; it reports whether the check can run.
func checkersMissing(t *testing.T, what string, err error) bool {
	t.Helper()
	if err == nil {
		return false
	}
	msg := fmt.Sprintf("%s is not installed (%v): run npm ci --prefix tools/checkers and apt-get install default-jre-headless", what, err)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Log(msg)
	return true
}

// checkPage runs axe-core on the page as it stands and keeps its HTML for
// the Nu HTML Checker, which runs once over all of a test's pages at its
// end. name says which state it is in the failures.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`)); err != nil {
		t.Fatalf("%s: wait for the page: %v", name, err)
	}
	checkAxe(t, ctx, name)
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`"<!DOCTYPE html>\n" + document.documentElement.outerHTML`))
	if err != nil {
		t.Fatalf("%s: read the page: %v", name, err)
	}
	queueHTMLCheck(t, name, html)
}

// axeViolation is what axe-core reports of a rule the page breaks.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func checkAxe(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	src, err := axeSource()
	if checkersMissing(t, "axe-core", err) {
		return
	}
	run := `(async () => {
		if (!window.axe) { ` + src + `
		}
		const r = await axe.run(document, {resultTypes: ["violations"]});
		return JSON.stringify(r.violations);
	})()`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", name, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		t.Fatalf("%s: read axe-core's report: %v", name, err)
	}
	for _, v := range violations {
		for _, n := range v.Nodes {
			t.Errorf("%s: axe %s (%s): %s at %v: %s", name, v.ID, v.Impact, v.Help, n.Target, n.HTML)
		}
	}
}

// htmlChecks are the pages of each test still to be checked by vnu.
var htmlChecks sync.Map // *testing.T → *pendingHTML

type pendingHTML struct {
	dir   string
	names map[string]string // file → state name
}

func queueHTMLCheck(t *testing.T, name, html string) {
	t.Helper()
	p, loaded := htmlChecks.LoadOrStore(t, &pendingHTML{dir: t.TempDir(), names: map[string]string{}})
	pending := p.(*pendingHTML)
	if !loaded {
		t.Cleanup(func() { htmlChecks.Delete(t); runVNU(t, pending) })
	}
	file := filepath.Join(pending.dir, fmt.Sprintf("%02d.html", len(pending.names)))
	if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	pending.names[file] = name
}

// runVNU checks the test's pages with the Nu HTML Checker in one run.
func runVNU(t *testing.T, p *pendingHTML) {
	t.Helper()
	jar := filepath.Join(checkersDir, "vnu-jar", "build", "dist", "vnu.jar")
	_, err := os.Stat(jar)
	if err == nil {
		_, err = exec.LookPath("java")
	}
	if checkersMissing(t, "the Nu HTML Checker", err) {
		return
	}
	args := []string{"-jar", jar, "--errors-only", "--format", "json", "--exit-zero-always"}
	for file := range p.names {
		args = append(args, file)
	}
	var stderr bytes.Buffer
	cmd := exec.Command("java", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("run vnu: %v\n%s", err, stderr.String())
	}
	var report struct {
		Messages []struct {
			URL     string `json:"url"`
			Type    string `json:"type"`
			Line    int    `json:"lastLine"`
			Message string `json:"message"`
			Extract string `json:"extract"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("read vnu's report: %v\n%s", err, stderr.String())
	}
	for _, m := range report.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		file := strings.TrimPrefix(m.URL, "file:")
		t.Errorf("%s: vnu line %d: %s: %q", p.names[file], m.Line, m.Message, m.Extract)
	}
}
