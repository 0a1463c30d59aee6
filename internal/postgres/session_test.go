package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/bpoeval/bpoeval/internal/bpo"
	"github.com/bpoeval/bpoeval/internal/postgres"
	"github.com/bpoeval/bpoeval/internal/roundtrip"
)

func TestSessionStore(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e.db.Now = func() time.Time { return now }
	const idle = 2 * time.Hour
	store := postgres.NewSessionStore(e.db, idle, scs.GobCodec{})
	ctx := context.Background()

	commit := func(token string, values map[string]any) {
		t.Helper()
		b, err := scs.GobCodec{}.Encode(now.Add(12*time.Hour), values)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CommitCtx(ctx, token, b, now.Add(12*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	// find reads token and reports the user read with it and the round trips.
	find := func(token string) (found bool, u *bpo.User, trips int64) {
		t.Helper()
		c, counter := roundtrip.WithCounter(ctx)
		c, su := bpo.NewContextWithSessionUser(c)
		_, found, err := store.FindCtx(c, token)
		if err != nil {
			t.Fatal(err)
		}
		return found, su.User, counter.Load()
	}

	commit("anonymous", map[string]any{"lang": "fr"})
	commit("signed-in", map[string]any{bpo.SessionUserIDKey: e.manager.ID})

	t.Run("SessionAndUserInOneRoundTrip", func(t *testing.T) {
		// No warm-up: every connection prepares the statement as it opens.
		found, u, trips := find("signed-in")
		if !found || u == nil || u.ID != e.manager.ID || u.Email != e.manager.Email || u.Role != e.manager.Role {
			t.Fatalf("found %v, user %+v; want %s", found, u, e.manager.Email)
		}
		if trips != 1 {
			t.Errorf("%d round trips, want 1", trips)
		}
	})
	t.Run("AnonymousSessionHasNoUser", func(t *testing.T) {
		if found, u, _ := find("anonymous"); !found || u != nil {
			t.Errorf("found %v, user %v; want a session without a user", found, u)
		}
	})
	t.Run("UnknownToken", func(t *testing.T) {
		if found, _, _ := find("nope"); found {
			t.Error("found a session that was never committed")
		}
	})
	t.Run("IdleSessionEnds", func(t *testing.T) {
		commit("idle", map[string]any{bpo.SessionUserIDKey: e.manager.ID})
		now = now.Add(idle - time.Minute)
		if found, _, _ := find("idle"); !found {
			t.Fatal("a session used within the idle timeout was refused")
		}
		// That read refreshed last_seen: the session lives another idle period.
		now = now.Add(idle - time.Minute)
		if found, _, _ := find("idle"); !found {
			t.Fatal("reading a session did not keep it alive")
		}
		now = now.Add(idle + time.Second)
		if found, _, _ := find("idle"); found {
			t.Error("a session idle for longer than the timeout was accepted")
		}
		if err := store.DeleteExpiredSessions(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE token_hash = sha256('idle')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Error("the idle session was not deleted")
		}
	})
	t.Run("DeletedAccountEndsItsSessions", func(t *testing.T) {
		u := e.user("leaver", bpo.RoleEvaluator)
		commit("leaver", map[string]any{bpo.SessionUserIDKey: u.ID})
		if _, err := e.db.Pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if found, _, _ := find("leaver"); found {
			t.Error("the session of a deleted account survived")
		}
	})
	t.Run("TokensAreStoredHashed", func(t *testing.T) {
		commit("a-secret-token", map[string]any{bpo.SessionUserIDKey: e.manager.ID})
		var hashed, plain int
		err := e.db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE token_hash = sha256('a-secret-token')),
			count(*) FILTER (WHERE position('a-secret-token' IN encode(token_hash, 'escape')) > 0) FROM sessions`).Scan(&hashed, &plain)
		if err != nil {
			t.Fatal(err)
		}
		if hashed != 1 || plain != 0 {
			t.Errorf("sessions stored under the token's SHA-256: %d, in clear: %d; want 1 and 0", hashed, plain)
		}
	})
	t.Run("DisabledAccountHasNoUser", func(t *testing.T) {
		u := e.user("disabled", bpo.RoleEvaluator)
		commit("disabled", map[string]any{bpo.SessionUserIDKey: u.ID})
		if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, got, _ := find("disabled"); got != nil {
			t.Errorf("the session of a disabled account reads its user %v", got)
		}
	})
}
