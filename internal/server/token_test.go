package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bpoeval/bpoeval/internal/bpo"
)

// newToken creates an API token through the page, as its owner would, and
// returns its id and secret.
func newToken(t *testing.T, c *client, name string) (int64, string) {
	t.Helper()
	res := c.post("/account/tokens", url.Values{"name": {name}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create token: status %d", res.StatusCode)
	}
	d := res.doc(t)
	secret := d.Find("[data-testid=token-secret]").AttrOr("value", "")
	id, err := strconv.ParseInt(d.Find("[data-testid=token-row]").First().AttrOr("data-token-id", ""), 10, 64)
	if err != nil || secret == "" {
		t.Fatalf("new token page: id %v, secret %q", err, secret)
	}
	return id, secret
}

// bearer requests path with nothing but the token: no cookie.
func bearer(a *app, path, secret string) *response {
	a.t.Helper()
	return a.anonymous().get(path, "Authorization", "Bearer "+secret)
}

// wantTokenRefused checks the 401 a client without a valid token gets.
func wantTokenRefused(t *testing.T, res *response) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string }
	}
	if res.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(res.body), &body) != nil ||
		body.Error.Code != bpo.EUNAUTHORIZED || !strings.Contains(body.Error.Message, "token") {
		t.Errorf("status %d, body %s; want a 401 about the token", res.StatusCode, res.body)
	}
	if got, want := res.Header.Get("WWW-Authenticate"), `Bearer error="invalid_token"`; got != want {
		t.Errorf("WWW-Authenticate = %q, want %q", got, want)
	}
}

