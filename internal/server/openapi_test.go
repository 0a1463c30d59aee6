package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/server"
)

// openAPIDoc is the part of the description the coverage test reads.
type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

// TestOpenAPICoversEveryAPIRoute walks the router: every /api/v1 route and
// method has an entry in the description, and every entry is routed.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	a := newApp(t)
	var doc openAPIDoc
	if err := json.Unmarshal(server.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	routed := map[string]bool{}
	for key := range walkRoutes(t, a.srv.Config.Handler) {
		method, pattern := splitKey(key)
		if !strings.HasPrefix(pattern, "/api/v1/") {
			continue
		}
		routed[key] = true
		if _, ok := doc.Paths[pattern][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is routed but has no entry in openapi.json", method, pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			if !routed[strings.ToUpper(method)+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is not routed", strings.ToUpper(method), path)
			}
		}
	}
	res := a.anonymous().get("/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.body != string(server.OpenAPI) {
		t.Error("the served description is not the embedded one")
	}
}

// TestOpenAPILints runs Redocly's validator (tools/package.json, installed
// by `npm ci` in tools/, as .ci/run does) on the description: no error and
// no warning of its recommended rules.
func TestOpenAPILints(t *testing.T) {
	bin := nodeTool(t, "redocly")
	cmd := exec.Command(bin, "lint", "--format", "stylish", "--max-problems", "50", "openapi.json")
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
	if regexp.MustCompile(`You have \d+ warnings?`).Match(out) {
		t.Errorf("redocly lint warns:\n%s", out)
	}
}

// nodeTool finds an npm tool installed under tools/node_modules. A missing
// tool fails the test in CI, which installs it, and skips it elsewhere.
func nodeTool(t *testing.T, name string) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", "tools", "node_modules", ".bin", name))
	if err == nil {
		_, err = os.Stat(bin)
	}
	if err != nil {
		msg := name + " is not installed: run `npm ci` in tools/ (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}
