package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bpoeval/bpoeval/internal/demo"
	"github.com/bpoeval/bpoeval/web/static"
)

// scenario is one line of the table: what each virtual user repeats.
type scenario struct {
	name string
	// newUser makes virtual user i's request.
	newUser func(i int) request
	// byServer is false for what the server does not serve (SELECT 1): it
	// has no round trips in the server's metrics to report.
	byServer bool
}

// Names of the scenarios that the table's notes and the targets refer to.
const (
	staticName   = "static asset"
	selectName   = "SELECT 1 (bench pool)"
	scorecardRow = "scorecard page"
	autosaveRow  = "autosave POST"
	compareRow   = "compare"
	whatIfRow    = "what-if re-rank"
	apiResultRow = "API result"
	reportRow    = "report.pdf"
	signInRow    = "sign-in, all at once"
)

// site is the running server as the scenarios see it: where it is, who is
// signed in, and what there is to ask for.
type site struct {
	url      string
	sessions map[string]string // Cookie header by e-mail
	fixture  *fixture
	manager  string // the manager's Cookie header
}

// signIn signs in the demo manager and the evaluators of the drafts the
// users will need, one after the other: each sign-in hashes a password,
// which is deliberately costly.
func signIn(ctx context.Context, baseURL string, f *fixture, users int) (*site, error) {
	s := &site{url: baseURL, sessions: map[string]string{}, fixture: f}
	emails := []string{"manager@demo.test"}
	for i := range users {
		emails = append(emails, f.drafts[i%len(f.drafts)].email)
	}
	for _, email := range emails {
		if s.sessions[email] != "" {
			continue
		}
		cookie, err := login(ctx, baseURL, email)
		if err != nil {
			return nil, err
		}
		s.sessions[email] = cookie
	}
	s.manager = s.sessions["manager@demo.test"]
	return s, nil
}

func login(ctx context.Context, baseURL, email string) (string, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookie, status, err := signInAs(ctx, c, baseURL, email)
	if err != nil {
		return "", fmt.Errorf("sign in as %s: %w", email, err)
	}
	if status != http.StatusSeeOther {
		return "", fmt.Errorf("sign in as %s: status %d", email, status)
	}
	return cookie, nil
}

