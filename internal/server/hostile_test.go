package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// marker tags the hostile payloads, so that a page can be searched for
// what they would have produced.
const marker = "x7331"

// hostilePayloads are what the corpus types into every field of every form.
var hostilePayloads = []struct{ name, value string }{
	{"Oversized", strings.Repeat("A", 20_000)},
	{"OversizedVaried", randomText(20_000)}, // too varied to compress into an index entry
	{"OversizedMultibyte", strings.Repeat("é", 6_000)},
	{"InvalidUTF8", marker + " \xff\xfe\xfd"},
	{"OverlongUTF8", marker + " \xc0\xbcscript\xc0\xbe"},
	{"NUL", marker + "\x00nul"},
	{"ControlChars", marker + "\x07\x1b[31m"},
	{"ScriptTag", `<script>alert("` + marker + `")</script>`},
	{"AttributeBreakout", `"><img src=x onerror=alert('` + marker + `')>`},
	{"SingleQuoteBreakout", `'><svg onload=alert('` + marker + `')>`},
	{"JavascriptURL", "javascript:alert('" + marker + "')"},
	{"HTMXAttributes", `<div hx-post="/logout" hx-trigger="load">` + marker + `</div>`},
	{"HTMXDataAttributes", `<div data-hx-post="/logout" data-hx-trigger="load">` + marker + `</div>`},
	{"TemplateSyntax", "{{.}} ${7*7} <%= " + marker + " %>"},
	{"SQLQuote", marker + "'); DROP TABLE vendors; --"},
	{"SQLTautology", "' OR '1'='1"},
	{"LikeWildcards", `%_\` + marker},
	{"CRLF", marker + "\r\nX-Injected: 1"},
	{"RTLOverride", "\u202e" + marker + " gnp.exe"},
	{"ZeroWidth", "\u200b\u200d\ufeff"},
	{"Emoji", "👩🏽‍💼 " + marker},
	{"Empty", ""},
	{"Blank", "   "},
	{"HugeNumber", "99999999999999999999999999"},
	{"HugeNegative", "-9223372036854775809"},
	{"MaxInt64", "9223372036854775807"},
	{"AboveInt32", "2147483648"},
	{"OffsetOverflow", "368934881474191034"}, // × 25 per page wraps past the largest int64
	{"Negative", "-1"},
	{"Zero", "0"},
	{"NaN", "NaN"},
	{"Inf", "Inf"},
	{"NegativeInfinity", "-Infinity"},
	{"Overflow", "1e309"},
	{"Hex", "0x1F"},
	{"Underscores", "1_000"},
	{"ArabicDigit", "٣"},
	{"ProtocolRelative", "//evil.example/" + marker},
	{"BackslashRedirect", `/\evil.example`},
	{"TabRedirect", "/\t/evil.example"},
	{"AbsoluteURL", "https://evil.example/"},
	{"PathTraversal", "../../../etc/passwd"},
}

// payload is the hostile payload of that name.
func payload(name string) string {
	for _, p := range hostilePayloads {
		if p.name == name {
			return p.value
		}
	}
	panic("no payload " + name)
}

// hostileForm is a form as complete as its page sends it, for the corpus.
type hostileForm struct {
	form  string
	state evalState
}

// hostileForms are the forms with every field their pages send, where the
// matrix's minimal valid form leaves some out. Routes not listed use it.
var hostileForms = map[string][]hostileForm{
	"POST /login": {{form: "email=nobody%40matrix.test&password=not+the+password&next=%2Fvendors"}},
	"POST /vendors": {{form: "name={unique}&country=MA&website=https%3A%2F%2Fatlas.example&contact_name=Yasmine&" +
		"contact_email=y%40atlas.example&contact_phone=%2B212+522&services=customer_support&languages=fr&headcount=120&notes=Visited"}},
	"POST /vendors/{vendorID}": {{form: "name={unique}&country=MA&website=https%3A%2F%2Fatlas.example&contact_name=Yasmine&" +
		"contact_email=y%40atlas.example&contact_phone=%2B212+522&services=customer_support&languages=fr&headcount=120&notes=Visited&version={vendorVersion}"}},
	"POST /evaluations": {{form: "title={unique}&scope=Inbound+calls&services=customer_support&due_date=2027-03-31&" +
		"scale_min=1&scale_max=5&aggregation=mean&award_threshold=60&close_call_margin=3&justification=extremes"}},
	"POST /evaluations/{evaluationID}": {{state: stateDraft, form: "title={unique}&scope=Inbound+calls&services=customer_support&due_date=2027-03-31&" +
		"scale_min=1&scale_max=5&aggregation=median&award_threshold=65&close_call_margin=2.5&justification=all&" +
		"level_en_1=Poor&level_fr_1=Faible&help_en_1=Fails&help_fr_1=Echoue&level_en_2=Weak&level_fr_2=Insuffisant&" +
		"level_en_3=Fair&level_fr_3=Correct&level_en_4=Strong&level_fr_4=Solide&level_en_5=Best&level_fr_5=Excellent&version={evaluationVersion}"}},
	"POST /evaluations/{evaluationID}/decision":                      {{state: stateClosed, form: "vendor=in_house&rationale=No+vendor+is+good+enough&version={evaluationVersion}"}},
	"POST /evaluations/{evaluationID}/participants/{vendorID}/stage": {{form: "stage=rejected&reason=Price+too+high&version={participantVersion}"}},
	"POST /evaluations/{evaluationID}/conflicts":                     {{state: stateDraft, form: "vendor={vendorID}&note_{vendorID}=My+cousin+works+there&next=%2F"}},
	"POST /evaluations/{evaluationID}/figures":                       {{form: "m_{vendorID}_{measuredID}=2100&m_{vendorID}_{otherMeasuredID}=25"}},
	"POST /evaluations/{evaluationID}/criteria": {
		{state: stateDraft, form: "kind=rated&key=k{seq}&name_en={unique}&name_fr={unique}&guidance_en=Look+for+evidence&guidance_fr=Preuves&weight=10&min_rating=2"},
		{state: stateDraft, form: "kind=measured&key=k{seq}&name_en={unique}&name_fr={unique}&weight=10&unit=EUR&better=lower&best=10&worst=60&limit=50"},
	},
	"POST /evaluations/{evaluationID}/criteria/{criterionID}":        {{form: "name_en={unique}&name_fr={unique}&guidance_en=Look&guidance_fr=Voir&weight=20&min_rating=2&version={criterionVersion}"}},
	"POST /evaluations/{evaluationID}/scorecards/{vendorID}/ratings": {{form: "criterion={criterionID}&value=4&justification=Seen+on+site&version={ratingVersion}"}},
}

// field is one field of a form template, placeholders unresolved.
type field struct{ key, value string }

func parseTemplate(form string) []field {
	var out []field
	for _, pair := range strings.Split(form, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		out = append(out, field{k, v})
	}
	return out
}

// encode resolves the template's placeholders, with field i's value
// replaced by values (none: the field is left out).
func (f *matrixFixture) encode(t *testing.T, fields []field, caller role, i int, values ...string) string {
	t.Helper()
	var b strings.Builder
	add := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + v)
	}
	for j, fl := range fields {
		k := f.expand(t, fl.key, caller, url.QueryEscape)
		if j != i {
			add(k, f.expand(t, fl.value, caller, url.QueryEscape))
			continue
		}
		for _, v := range values {
			add(k, url.QueryEscape(v))
		}
	}
	return b.String()
}

// hostileCaller is who sends a route's hostile forms: anyone for the
// public routes, else the least privileged caller it lets through.
func hostileCaller(rc routeCase) role {
	if rc.want[anonymous] != toLogin {
		return anonymous
	}
	return firstAllowed(rc.want)
}

// TestHostileInput types every payload into every field of every form,
// then repeats fields, leaves them out, floods them and oversizes the
// body. No answer may be a 500; a refusal must say why and change nothing;
// a redirect must stay on the site. Every page showing what the form saved
// is then searched for anything the payloads could have made of the HTML.
// Every page also gets every payload in its query string. make test tries
// a tenth of the payloads in each field, rotating, and a quarter in the
// query strings; make soak tries them all.
func TestHostileInput(t *testing.T) {
	routed := walkRoutes(t, newApp(t).srv.Config.Handler)
	tried, pages := 0, 0
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		method, _ := splitKey(key)
		if !routed[key] || !unsafeMethod(method) || strings.HasPrefix(key, "* ") {
			continue
		}
		forms := hostileForms[key]
		if forms == nil {
			forms = []hostileForm{{form: rc.form, state: rc.state}}
		}
		caller := hostileCaller(rc)
		for n, hf := range forms {
			t.Run(fmt.Sprintf("%s#%d", key, n), func(t *testing.T) {
				// An app of its own: a small database keeps the fingerprint
				// taken after every request cheap.
				m := newMatrixApp(t)
				f := m.fixture(t, hf.state)
				fields := parseTemplate(hf.form)
				c := m.client(caller)
				// Some placeholders make their object when first named (a
				// contract, an assessment): name them before the fingerprint.
				f.request(t, key, rc, caller)
				fp := m.fingerprint(t)
				saved := false
				post := func(what, body string) {
					t.Helper()
					req := f.request(t, key, rc, caller)
					req.body = body
					tried++
					res := mustSend(t, c, req)
					fp = checkHostileAnswer(t, m.app, what, res, fp)
					saved = saved || res.StatusCode < 400
				}
				for i, fl := range fields {
					for j, p := range hostilePayloads {
						if soak() || (i+j)%10 == 0 {
							post(fmt.Sprintf("%s=%s", fl.key, p.name), f.encode(t, fields, caller, i, p.value))
						}
					}
					// Repeated fields: a hostile value before a valid one, or after it.
					valid := f.expand(t, fl.value, caller, func(s string) string { return s })
					if i%2 == 0 || soak() {
						post(fl.key+" repeated", f.encode(t, fields, caller, i, payload("ScriptTag"), valid))
					}
					if i%2 == 1 || soak() {
						post(fl.key+" repeated", f.encode(t, fields, caller, i, valid, payload("AttributeBreakout")))
					}
					post(fl.key+" left out", f.encode(t, fields, caller, i))
				}
				flood := make([]string, 1001)
				for i := range flood {
					flood[i] = "1"
				}
				post("1001 values", f.encode(t, append(fields, field{"flood", ""}), caller, len(fields), flood...))
				post("body over the limit", f.encode(t, append(fields, field{"pad", ""}), caller, len(fields), strings.Repeat("x", 1<<20)))
				post("not a form", "%zz&&==")
				if saved {
					pages += searchPages(t, m, f, routed)
				}
			})
		}
	}

	// Query strings: every parameter a page reads, and some it does not,
	// all set to one payload at once. Reading changes nothing, which one
	// fingerprint per page checks.
	m := newMatrixApp(t)
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		method, _ := splitKey(key)
		if !routed[key] || unsafeMethod(method) || strings.HasPrefix(key, "* ") {
			continue
		}
		t.Run(key+"?", func(t *testing.T) {
			f := m.fixture(t, rc.state)
			callers := []role{hostileCaller(rc)}
			if callers[0] == anonymous && allowed(rc.want[manager]) {
				// A public page may answer a signed-in user otherwise:
				// /login?next= redirects.
				callers = append(callers, manager)
			}
			params := []string{"q", "page", "next", "lang", "kind", "actor", "evaluator", "vendor", "parent", "status", "country", "service", "archived"}
			for _, fl := range parseTemplate(rc.query) {
				params = append(params, fl.key)
			}
			f.request(t, key, routeCase{}, callers[0]) // see "name them before the fingerprint" above
			before := m.fingerprint(t)
			for _, caller := range callers {
				c := m.client(caller)
				for j, p := range hostilePayloads {
					if !soak() && j%4 != 0 {
						continue
					}
					q := url.Values{}
					for _, name := range params {
						q.Set(name, p.value)
					}
					req := f.request(t, key, routeCase{}, caller)
					req.path += "?" + q.Encode()
					tried++
					checkHostileAnswer(t, nil, fmt.Sprintf("%s as %s, query %s", key, caller, p.name), mustSend(t, c, req), "")
				}
			}
			if m.fingerprint(t) != before {
				t.Errorf("reading %s with hostile queries changed what is stored", key)
			}
		})
	}
	t.Logf("%d hostile requests (%d payloads), %d pages searched", tried, len(hostilePayloads), pages)
}

// searchPages renders every page showing f, as the evaluator and the
// manager it shows something to, and searches them for injected HTML.
func searchPages(t *testing.T, m *matrixApp, f *matrixFixture, routed map[string]bool) int {
	t.Helper()
	n := 0
	for _, key := range slices.Sorted(maps.Keys(routeTable)) {
		rc := routeTable[key]
		method, _ := splitKey(key)
		if !routed[key] || unsafeMethod(method) || strings.HasPrefix(key, "* ") {
			continue
		}
		for _, r := range []role{owner, manager} {
			if !allowed(rc.want[r]) {
				continue
			}
			req := f.request(t, key, rc, r)
			res := mustSend(t, m.client(r), req)
			n++
			if res.StatusCode >= 500 {
				t.Errorf("%s as %s: status %d", req.path, r, res.StatusCode)
			}
			checkNoInjection(t, fmt.Sprintf("%s as %s", req.path, r), res)
		}
	}
	return n
}

// checkHostileAnswer holds an answer to a hostile request to the rules,
// given the fingerprint from before it, and returns the one after it. A
// nil app skips the fingerprint: the caller checks it for a whole batch.
func checkHostileAnswer(t *testing.T, a *app, what string, res *response, before string) string {
	t.Helper()
	after := before
	if a != nil {
		after = a.fingerprint(t)
	}
	switch {
	case res.StatusCode >= 500:
		t.Errorf("%s: status %d\n%s", what, res.StatusCode, snippet(res.body))
		return after
	case res.StatusCode >= 400:
		if msg := refusalMessage(res); strings.TrimSpace(msg) == "" {
			t.Errorf("%s: status %d without a message\n%s", what, res.StatusCode, snippet(res.body))
		}
		if after != before {
			t.Errorf("%s: refused with %d, but something was stored", what, res.StatusCode)
		}
	case res.StatusCode >= 300:
		if loc := res.Header.Get("Location"); !sameSite(loc) {
			t.Errorf("%s: redirected off the site, to %q", what, loc)
		}
	}
	if res.Header.Get("X-Injected") != "" {
		t.Errorf("%s: a header was injected", what)
	}
	checkNoInjection(t, what, res)
	return after
}

// sameSite reports whether a Location stays on this site as a browser
// reads it: browsers drop tabs and line breaks inside URLs and take a
// backslash for a slash.
func sameSite(loc string) bool {
	norm := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/").Replace(loc)
	return strings.HasPrefix(norm, "/") && !strings.HasPrefix(norm, "//")
}

// refusalMessage is what an answer says to the user about a refusal.
func refusalMessage(res *response) string {
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var body struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal([]byte(res.body), &body)
		return body.Error.Message
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(res.body))
	if err != nil {
		return ""
	}
	return d.Find(`[role=alert], .field-error, [data-testid=error] p, [data-testid=login-error]`).Text()
}

// checkNoInjection searches an HTML answer for elements and attributes
// that our templates never make: they can only come from user data.
func checkNoInjection(t *testing.T, what string, res *response) {
	t.Helper()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && !json.Valid([]byte(res.body)) {
			t.Errorf("%s: the JSON answer is not valid JSON", what)
		}
		return
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(res.body))
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	d.Find("*").Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		switch n.Data {
		case "script":
			if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
				t.Errorf("%s: a script element that is not ours: %s", what, outer(s))
			}
		case "img":
			if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") {
				t.Errorf("%s: an image that is not ours: %s", what, outer(s))
			}
		case "svg":
			// The comparison's charts are ours; their text is escaped.
			if !s.HasClass("chart") {
				t.Errorf("%s: an svg element: %s", what, outer(s))
			}
		case "iframe", "frame", "object", "embed", "math", "base", "style", "foreignobject":
			t.Errorf("%s: a %s element: %s", what, n.Data, outer(s))
		case "meta":
			if _, refresh := s.Attr("http-equiv"); refresh {
				t.Errorf("%s: a meta http-equiv: %s", what, outer(s))
			}
		}
		for _, at := range n.Attr {
			name, value := strings.ToLower(at.Key), strings.ToLower(strings.TrimSpace(at.Val))
			switch {
			case strings.HasPrefix(name, "on"), strings.HasPrefix(strings.TrimPrefix(name, "data-"), "hx-on"):
				t.Errorf("%s: an event handler attribute: %s", what, outer(s))
			case strings.HasPrefix(value, "javascript:") && (name == "href" || name == "src" || name == "action" || name == "formaction" || strings.HasPrefix(strings.TrimPrefix(name, "data-"), "hx-")):
				t.Errorf("%s: a javascript: URL: %s", what, outer(s))
			case strings.HasPrefix(strings.TrimPrefix(name, "data-"), "hx-") && strings.Contains(ownText(s), marker):
				t.Errorf("%s: htmx attributes on user data: %s", what, outer(s))
			}
		}
	})
}

// ownText is the text directly inside an element, not in its children.
func ownText(s *goquery.Selection) string {
	var b strings.Builder
	for c := s.Nodes[0].FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func outer(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	if len(h) > 200 {
		h = h[:200] + "…"
	}
	return h
}

// TestMeasurementsAreSavedTogetherOrNotAtAll sends the figures grid with
// one cell that is refused (a number in the other language's grammar,
// another evaluation's criterion, a rated one, an unknown one): none of the
// others may be stored, whatever order they are read in.
func TestMeasurementsAreSavedTogetherOrNotAtAll(t *testing.T) {
	m := newMatrixApp(t)
	f := m.fixture(t, stateOpen)
	other := m.fixture(t, stateOpen)
	c := m.client(manager)
	path := f.expand(t, "/evaluations/{evaluationID}/figures", manager, url.PathEscape)
	vendor := itoa(f.vendors[1].ID)
	for name, bad := range map[string][2]string{
		"AmbiguousNumber":           {"m_" + vendor + "_" + itoa(f.byKey["price"].ID), "3,100"},
		"OtherEvaluationsCriterion": {"m_" + vendor + "_" + itoa(other.byKey["aht"].ID), "3"},
		"OtherEvaluationsVendor":    {"m_" + itoa(other.vendors[1].ID) + "_" + itoa(f.byKey["aht"].ID), "3"},
		"RatedCriterion":            {"m_" + vendor + "_" + itoa(f.byKey["policies"].ID), "3"},
		"UnknownCriterion":          {"m_" + vendor + "_999999999", "3"},
	} {
		t.Run(name, func(t *testing.T) {
			// Many figures, so that a random map order almost surely reads
			// some valid ones before the refused one.
			form := url.Values{bad[0]: {bad[1]}}
			for _, v := range f.vendors {
				for _, key := range []string{"asa", "aht", "abandonment", "turnaround"} {
					form.Set("m_"+itoa(v.ID)+"_"+itoa(f.byKey[key].ID), "42")
				}
			}
			before := m.fingerprint(t)
			res := mustSend(t, c, request{method: http.MethodPost, path: path, body: form.Encode(),
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("status %d, want a refusal", res.StatusCode)
			}
			if m.fingerprint(t) != before {
				d, _ := m.evaluations.FindEvaluationDetail(m.adminCtx(), f.ev.ID, bpo.WithMeasurements)
				t.Errorf("refused with %d, yet %d figures are stored: the valid ones were saved", res.StatusCode, len(d.Measurements))
			}
		})
	}
}
