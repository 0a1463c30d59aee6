package server_test

import (
	"bufio"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// metric reads one series of the app's /metrics; 0 when it is absent.
func (a *app) metric(t *testing.T, series string) float64 {
	t.Helper()
	res := a.anonymous().get("/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("metrics: status %d", res.StatusCode)
	}
	sc := bufio.NewScanner(strings.NewReader(res.body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	return 0
}

// scoreOf is vendor's total in the API result and on the comparison, which
// must agree.
func scoreOf(t *testing.T, c *client, f *evalFixture, vendor string) float64 {
	t.Helper()
	var api float64 = -1
	for _, v := range c.result(t, f.ev.ID).Vendors {
		if v.Key == vendor {
			api = v.Score
		}
	}
	res := c.get(f.path("/compare"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("compare: status %d", res.StatusCode)
	}
	cell := res.doc(t).Find(fmt.Sprintf("[data-testid=totals] td[data-vendor=%q] [data-testid=score]", vendor)).Text()
	if want := strconv.FormatFloat(api, 'f', 2, 64); cell != want {
		t.Fatalf("%s: comparison total %q, API %s", vendor, cell, want)
	}
	return api
}

// participantKeys are the fixture's vendor keys, in the fixture's order.
func participantKeys(t *testing.T, f *evalFixture) []string {
	t.Helper()
	list, err := f.a.participants.FindParticipants(f.a.adminCtx(), f.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(f.vendors))
	for _, p := range list {
		for i, v := range f.vendors {
			if v.ID == p.VendorID {
				keys[i] = p.Key
			}
		}
	}
	return keys
}

// scoredFixture is an open evaluation of two vendors whose one evaluator
// has rated both and submitted the first only.
func scoredFixture(t *testing.T, a *app) (*evalFixture, *evaluator) {
	t.Helper()
	e := a.newEvaluator("cached@example.test")
	f := a.openEvaluation("Cached", 2, e)
	f.declareNone(e)
	for i := range f.vendors {
		rateAll(t, f, e, i)
	}
	submitAs(t, f, e, 0)
	return f, e
}

// submitAs submits e's scorecard of vendor i as the page does.
func submitAs(t *testing.T, f *evalFixture, e *evaluator, i int) {
	t.Helper()
	page := e.c.get(f.scorecardPath(i, "")).doc(t)
	if res := e.c.post(f.scorecardPath(i, "/submit"), url.Values{"version": {scorecardVersion(page)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d\n%s", res.StatusCode, res.body)
	}
}

// setWeight saves one weight through the criteria page's form.
func setWeight(t *testing.T, c *client, f *evalFixture, key, weight string) {
	t.Helper()
	page := c.get(f.path("/criteria")).doc(t)
	if res := c.post(f.path("/weights"), weightsForm(t, page, map[string]string{key: weight})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save weights: status %d\n%s", res.StatusCode, res.body)
	}
}

// TestScoredCacheFollowsChanges reads the comparison and the API result
// from the cache, and sees a submission and a weight change at once.
func TestScoredCacheFollowsChanges(t *testing.T) {
	a := newApp(t)
	f, e := scoredFixture(t, a)
	mgr := a.signIn("cache-manager@example.test", bpo.RoleManager)
	keys := participantKeys(t, f)

	before := scoreOf(t, mgr, f, keys[1])
	hits := a.metric(t, "bpoeval_scored_cache_hits_total")
	if again := scoreOf(t, mgr, f, keys[1]); again != before {
		t.Fatalf("the same revision scored %v, then %v", before, again)
	}
	if got := a.metric(t, "bpoeval_scored_cache_hits_total"); got <= hits {
		t.Errorf("cache hits %v → %v: the second reading was not served from the cache", hits, got)
	}
	if a.metric(t, "bpoeval_scored_cache_bytes") <= 0 || a.metric(t, "bpoeval_scored_cache_misses_total") <= 0 {
		t.Error("the cache reports no bytes or no misses")
	}

	submitAs(t, f, e, 1)
	submitted := scoreOf(t, mgr, f, keys[1])
	if submitted == before {
		t.Fatalf("vendor B scored %v before and after its scorecard was submitted", before)
	}
	first := scoreOf(t, mgr, f, keys[0])
	setWeight(t, mgr, f, "policies", "95")
	if got := scoreOf(t, mgr, f, keys[0]); got == first {
		t.Errorf("vendor A scored %v before and after a weight change", got)
	}
}

// TestScoredCacheAcrossInstances changes a weight through one instance and
// reads the result at once on another, whose cache held the old one: the
// instances share nothing but the database, reached directly or through
// PgBouncer in transaction pooling mode.
func TestScoredCacheAcrossInstances(t *testing.T) {
	t.Run("Direct", func(t *testing.T) { scoredCacheAcrossInstances(t, newApp(t)) })
	t.Run("PgBouncer", func(t *testing.T) { scoredCacheAcrossInstances(t, newBouncedApp(t)) })
}

func scoredCacheAcrossInstances(t *testing.T, a *app) {
	f, e := scoredFixture(t, a)
	second := a.secondInstance()
	one := a.signIn("two-instances@example.test", bpo.RoleManager)
	other := &client{a: one.a, http: one.http, base: second} // cookies are per host, not per port
	keys := participantKeys(t, f)

	for _, c := range []*client{one, other, one, other} { // both caches warm
		scoreOf(t, c, f, keys[0])
	}
	before := scoreOf(t, other, f, keys[0])
	setWeight(t, one, f, "policies", "95")
	after := scoreOf(t, other, f, keys[0])
	if after == before {
		t.Fatalf("the second instance still scores %v after a weight change on the first", after)
	}
	if got := scoreOf(t, one, f, keys[0]); got != after {
		t.Errorf("the instances disagree: %v and %v", got, after)
	}
	before = scoreOf(t, one, f, keys[1])
	submitAs(t, &evalFixture{a: a, ev: f.ev, vendors: f.vendors, rated: f.rated, byKey: f.byKey},
		&evaluator{User: e.User, c: &client{a: e.c.a, http: e.c.http, base: second}}, 1)
	if got := scoreOf(t, one, f, keys[1]); got == before {
		t.Errorf("the first instance still scores %v after a submission on the second", got)
	}
}

// TestScoredCacheNeverServesEvaluators warms the cache as a manager, then
// asks for every view it serves as an evaluator of the evaluation: each is
// refused as before, and the cache is not even read.
func TestScoredCacheNeverServesEvaluators(t *testing.T) {
	a := newApp(t)
	f, e := scoredFixture(t, a)
	mgr := a.signIn("warm@example.test", bpo.RoleManager)
	views := []string{"/compare", "/compare?w_" + strconv.FormatInt(f.byKey["policies"].ID, 10) + "=50",
		"/report.pdf", "/scores.csv", "/api/v1" + f.path("/result"), "/api/v1" + f.path("/model")}
	path := func(v string) string {
		if strings.HasPrefix(v, "/api/") {
			return v
		}
		return f.path(v)
	}
	for _, v := range views {
		if res := mgr.get(path(v)); res.StatusCode != http.StatusOK {
			t.Fatalf("manager %s: status %d", v, res.StatusCode)
		}
	}
	hits, misses := a.metric(t, "bpoeval_scored_cache_hits_total"), a.metric(t, "bpoeval_scored_cache_misses_total")
	for _, v := range views {
		for _, header := range [][]string{nil, {"HX-Request", "true"}} {
			res := e.c.get(path(v), header...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("evaluator %s %v: status %d, want 403", v, header, res.StatusCode)
			}
			if strings.Contains(res.body, f.ev.Title) {
				t.Errorf("evaluator %s: the refusal names the evaluation", v)
			}
		}
	}
	if h, m := a.metric(t, "bpoeval_scored_cache_hits_total"), a.metric(t, "bpoeval_scored_cache_misses_total"); h != hits || m != misses {
		t.Errorf("evaluators' requests read the cache: hits %v → %v, misses %v → %v", hits, h, misses, m)
	}
	if res := mgr.get(f.path("/compare")); res.StatusCode != http.StatusOK {
		t.Errorf("manager after the refusals: status %d", res.StatusCode)
	}
	if res := mgr.get(evaluationPath(1<<40, "/compare")); res.StatusCode != http.StatusNotFound {
		t.Errorf("a missing evaluation: status %d, want 404", res.StatusCode)
	}
}

// TestScoredCacheConcurrentReaders has managers read every cached view of
// one evaluation at once, with and without what-if weights (run with
// -race: the views share what the cache holds and must only read it).
func TestScoredCacheConcurrentReaders(t *testing.T) {
	a := newApp(t)
	f, _ := scoredFixture(t, a)
	mgr := a.signIn("readers@example.test", bpo.RoleManager)
	policies := strconv.FormatInt(f.byKey["policies"].ID, 10)
	views := []string{f.path("/compare"), f.path("/compare?w_" + policies + "=40"), f.path("/compare?w_" + policies + "=60"),
		f.path("/report.pdf"), f.path("/scores.csv"), "/api/v1" + f.path("/result"), "/api/v1" + f.path("/model")}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(views))
	for g := range 4 {
		for i := range views {
			wg.Go(func() {
				v := views[(i+g)%len(views)]
				if res := mgr.get(v, "HX-Request", "true"); res.StatusCode != http.StatusOK {
					errs <- fmt.Sprintf("%s: status %d", v, res.StatusCode)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestReportIsWrittenOncePerRevision downloads the report twice within a
// minute and gets the same file from the cache, then sees a weight change
// in the next one, and another manager's report names its own preparer.
func TestReportIsWrittenOncePerRevision(t *testing.T) {
	a := newApp(t)
	f, _ := scoredFixture(t, a)
	mgr := a.signIn("report-manager@example.test", bpo.RoleManager)
	download := func(c *client) string {
		t.Helper()
		res := c.get(f.path("/report.pdf"))
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.body, "%PDF-") {
			t.Fatalf("report: status %d", res.StatusCode)
		}
		return res.body
	}
	// Two downloads in one minute are one file; a minute may turn between
	// them, so a third settles it.
	first, second := download(mgr), download(mgr)
	if first != second {
		first, second = second, download(mgr)
	}
	if first != second {
		t.Fatal("two downloads of the same revision within a minute differ")
	}
	hits := a.metric(t, "bpoeval_scored_cache_hits_total")
	download(mgr)
	if got := a.metric(t, "bpoeval_scored_cache_hits_total"); got <= hits {
		t.Errorf("cache hits %v → %v: the report was written again", hits, got)
	}

	setWeight(t, mgr, f, "policies", "95")
	if download(mgr) == second {
		t.Error("the report after a weight change is the one from before it")
	}
	other := a.signIn("other-report-manager@example.test", bpo.RoleManager)
	if download(other) == download(mgr) {
		t.Error("two managers got the same file, prepared by one of them")
	}
}

// TestComparisonContentIsKeptWithoutItsFrame reads a comparison as two
// managers: the content, rendered once for the revision, is the same for
// both and for any query choosing the same vendors, while the frame around
// it is each reader's own, with the notice of a change just saved; a what-if
// is rendered for its request and never kept.
func TestComparisonContentIsKeptWithoutItsFrame(t *testing.T) {
	a := newApp(t)
	f, _ := scoredFixture(t, a)
	first := a.signIn("first-reader@example.test", bpo.RoleManager)
	second := a.signIn("second-reader@example.test", bpo.RoleManager)
	keys := participantKeys(t, f)
	chosen := "?vendor=" + keys[0] + "&vendor=" + keys[1]

	page := func(c *client, query string) (who, content string) {
		t.Helper()
		res := c.get(f.path("/compare" + query))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("compare%s: status %d", query, res.StatusCode)
		}
		d := res.doc(t)
		html, err := d.Find("main").Html()
		if err != nil {
			t.Fatal(err)
		}
		return d.Find("[data-testid=whoami]").Text(), html
	}
	whoFirst, kept := page(first, chosen)
	bytes, misses := a.metric(t, "bpoeval_scored_cache_bytes"), a.metric(t, "bpoeval_scored_cache_misses_total")
	whoSecond, content := page(second, chosen)
	if !strings.Contains(whoFirst, "first-reader") || !strings.Contains(whoSecond, "second-reader") {
		t.Errorf("the frame does not name its reader: %q, then %q", whoFirst, whoSecond)
	}
	if content != kept {
		t.Error("two managers got different contents of the same comparison")
	}
	_, reordered := page(second, "?vendor="+keys[1]+"&vendor=nobody&vendor="+keys[0])
	if reordered != kept {
		t.Error("the same vendors asked in another order got another content")
	}
	if m, b := a.metric(t, "bpoeval_scored_cache_misses_total"), a.metric(t, "bpoeval_scored_cache_bytes"); m != misses || b != bytes {
		t.Errorf("the same comparison was made again: misses %v → %v, bytes %v → %v", misses, m, bytes, b)
	}

	policies := strconv.FormatInt(f.byKey["policies"].ID, 10)
	_, whatIf := page(first, chosen+"&w_"+policies+"=77")
	if whatIf == kept {
		t.Error("a what-if got the content of the stored weights")
	}
	// The cells, rendered once for the vendors compared, are the same
	// under other weights: only their columns' order may change.
	if got, want := tableCells(t, whatIf), tableCells(t, kept); !maps.Equal(got, want) || len(want) == 0 {
		t.Errorf("a what-if's cells differ from the stored weights' (%d and %d cells)", len(got), len(want))
	}
	if b := a.metric(t, "bpoeval_scored_cache_bytes"); b != bytes {
		t.Errorf("a what-if kept its content or its scoring: bytes %v → %v", bytes, b)
	}

	form := weightsForm(t, first.get(f.path("/criteria")).doc(t), map[string]string{"policies": "95"})
	form.Set("next", f.path("/compare"+chosen))
	res := first.post(f.path("/weights"), form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save weights: status %d\n%s", res.StatusCode, res.body)
	}
	saved := first.get(res.Header.Get("Location")).doc(t)
	if saved.Find("[data-testid=flash]").Length() != 1 {
		t.Error("the comparison after saving weights has no notice")
	}
	if _, after := page(second, chosen); after == kept || strings.Contains(after, `data-testid="flash"`) {
		t.Error("after a weight change, the other manager got the old content, or the first one's notice")
	}
}

// tableCells are the comparison table's cells in html, by criterion and
// vendor.
func tableCells(t *testing.T, html string) map[string]string {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	d.Find("[data-testid=compare-table] tbody tr[data-criterion] td[data-vendor]").Each(func(_ int, td *goquery.Selection) {
		tr, _ := td.Parent().Attr("data-criterion")
		vendor, _ := td.Attr("data-vendor")
		cell, err := goquery.OuterHtml(td)
		if err != nil {
			t.Fatal(err)
		}
		cells[tr+"/"+vendor] = cell
	})
	return cells
}
