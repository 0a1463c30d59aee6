package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// analyticsResult is the part of the result JSON the analyses show.
type analyticsResult struct {
	Vendors []struct {
		Key      string `json:"key"`
		Name     string `json:"name"`
		Eligible bool   `json:"eligible"`
	} `json:"vendors"`
	RankReversals []struct {
		Removed string `json:"removed"`
		Leader  string `json:"leader"`
	} `json:"rank_reversals"`
	ValueForMoney *struct {
		CostCriterion string `json:"cost_criterion"`
		Points        []struct {
			Vendor   string `json:"vendor"`
			Frontier bool   `json:"frontier"`
		} `json:"points"`
	} `json:"value_for_money"`
	Robustness *struct {
		Spread        float64            `json:"spread"`
		Acceptability map[string]float64 `json:"acceptability"`
	} `json:"robustness"`
}

func (c *client) analytics(t *testing.T, id int64) analyticsResult {
	t.Helper()
	var r analyticsResult
	if err := json.Unmarshal([]byte(c.get("/api/v1"+evaluationPath(id, "/result")).body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCompareAnalytics: the comparison shows the value-for-money scatter
// (a point and a row per eligible vendor with a price, knocked-out vendors
// left out with a note) and the robustness bars, each titled, described and
// with its figures, as /result says; a what-if re-rank changes both.
func TestCompareAnalytics(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	want := mgr.analytics(t, open)
	if want.ValueForMoney == nil || want.ValueForMoney.CostCriterion != "price" || want.Robustness == nil || want.Robustness.Spread != 0.25 {
		t.Fatalf("the demo's result has value for money %+v and robustness %+v, want the price and ±25%%", want.ValueForMoney, want.Robustness)
	}
	all := "vendor=" + strings.Join(keysOf(want), "&vendor=")
	d := mgr.get(evaluationPath(open, "/compare?"+all)).doc(t)
	value := d.Find("[data-testid=value-for-money]")
	if value.Find("svg title").Length() == 0 || value.Find("svg desc").Length() == 0 || text(d, "[data-testid=value-for-money] [data-testid=chart-title]") == "" {
		t.Errorf("the value-for-money chart has no title or description")
	}
	if got, want := value.Find("svg text.label").Length(), len(want.ValueForMoney.Points); got != want {
		t.Errorf("%d vendors labelled on the scatter, want %d", got, want)
	}
	if got, want := value.Find("[data-testid=value-table] tbody tr").Length(), len(want.ValueForMoney.Points); got != want {
		t.Errorf("%d rows in the scatter's figures, want %d", got, want)
	}
	if !strings.Contains(text(d, "[data-testid=value-note]"), "knocked-out") {
		t.Errorf("no note on the knocked-out vendors left out: %q", text(d, "[data-testid=value-note]"))
	}
	rob := d.Find("[data-testid=robustness]")
	if got, want := rob.Find("svg rect.bar").Length(), len(want.Robustness.Acceptability); got != want {
		t.Errorf("%d robustness bars, want one per eligible vendor (%d)", got, want)
	}
	if rob.Find("[data-testid=robustness-table] tbody tr").Length() != len(want.Robustness.Acceptability) {
		t.Errorf("the robustness figures do not list every eligible vendor")
	}

	// A what-if that weighs service quality far more moves both charts.
	tree := a.weightIDs(open)
	q := url.Values{"vendor": keysOf(want)}
	q.Set("w_"+strconv.FormatInt(tree["quality"].ID, 10), "5")
	q.Set("w_"+strconv.FormatInt(tree["service_levels"].ID, 10), "90")
	after := mgr.get(evaluationPath(open, "/compare?"+q.Encode()), "HX-Request", "true").doc(t)
	for _, sel := range []string{"[data-testid=value-table] tbody", "[data-testid=robustness-table] tbody"} {
		if before, now := text(d, sel), text(after, sel); before == now || now == "" {
			t.Errorf("%s did not change under the what-if:\n%s\n%s", sel, before, now)
		}
	}
	if d.Find("[data-testid=rank-reversal]").Length() != 0 {
		t.Errorf("a rank-reversal warning where /result has none")
	}
}

func keysOf(r analyticsResult) []string {
	var keys []string
	for _, v := range r.Vendors {
		keys = append(keys, v.Key)
	}
	return keys
}

// TestRankReversalWarning: with a price scored relative to the lowest bid,
// a low bid from a vendor out of contention decides between Atlas and
// Carthage. In the demo Carthage leads on everything but price by 0.59
// point (after the moderated cultural fit); on price, Atlas (2,150) gains
// 0.2 × r × (1/2,150 − 1/2,280) × 100 = 0.00053 × r points over Carthage
// (2,280), r being the lowest bid. The lowest is Luzon's 1,650 (knocked
// out, but in the field): 0.88, so Atlas leads by 0.28. Teranga bidding
// 1,000 makes it 0.53: Carthage leads by 0.06, and without Teranga Atlas
// would lead. The comparison warns and links to the anchors of the price.
func TestRankReversalWarning(t *testing.T) {
	a := newApp(t)
	mgr, open, _ := a.loadDemo()
	d, err := a.evaluations.FindEvaluationDetail(a.adminCtx(), open, bpo.WithMeasurements)
	if err != nil {
		t.Fatal(err)
	}
	price := a.weightIDs(open)["price"]
	for _, p := range d.Participants {
		var v float64
		switch strings.SplitN(p.Key, "-", 2)[0] {
		case "teranga":
			v = 1000
		default:
			continue
		}
		if err := a.participants.SetMeasurement(a.adminCtx(), open, p.VendorID, price.ID, &v); err != nil {
			t.Fatal(err)
		}
	}
	res := mgr.analytics(t, open)
	if len(res.RankReversals) == 0 {
		t.Fatalf("no rank reversal in the result")
	}
	for _, lang := range []string{"en", "fr"} {
		mgr.post("/preferences/lang", url.Values{"lang": {lang}})
		page := mgr.get(evaluationPath(open, "/compare?vendor="+strings.Join(keysOf(res), "&vendor=")))
		if page.StatusCode != http.StatusOK {
			t.Fatalf("status %d", page.StatusCode)
		}
		doc := page.doc(t)
		warning := text(doc, "[data-testid=rank-reversal]")
		want := map[string]string{"en": "The lead depends on Téranga", "fr": "L'avance dépend de la présence de Téranga"}[lang]
		if !strings.Contains(warning, want) || !strings.Contains(warning, "Carthage") {
			t.Errorf("%s: warning %q, want it to name Teranga and Carthage", lang, warning)
		}
		var links []string
		doc.Find("[data-testid=rank-reversal] [data-testid=anchor-link]").Each(func(_ int, s *goquery.Selection) {
			links = append(links, s.AttrOr("href", ""))
		})
		if want := evaluationPath(open, "/criteria/"+strconv.FormatInt(price.ID, 10)+"/edit#anchors"); !slices.Contains(links, want) {
			t.Errorf("%s: anchor links %q, want one to %q", lang, links, want)
		}
	}
	mgr.post("/preferences/lang", url.Values{"lang": {"en"}})
	form := mgr.get(evaluationPath(open, "/criteria/"+strconv.FormatInt(price.ID, 10)+"/edit")).doc(t)
	if form.Find("#anchors").Length() != 1 || !strings.Contains(text(form, "[data-testid=scoring-explained]"), "rank reversal") {
		t.Errorf("the criterion form does not explain relative and absolute scoring at #anchors")
	}
}
