package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/explain"
	"github.com/bpoeval/bpoeval/internal/i18n"
	"github.com/bpoeval/bpoeval/internal/scoring"
)

// TestAPIDecisionRecord reads the decision record as DESIGN.md states it,
// before and after a change, and recomputes the decision offline.
func TestAPIDecisionRecord(t *testing.T) {
	a := newApp(t)
	mgr, open, closed := a.loadDemo()

	res := mgr.get(apiPath(open, "/decision"))
	var none map[string]any
	if err := json.Unmarshal([]byte(res.body), &none); err != nil || res.StatusCode != http.StatusOK ||
		len(none) != 1 || none["status"] != "none" {
		t.Errorf("before any decision: %d %s", res.StatusCode, res.body)
	}
	if res := mgr.get(apiPath(open, "/decision/model")); res.StatusCode != http.StatusNotFound {
		t.Errorf("model of no decision: status %d, want 404", res.StatusCode)
	}

	doc := decisionDoc(t, mgr.get(apiPath(closed, "/decision")).body)
	wantKeys := []string{"departs_from_recommendation", "departure_reason", "history", "model_sha256", "outcome",
		"rationale", "recommendation", "recorded_at", "recorded_by", "status", "vendor"}
	if got := slices.Sorted(maps.Keys(doc)); !slices.Equal(got, wantKeys) {
		t.Errorf("keys = %v", got)
	}
	if doc["status"] != "recorded" || doc["outcome"] != "award" || doc["vendor"] != "port-louis-bpo-centre" ||
		doc["recorded_by"] != "manager@demo.test" {
		t.Errorf("decision = %v", doc)
	}
	if _, err := time.Parse(time.RFC3339, doc["recorded_at"].(string)); err != nil || !strings.HasSuffix(doc["recorded_at"].(string), "Z") {
		t.Errorf("recorded_at = %v", doc["recorded_at"])
	}
	rec := doc["recommendation"].(map[string]any)
	if _, ok := rec["decision"].(string); !ok {
		t.Errorf("recommendation = %v", rec)
	}
	departs := doc["departs_from_recommendation"].(bool)
	if want := !(rec["decision"] == "award" && rec["vendor"] == doc["vendor"]); departs != want {
		t.Errorf("departs = %v for %v", departs, rec)
	}
	if departs != (doc["departure_reason"] != nil) {
		t.Errorf("departure reason %v with departs %v", doc["departure_reason"], departs)
	}

	model := mgr.get(apiPath(closed, "/decision/model"))
	sum := sha256.Sum256([]byte(model.body))
	if model.StatusCode != http.StatusOK || doc["model_sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("model: status %d, hash %v, want %x", model.StatusCode, doc["model_sha256"], sum)
	}
	snap, err := a.decisions.FindDecisionSnapshot(a.adminCtx(), closed)
	if err != nil {
		t.Fatal(err)
	}
	m, err := scoring.Decode(strings.NewReader(model.body))
	if err != nil {
		t.Fatal(err)
	}
	result, err := scoring.Evaluate(m)
	if err != nil {
		t.Fatal(err)
	}
	if offline, _ := explain.MarshalResult(result, i18n.EN); string(offline) != string(snap.Result) {
		t.Error("scoring the decision's model offline differs from the stored result")
	}

	ev, err := a.evaluations.FindEvaluationByID(a.adminCtx(), closed)
	if err != nil {
		t.Fatal(err)
	}
	change := url.Values{"version": {itoa(int64(ev.Version))}, "vendor": {"in_house"}, "rationale": {"Budget frozen."},
		"departure_reason": {"The board cut the budget."}, "change": {"1"}, "change_reason": {"The board froze the budget."}}
	if res := mgr.post(evaluationPath(closed, "/decision"), change); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: status %d", res.StatusCode)
	}
	doc = decisionDoc(t, mgr.get(apiPath(closed, "/decision")).body)
	history := doc["history"].([]any)
	if doc["outcome"] != "in_house" || doc["vendor"] != nil || len(history) != 1 {
		t.Fatalf("after the change: %v", doc)
	}
	h := history[0].(map[string]any)
	for _, k := range []string{"outcome", "vendor", "recorded_at", "superseded_at", "change_reason"} {
		if _, ok := h[k]; !ok {
			t.Errorf("history entry lacks %s: %v", k, h)
		}
	}
	if h["outcome"] != "award" || h["vendor"] != "port-louis-bpo-centre" || h["change_reason"] != "The board froze the budget." {
		t.Errorf("history = %v", h)
	}

	evaluator := a.signIn("someone@example.test", bpo.RoleEvaluator)
	if res := evaluator.get(apiPath(closed, "/decision")); res.StatusCode != http.StatusForbidden {
		t.Errorf("an evaluator reading the decision: status %d", res.StatusCode)
	}
}

func apiPath(id int64, suffix string) string { return "/api/v1" + evaluationPath(id, suffix) }

func decisionDoc(t *testing.T, body string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("decision JSON: %v\n%s", err, body)
	}
	return doc
}