func TestCreateTokenShowsTheSecretOnce(t *testing.T) {
	a := newApp(t)
	// The API has nothing for evaluators: no link, no page, no token.
	eve := a.signIn("eve@example.test", bpo.RoleEvaluator)
	if eve.get("/").doc(t).Find("[data-testid=tokens-link]").Length() != 0 {
		t.Error("an evaluator is shown the API tokens link")
	}
	if res := eve.get("/account/tokens"); res.StatusCode != http.StatusForbidden {
		t.Errorf("an evaluator's tokens page: status %d, want 403", res.StatusCode)
	}
	c := a.signIn("mia@example.test", bpo.RoleManager)
	page := c.get("/").doc(t)
	if href := page.Find("[data-testid=tokens-link]").AttrOr("href", ""); href != "/account/tokens" {
		t.Fatalf("nav link to the tokens = %q", href)
	}
	if d := c.get("/account/tokens").doc(t); d.Find("[data-testid=no-tokens]").Length() != 1 {
		t.Error("an account without tokens does not say so")
	}

	res := c.post("/account/tokens", url.Values{"name": {"Power BI refresh"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page with the secret may be cached: Cache-Control %q", cc)
	}
	d := res.doc(t)
	secret := d.Find("[data-testid=token-secret]").AttrOr("value", "")
	if !regexp.MustCompile(`^bpo_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Fatalf("secret = %q", secret)
	}
	if text(d, "[data-testid=new-token] [role=alert]") == "" {
		t.Error("no warning that the secret will not be shown again")
	}
	if got := text(d, "[data-testid=token-name]"); got != "Power BI refresh" {
		t.Errorf("listed name = %q", got)
	}
	if got, want := text(d, "[data-testid=token-prefix]"), secret[:12]+"…"; got != want {
		t.Errorf("prefix = %q, want %q", got, want)
	}

	again := c.get("/account/tokens")
	if strings.Contains(again.body, secret[4:]) {
		t.Error("the secret is shown a second time")
	}
	if d := again.doc(t); d.Find("[data-testid=new-token]").Length() != 0 || text(d, "[data-testid=token-last-used]") != "Never" {
		t.Error("the list shows more than the token's name, prefix and dates")
	}
	if strings.Contains(a.log.String(), secret[4:]) {
		t.Error("the secret is in the log")
	}
}

func TestCreateTokenRefusesABadName(t *testing.T) {
	a := newApp(t)
	c := a.signIn("mgr@example.test", bpo.RoleManager)
	for name, value := range map[string]string{
		"Blank":   "  ",
		"TooLong": strings.Repeat("n", bpo.TokenNameMax+1),
	} {
		t.Run(name, func(t *testing.T) {
			res := c.post("/account/tokens", url.Values{"name": {value}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			d := res.doc(t)
			if text(d, "[data-testid=error-name]") == "" || d.Find("#name").AttrOr("value", "") != value {
				t.Error("the form does not say what is wrong, or lost the input")
			}
			if d.Find("[data-testid=token-secret]").Length() != 0 {
				t.Error("a secret was shown")
			}
		})
	}
}

func TestBearerTokenOnTheAPI(t *testing.T) {
	a := newApp(t)
	e := a.newEvaluator("eve@example.test")
	f := a.openEvaluation("Contact centre", 2, e)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	mgrToken, mgrSecret := newToken(t, mgr, "reporting")
	// A token made by a manager since demoted to evaluator: a token can do
	// what its owner can now, no more.
	_, eveSecret := newToken(t, a.signIn("demoted@example.test", bpo.RoleManager), "notebook")
	if _, err := a.db.Pool.Exec(t.Context(), `UPDATE users SET role = 'evaluator' WHERE email = 'demoted@example.test'`); err != nil {
		t.Fatal(err)
	}

	t.Run("Manager", func(t *testing.T) {
		res := bearer(a, "/api/v1/evaluations", mgrSecret)
		var list []struct{ ID int64 }
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.body), &list) != nil ||
			len(list) != 1 || list[0].ID != f.ev.ID {
			t.Fatalf("status %d, body %s", res.StatusCode, res.body)
		}
		if res := bearer(a, "/api/v1"+f.path("/result"), mgrSecret); res.StatusCode != http.StatusOK {
			t.Errorf("result: status %d", res.StatusCode)
		}
		line := regexp.MustCompile(`(?m)^.*route=/api/v1/evaluations .*$`).FindString(a.log.String())
		owner, err := a.users.FindUserByEmail(context.Background(), "mgr@example.test")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, "user="+itoa(owner.ID)+" token="+itoa(mgrToken)) {
			t.Errorf("the request log does not name the token and its owner: %q", line)
		}
		if got := text(mgr.get("/account/tokens").doc(t), "[data-testid=token-last-used]"); got == "Never" {
			t.Error("the token's use was not noted")
		}
	})
	t.Run("EvaluatorOnManagerData", func(t *testing.T) {
		for _, p := range []string{"/api/v1/evaluations", "/api/v1" + f.path("/model"), "/api/v1" + f.path("/result")} {
			if res := bearer(a, p, eveSecret); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", p, res.StatusCode)
			}
		}
	})
	t.Run("TokenWinsOverTheSession", func(t *testing.T) {
		// The manager's browser sends an evaluator's token: the token decides.
		if res := mgr.get("/api/v1/evaluations", "Authorization", "Bearer "+eveSecret); res.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", res.StatusCode)
		}
		wantTokenRefused(t, mgr.get("/api/v1/evaluations", "Authorization", "Bearer bpo_not-a-token"))
	})
	t.Run("OnlyTheAPI", func(t *testing.T) {
		res := bearer(a, f.path(""), mgrSecret)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("a page answered a token: status %d", res.StatusCode)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		for name, header := range map[string]string{
			"NoSecret":     "Bearer",
			"EmptySecret":  "Bearer ",
			"OtherScheme":  "Basic " + mgrSecret,
			"NoScheme":     mgrSecret,
			"TwoWords":     "Bearer " + mgrSecret + " extra",
			"Unknown":      "Bearer " + mgrSecret[:10] + strings.Map(swapCase, mgrSecret[10:11]) + mgrSecret[11:],
			"NotOurFormat": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
		} {
			t.Run(name, func(t *testing.T) {
				wantTokenRefused(t, a.anonymous().get("/api/v1/evaluations", "Authorization", header))
			})
		}
	})
	t.Run("SchemeIgnoresCase", func(t *testing.T) {
		res := a.anonymous().get("/api/v1/evaluations", "Authorization", "bearer "+mgrSecret)
		if res.StatusCode != http.StatusOK {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

func swapCase(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	if r >= 'A' && r <= 'Z' {
		return r - 'A' + 'a'
	}
	return 'x'
}

func TestRevokeToken(t *testing.T) {
	a := newApp(t)
	mgr := a.signIn("mgr@example.test", bpo.RoleManager)
	other := a.signIn("admin2@example.test", bpo.RoleAdmin)
	id, secret := newToken(t, mgr, "cron")
	_, kept := newToken(t, mgr, "kept")
	revoke := "/account/tokens/" + itoa(id) + "/revoke"

	t.Run("SomeoneElses", func(t *testing.T) {
		if res := other.post(revoke, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", res.StatusCode)
		}
		if res := bearer(a, "/api/v1/evaluations", secret); res.StatusCode != http.StatusOK {
			t.Errorf("the token stopped working: status %d", res.StatusCode)
		}
	})
	t.Run("BadID", func(t *testing.T) {
		for _, p := range []string{"/account/tokens/abc/revoke", "/account/tokens/0/revoke", "/account/tokens/99999999/revoke"} {
			if res := mgr.post(p, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, res.StatusCode)
			}
		}
	})
	t.Run("Own", func(t *testing.T) {
		res := mgr.post(revoke, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/tokens" {
			t.Fatalf("status %d", res.StatusCode)
		}
		d := mgr.get("/account/tokens").doc(t)
		if text(d, "[data-testid=flash]") == "" {
			t.Error("no notice that the token was revoked")
		}
		row := d.Find(`[data-token-id="` + itoa(id) + `"]`)
		if row.Find("[data-testid=token-revoked]").Length() != 1 || row.Find("[data-testid=revoke-token]").Length() != 0 {
			t.Error("the list does not show the token as revoked")
		}
		wantTokenRefused(t, bearer(a, "/api/v1/evaluations", secret))
		if res := bearer(a, "/api/v1/evaluations", kept); res.StatusCode != http.StatusOK {
			t.Errorf("another token of the same user stopped working: status %d", res.StatusCode)
		}
	})
}