// signInAs posts the sign-in form with the demo password and returns the
// answer's status and the session cookies it set. c must not follow
// redirects: a sign-in answers 303 See Other.
func signInAs(ctx context.Context, c *http.Client, baseURL, email string) (cookie string, status int, err error) {
	form := url.Values{"email": {email}, "password": {demo.Password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	sameOrigin(req, baseURL)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return "", 0, err
	}
	var cookies []string
	for _, c := range res.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	return strings.Join(cookies, "; "), res.StatusCode, nil
}

// signInBurst has n people sign in at the same moment, as at the start of
// a working day: each attempt hashes a password, the server's costliest
// work in memory. Each comes from a loopback address of its own, as from
// machines of their own, so that the throttling of sign-ins per address
// lets every attempt through to the hash.
func (s *site) signInBurst(ctx context.Context, n int) (Stats, error) {
	emails := []string{"manager@demo.test"}
	for _, d := range s.fixture.drafts {
		if !slices.Contains(emails, d.email) {
			emails = append(emails, d.email)
		}
	}
	from := func(i int) net.IP { return net.IPv4(127, 1, byte(i>>8), byte(i)) }
	return burst(ctx, n, from, func(i int) request {
		return func(ctx context.Context, c *http.Client) (int, error) {
			_, status, err := signInAs(ctx, c, s.url, emails[i%len(emails)])
			if status == http.StatusSeeOther { // signed in
				status = http.StatusOK
			}
			return status, err
		}
	})
}

// sameOrigin marks a request as coming from the application's own pages,
// as a browser does, for the server's cross-origin protection.
func sameOrigin(req *http.Request, baseURL string) {
	req.Header.Set("Origin", baseURL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
}

// get is a GET of path with a session (none when cookie is empty), reading
// the whole answer as a browser would.
func get(baseURL, path, cookie string, header ...string) request {
	return func(ctx context.Context, c *http.Client) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
		if err != nil {
			return 0, err
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, err = io.Copy(io.Discard, res.Body)
		return res.StatusCode, err
	}
}

// scenarios are the table's lines, in order: the two ceilings first, then
// the screens users feel.
func (s *site) scenarios(pool *pgxpool.Pool) []scenario {
	f := s.fixture
	evaluation := fmt.Sprintf("/evaluations/%d", f.evaluationID)
	mine := func(i int) draft { return f.drafts[i%len(f.drafts)] }
	compare, whatIf := s.comparisons(f)
	return []scenario{
		{name: staticName, byServer: true, newUser: func(int) request {
			return get(s.url, static.URL("img/logo.svg"), "")
		}},
		{name: selectName, newUser: func(int) request {
			return func(ctx context.Context, _ *http.Client) (int, error) {
				var one int
				if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
					return 0, err
				}
				return http.StatusOK, nil
			}
		}},
		{name: "dashboard", byServer: true, newUser: func(i int) request {
			return get(s.url, "/", s.sessions[mine(i).email])
		}},
		{name: "vendor search", byServer: true, newUser: func(i int) request {
			return get(s.url, "/vendors?q=services", s.sessions[mine(i).email])
		}},
		{name: scorecardRow, byServer: true, newUser: func(i int) request {
			d := mine(i)
			return get(s.url, fmt.Sprintf("%s/scorecards/%d", evaluation, d.vendorID), s.sessions[d.email])
		}},
		{name: autosaveRow, byServer: true, newUser: func(i int) request {
			return s.autosave(evaluation, i)
		}},
		compare,
		whatIf,
		{name: apiResultRow, byServer: true, newUser: func(int) request {
			return get(s.url, "/api/v1"+evaluation+"/result", s.manager)
		}},
		{name: reportRow, byServer: true, newUser: func(int) request {
			return get(s.url, evaluation+"/report.pdf", s.manager)
		}},
	}
}

// savedVersion finds the rating's version in an autosave's answer: the
// criterion's form, whose version input the page's next save sends. It
// searches for the input's markup rather than matching a pattern, as the
// load generator shares the machine with the server it measures.
func savedVersion(body []byte) (int, bool) {
	const before, after = `name="version" value="`, `" data-testid="version"`
	for i := 0; ; {
		j := bytes.Index(body[i:], []byte(before))
		if j < 0 {
			return 0, false
		}
		i += j + len(before)
		end := bytes.IndexByte(body[i:], '"')
		if end < 0 {
			return 0, false
		}
		if bytes.HasPrefix(body[i+end:], []byte(after)) {
			v, err := strconv.Atoi(string(body[i : i+end]))
			return v, err == nil
		}
	}
}

// autosave has virtual user i save its own draft rating over and over, as
// an evaluator does while typing, each save based on the version the
// previous answer gave: none should ever be stale.
func (s *site) autosave(evaluation string, i int) request {
	d := s.fixture.drafts[i%len(s.fixture.drafts)]
	path := fmt.Sprintf("%s/scorecards/%d/ratings", evaluation, d.vendorID)
	version, n := d.version, 0
	return func(ctx context.Context, c *http.Client) (int, error) {
		n++
		form := url.Values{
			"criterion": {strconv.FormatInt(d.criterionID, 10)},
			"value":     {strconv.Itoa(2 + n%3)},
			"justification": {fmt.Sprintf("Révision n° %d : l’équipe a répondu à nos questions sur la qualité "+
				"des réponses écrites; the pilot figures are in line with the proposal.", n)},
			"version": {strconv.Itoa(version)},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+path, strings.NewReader(form.Encode()))
		if err != nil {
			return 0, err
		}
		sameOrigin(req, s.url)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("Cookie", s.sessions[d.email])
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return 0, err
		}
		// A stale save's answer carries the stored version too: the next
		// save is then based on it, as the page's would be.
		if v, ok := savedVersion(body); ok {
			version = v
		}
		return res.StatusCode, nil
	}
}

// comparisons are the manager's comparison of f's shortlisted vendors and
// its what-if re-rank.
func (s *site) comparisons(f *fixture) (compare, whatIf scenario) {
	evaluation := fmt.Sprintf("/evaluations/%d", f.evaluationID)
	vendors := url.Values{}
	for _, key := range f.compared {
		vendors.Add("vendor", key)
	}
	compare = scenario{name: compareRow, byServer: true, newUser: func(int) request {
		return get(s.url, evaluation+"/compare?"+vendors.Encode(), s.manager)
	}}
	whatIf = scenario{name: whatIfRow, byServer: true, newUser: func(i int) request {
		return s.whatIf(f, evaluation, vendors, i)
	}}
	return compare, whatIf
}

// whatIf re-ranks the compared vendors with other category weights, as the
// compare page's sliders do: an htmx request for a fragment, nothing saved.
// Each request asks for weights not asked before, by any virtual user, so
// that it is scored anew, as a slider's move is: only the evaluation's data
// comes from the server's cache of scored evaluations. The n-th request of
// user i moves one category by 5 + (n mod 4000)/100 + (i+1)/10,000 (users
// stay below 100, so the last term never reaches the hundredths).
func (s *site) whatIf(f *fixture, evaluation string, compare url.Values, i int) request {
	n := 0
	return func(ctx context.Context, c *http.Client) (int, error) {
		n++
		q := url.Values{}
		for k, v := range compare {
			q[k] = v
		}
		for j, id := range f.categories {
			w := f.weights[j]
			if j == n%len(f.categories) {
				w += 5 + float64(n%4000)/100 + float64(i%99+1)/10000
			}
			q.Set("w_"+strconv.FormatInt(id, 10), strconv.FormatFloat(w, 'f', -1, 64))
		}
		return get(s.url, evaluation+"/compare?"+q.Encode(), s.manager, "HX-Request", "true")(ctx, c)
	}
}
