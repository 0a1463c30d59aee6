package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
)

// soak reports whether the long variants of the reliability tests were
// asked for (make soak); make test runs the short ones.
func soak() bool { return os.Getenv("BPOEVAL_SOAK") != "" }

// autosave is one save a writer made and what became of it.
type autosave struct {
	criterion     string
	sent          int // the version the save was based on
	stale         bool
	value         string
	justification string
	status        int
	version       int // the version the answer carries
}

// TestConcurrentAutosaves has 50 writers autosave one scorecard at once,
// as many tabs of one evaluator would, each on one of the 8 criteria, some
// based on the version they last saw and some deliberately on an older
// one. Every save answered 200 must be stored as a version of its own,
// every stale one refused with 409, and the audit log must hold exactly
// one event per accepted save and nothing of the refused ones.
func TestConcurrentAutosaves(t *testing.T) {
	const writers = 50
	rounds := 4
	if soak() {
		rounds = 40
	}
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Race", 1, e)
	f.declareNone(e)

	results := make(chan autosave, writers*rounds)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			c := f.rated[w%len(f.rated)]
			known := 0 // the latest version this writer has seen
			<-start
			for r := range rounds {
				s := autosave{criterion: c.Key, sent: known, value: strconv.Itoa(1 + (w+r)%5),
					justification: fmt.Sprintf("writer %d, save %d", w, r)}
				if (w+r)%3 == 0 {
					// Versions only grow: one below what was seen is stale
					// for sure, and so is one no save can reach.
					s.stale, s.sent = true, known-1
					if known == 0 {
						s.sent = 1_000_000
					}
				}
				res, err := send(t, e.c, request{method: http.MethodPost, path: f.scorecardPath(0, "/ratings"),
					body: url.Values{"criterion": {itoa(c.ID)}, "value": {s.value}, "justification": {s.justification},
						"version": {strconv.Itoa(s.sent)}}.Encode(),
					header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Hx-Request": {"true"}}})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				s.status = res.StatusCode
				if d, err := goqueryDoc(res.body); err == nil {
					v, _ := d.Find(`form[data-key="` + c.Key + `"] input[data-testid=version]`).Attr("value")
					s.version, _ = strconv.Atoi(v)
				}
				known = max(known, s.version)
				results <- s
			}
		})
	}
	close(start)
	wg.Wait()
	close(results)

	accepted := map[string][]autosave{}
	var total, stale, refused int
	for s := range results {
		total++
		if s.stale {
			stale++
		}
		switch {
		case s.status == http.StatusOK && !s.stale:
			if s.version != s.sent+1 {
				t.Errorf("%s: a save on version %d answered version %d", s.criterion, s.sent, s.version)
			}
			accepted[s.criterion] = append(accepted[s.criterion], s)
		case s.status == http.StatusConflict:
			refused++
		default:
			t.Errorf("%s: save on version %d (stale %v): status %d", s.criterion, s.sent, s.stale, s.status)
		}
	}

	stored := f.scorecard(t, e, 0)
	events := ratingEvents(t, a, f.ev.ID)
	nAccepted := 0
	for _, c := range f.rated {
		saves := accepted[c.Key]
		nAccepted += len(saves)
		slices.SortFunc(saves, func(x, y autosave) int { return x.version - y.version })
		// Each accepted save made a version of its own, with none skipped:
		// no accepted save was lost or merged into another.
		for i, s := range saves {
			if s.version != i+1 {
				t.Fatalf("%s: accepted versions %v, want 1…%d", c.Key, versionsOf(saves), len(saves))
			}
		}
		r := stored.Ratings[c.ID]
		if len(saves) == 0 {
			if r != nil {
				t.Errorf("%s: stored %+v, but no save was accepted", c.Key, r)
			}
			continue
		}
		last := saves[len(saves)-1]
		if r == nil || r.Version != last.version || strconv.Itoa(*r.Value) != last.value || r.Justification != last.justification {
			t.Errorf("%s: stored %+v, want the last accepted save %+v", c.Key, r, last)
		}
		for _, s := range saves {
			if got := events[eventKey{c.ID, s.version}]; len(got) != 1 || got[0].Justification != s.justification {
				t.Errorf("%s version %d: audit events %+v, want one with %q", c.Key, s.version, got, s.justification)
			}
		}
	}
	if n := eventCount(events); n != nAccepted {
		t.Errorf("%d audit events for %d accepted saves", n, nAccepted)
	}
	if nAccepted+refused != total || nAccepted == 0 || stale == 0 {
		t.Errorf("%d saves: %d accepted, %d refused, %d deliberately stale", total, nAccepted, refused, stale)
	}
	t.Logf("%d writers, %d saves: %d accepted, %d refused with 409 (%d of them deliberately stale)",
		writers, total, nAccepted, refused, stale)
}

// ratingEvent is what the audit log says a rating became.
type ratingEvent struct {
	CriterionID   int64  `json:"criterion_id"`
	Value         *int   `json:"value"`
	Justification string `json:"justification"`
	Version       int    `json:"version"`
}

type eventKey struct {
	criterion int64
	version   int
}

// ratingEvents reads the audit events of an evaluation's ratings, by
// criterion and version, checking on the way that each one's "before"
// is the version it replaced.
func ratingEvents(t *testing.T, a *app, evaluationID int64) map[eventKey][]ratingEvent {
	t.Helper()
	rows, _ := a.db.Pool.Query(t.Context(), `SELECT before, after FROM audit_events
		WHERE evaluation_id = $1 AND entity = 'rating' ORDER BY id`, evaluationID)
	type pair struct{ before, after []byte }
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pair, error) {
		var p pair
		return p, row.Scan(&p.before, &p.after)
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[eventKey][]ratingEvent{}
	for _, p := range list {
		var after ratingEvent
		var before struct {
			Version *int `json:"version"`
		}
		if err := json.Unmarshal(p.after, &after); err != nil {
			t.Fatal(err)
		}
		if p.before != nil {
			if err := json.Unmarshal(p.before, &before); err != nil {
				t.Fatal(err)
			}
		}
		if want := after.Version - 1; (want == 0) != (before.Version == nil) || before.Version != nil && *before.Version != want {
			t.Errorf("criterion %d version %d: the event's before is %s", after.CriterionID, after.Version, p.before)
		}
		k := eventKey{after.CriterionID, after.Version}
		out[k] = append(out[k], after)
	}
	return out
}

func eventCount(events map[eventKey][]ratingEvent) int {
	n := 0
	for _, list := range events {
		n += len(list)
	}
	return n
}

func versionsOf(saves []autosave) []int {
	out := make([]int, len(saves))
	for i, s := range saves {
		out[i] = s.version
	}
	return out
}

// goqueryDoc parses an HTML answer.
func goqueryDoc(body string) (*goquery.Document, error) {
	return goquery.NewDocumentFromReader(strings.NewReader(body))
}
