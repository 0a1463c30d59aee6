package postgres_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

// token creates a token for u and returns it with its secret.
func (e *env) token(u *bpo.User, name string) (*bpo.APIToken, string) {
	e.t.Helper()
	tok, secret, err := postgres.NewTokenService(e.db).CreateToken(as(u), name, bpo.DefaultTokenLifetime)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok, secret
}

func TestCreateToken(t *testing.T) {
	e := newEnv(t)
	tokens := postgres.NewTokenService(e.db)
	tok, secret := e.token(e.manager, "  Power BI refresh ")

	if !regexp.MustCompile(`^bpo_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Errorf("secret %q is not bpo_ and 32 bytes of base64url", secret)
	}
	if tok.Name != "Power BI refresh" || tok.UserID != e.manager.ID || tok.Prefix != secret[4:12] ||
		tok.LastUsedAt != nil || tok.RevokedAt != nil {
		t.Errorf("token = %+v", tok)
	}
	if _, again := e.token(e.manager, "Power BI refresh"); again == secret {
		t.Error("two tokens share a secret")
	}

	// The table keeps the hash, and nothing from which the secret can be read.
	var hash []byte
	var row string
	if err := e.db.Pool.QueryRow(context.Background(),
		`SELECT hash, t::text FROM api_tokens t WHERE id = $1`, tok.ID).Scan(&hash, &row); err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256([]byte(secret)); !bytes.Equal(hash, want[:]) {
		t.Error("stored hash is not the SHA-256 of the secret")
	}
	if strings.Contains(row, secret[4:]) {
		t.Errorf("the stored row holds the secret: %s", row)
	}

	var action, after string
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT action, after::text FROM audit_events
		WHERE entity = 'api_token' AND entity_id = $1 AND actor_id = $2`, tok.ID, e.manager.ID).Scan(&action, &after); err != nil {
		t.Fatalf("creation not audited: %v", err)
	}
	if action != "create" || strings.Contains(after, secret[4:]) {
		t.Errorf("audit: %s %s", action, after)
	}

	for name, tc := range map[string]string{
		"Blank":   "   ",
		"TooLong": strings.Repeat("x", bpo.TokenNameMax+1),
		"Control": "tab\there",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := tokens.CreateToken(as(e.manager), tc, bpo.DefaultTokenLifetime)
			wantCode(t, err, bpo.EINVALID)
			if got := fieldKeys(err); len(got) != 1 || got[0] != "name" {
				t.Errorf("fields = %v", got)
			}
		})
	}
	t.Run("Anonymous", func(t *testing.T) {
		_, _, err := tokens.CreateToken(context.Background(), "x", bpo.DefaultTokenLifetime)
		wantCode(t, err, bpo.EUNAUTHORIZED)
	})
}

func TestFindTokensListsTheCallersOwn(t *testing.T) {
	e := newEnv(t)
	tokens := postgres.NewTokenService(e.db)
	other := e.user("other", bpo.RoleManager)
	first, _ := e.token(e.manager, "first")
	second, _ := e.token(e.manager, "second")
	e.token(other, "someone else's")
	if err := tokens.RevokeToken(as(e.manager), first.ID); err != nil {
		t.Fatal(err)
	}

	list, err := tokens.FindTokens(as(e.manager))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("tokens = %+v, want second then first", list)
	}
	if list[0].RevokedAt != nil || list[1].RevokedAt == nil {
		t.Errorf("revoked: %v, %v", list[0].RevokedAt, list[1].RevokedAt)
	}
}

func TestRevokeToken(t *testing.T) {
	e := newEnv(t)
	tokens := postgres.NewTokenService(e.db)
	other := e.user("other", bpo.RoleAdmin)
	tok, secret := e.token(e.manager, "script")

	t.Run("SomeoneElses", func(t *testing.T) {
		// Not even an administrator may revoke another user's token, nor
		// learn that it exists.
		wantError(t, tokens.RevokeToken(as(other), tok.ID), bpo.ENOTFOUND, "error.token.not_found")
		if _, _, err := tokens.AuthenticateToken(context.Background(), secret); err != nil {
			t.Errorf("the token stopped working: %v", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		wantCode(t, tokens.RevokeToken(as(e.manager), tok.ID+1000), bpo.ENOTFOUND)
	})
	t.Run("Own", func(t *testing.T) {
		if err := tokens.RevokeToken(as(e.manager), tok.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err := tokens.AuthenticateToken(context.Background(), secret)
		wantError(t, err, bpo.EUNAUTHORIZED, "error.token.invalid")
		// Again: nothing more happens, and the log says it once.
		if err := tokens.RevokeToken(as(e.manager), tok.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events
			WHERE entity = 'api_token' AND entity_id = $1 AND action = 'revoke' AND actor_id = $2`,
			tok.ID, e.manager.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("revoke events = %d (%v), want 1", n, err)
		}
	})
}

func TestAuthenticateToken(t *testing.T) {
	e := newEnv(t)
	tokens := postgres.NewTokenService(e.db)
	owner := e.user("mia", bpo.RoleManager)
	tok, secret := e.token(owner, "notebook")

	u, id, err := tokens.AuthenticateToken(context.Background(), secret)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != owner.ID || u.Role != bpo.RoleManager || u.Email != owner.Email || id != tok.ID {
		t.Errorf("authenticated %+v with token %d", u, id)
	}

	for name, s := range map[string]string{
		"Empty":          "",
		"NoPrefix":       secret[4:],
		"Truncated":      secret[:len(secret)-1],
		"OneCharChanged": secret[:10] + flip(secret[10]) + secret[11:],
		"NotBase64":      secret[:len(secret)-1] + "!",
		"PaddedBase64":   secret[:len(secret)-2] + "==",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := tokens.AuthenticateToken(context.Background(), s)
			wantError(t, err, bpo.EUNAUTHORIZED, "error.token.invalid")
		})
	}
}

// TestTokenExpiry gives a token the lifetime chosen at creation: it works
// until then and never after. Only the lifetimes offered are accepted, and
// evaluators, whom the API serves nothing, get no token at all.
func TestTokenExpiry(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := start
	e.db.Now = func() time.Time { return now }
	tokens := postgres.NewTokenService(e.db)
	tok, secret, err := tokens.CreateToken(as(e.manager), "weekly", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(7 * 24 * time.Hour); !tok.ExpiresAt.Equal(want) {
		t.Errorf("expires at %v, want %v", tok.ExpiresAt, want)
	}
	now = start.Add(7*24*time.Hour - time.Second)
	if _, _, err := tokens.AuthenticateToken(context.Background(), secret); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	now = start.Add(7 * 24 * time.Hour)
	_, _, err = tokens.AuthenticateToken(context.Background(), secret)
	wantError(t, err, bpo.EUNAUTHORIZED, "error.token.invalid")

	_, _, err = tokens.CreateToken(as(e.manager), "forever", 100*365*24*time.Hour)
	wantCode(t, err, bpo.EINVALID)
	_, _, err = tokens.CreateToken(as(e.user("eve", bpo.RoleEvaluator)), "useless", bpo.DefaultTokenLifetime)
	wantCode(t, err, bpo.EFORBIDDEN)
}

// TestDisabledOwnersTokenIsRefused stops a token as soon as its owner's
// account is disabled.
func TestDisabledOwnersTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	owner := e.user("mia", bpo.RoleManager)
	_, secret := e.token(owner, "cron")
	if err := postgres.NewUserService(e.db).SetUserDisabled(context.Background(), owner.ID, true); err != nil {
		t.Fatal(err)
	}
	_, _, err := postgres.NewTokenService(e.db).AuthenticateToken(context.Background(), secret)
	wantError(t, err, bpo.EUNAUTHORIZED, "error.token.invalid")
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestTokenLastUsed notes a token's use at most once a minute, so that API
// reads do not each become a write.
func TestTokenLastUsed(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := start
	e.db.Now = func() time.Time { return now }
	tokens := postgres.NewTokenService(e.db)
	tok, secret := e.token(e.manager, "cron")

	for _, tc := range []struct {
		at   time.Duration
		want time.Duration
	}{
		{0, 0},
		{30 * time.Second, 0},
		{59 * time.Second, 0},
		{61 * time.Second, 61 * time.Second},
		{90 * time.Second, 61 * time.Second},
		{5 * time.Minute, 5 * time.Minute},
	} {
		now = start.Add(tc.at)
		if _, _, err := tokens.AuthenticateToken(context.Background(), secret); err != nil {
			t.Fatal(err)
		}
		list, err := tokens.FindTokens(as(e.manager))
		if err != nil {
			t.Fatal(err)
		}
		if got := list[0].LastUsedAt; list[0].ID != tok.ID || got == nil || !got.Equal(start.Add(tc.want)) {
			t.Errorf("used at +%s: last used %v, want +%s", tc.at, got, tc.want)
		}
	}
}

// TestAuthenticateTokenRoundTrips keeps signing a request in by token, done
// on every API call, at one statement, whether it notes the use or not.
func TestAuthenticateTokenRoundTrips(t *testing.T) {
	e := newEnv(t)
	_, secret := e.token(e.manager, "hot path")
	// One connection, warmed up, so that the count is the steady state's: a
	// connection prepares each statement once.
	db, err := postgres.Open(context.Background(), strings.Replace(e.dbURL, "pool_max_conns=32", "pool_max_conns=1", 1))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tokens := postgres.NewTokenService(db)
	if _, _, err := tokens.AuthenticateToken(context.Background(), secret[:10]+flip(secret[10])+secret[11:]); bpo.ErrorCode(err) != bpo.EUNAUTHORIZED {
		t.Fatalf("warm-up: %v", err)
	}
	for _, tc := range []struct {
		name, secret, code string
	}{
		{"first use", secret, ""},
		{"use within the minute", secret, ""},
		{"unknown", secret[:10] + flip(secret[10]) + secret[11:], bpo.EUNAUTHORIZED},
	} {
		ctx, trips := roundtrip.WithCounter(context.Background())
		_, _, err := tokens.AuthenticateToken(ctx, tc.secret)
		wantCode(t, err, tc.code)
		if n := trips.Load(); n != 1 {
			t.Errorf("%s: %d statements, want 1", tc.name, n)
		}
	}
}
