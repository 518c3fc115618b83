package auth_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"prakerja/db"
	"prakerja/graph/auth"
)

// clock is a settable time for a verifier.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestTokenCache(t *testing.T) {
	start := time.Unix(2_000_000_000, 0)
	exp := start.Add(time.Minute)
	tok := func(tb testing.TB, role db.Role, extra jwt.MapClaims) string {
		c := claims(role, jwt.MapClaims{"iat": start.Unix(), "exp": exp.Unix()})
		for k, v := range extra {
			c[k] = v
		}
		return hs256(tb, c)
	}
	// A leeway of a second makes a token refused one second after its exp, so that an answer
	// from the cache past exp would show.
	newVerifier := func(tb testing.TB) (*auth.Verifier, *clock) {
		v := mustVerifier(tb, auth.Config{Secret: testSecret, Leeway: time.Second})
		c := &clock{t: start}
		auth.SetClock(v, c.now)
		return v, c
	}

	t.Run("NeverPastExp", func(t *testing.T) {
		v, c := newVerifier(t)
		token := tok(t, db.RoleProvider, nil)
		for range 2 { // the second answer comes from the cache
			got, err := v.Verify(token)
			if err != nil {
				t.Fatalf("Verify() error = %v", err)
			}
			if want := (auth.Viewer{Subject: "user-1", Role: db.RoleProvider, ProviderID: 8}); *got != want {
				t.Fatalf("Verify() = got %+v, want %+v", *got, want)
			}
		}
		if n := auth.CachedTokens(v); n != 1 {
			t.Fatalf("cached tokens = got %d, want 1", n)
		}
		c.set(exp.Add(-time.Millisecond))
		if _, err := v.Verify(token); err != nil {
			t.Fatalf("Verify() just before exp: error = %v", err)
		}
		c.set(exp.Add(2 * time.Second)) // past exp and the leeway
		_, err := v.Verify(token)
		refusal(t, err, "token expired")
		c.set(exp.Add(time.Hour))
		_, err = v.Verify(token)
		refusal(t, err, "token expired")
	})

	t.Run("WithinLeewayNotCached", func(t *testing.T) {
		v, c := newVerifier(t)
		token := tok(t, db.RoleAdmin, nil)
		c.set(exp.Add(500 * time.Millisecond)) // past exp, within the leeway: accepted, not remembered
		if _, err := v.Verify(token); err != nil {
			t.Fatalf("Verify() within the leeway: error = %v", err)
		}
		if n := auth.CachedTokens(v); n != 0 {
			t.Errorf("cached tokens = got %d, want 0 (the token is past its exp)", n)
		}
		c.set(exp.Add(2 * time.Second))
		_, err := v.Verify(token)
		refusal(t, err, "token expired")
	})

	t.Run("EntryLivesAtMostTTL", func(t *testing.T) {
		v, c := newVerifier(t)
		long := hs256(t, claims(db.RoleAnalyst, jwt.MapClaims{"iat": start.Unix(), "exp": start.Add(24 * time.Hour).Unix()}))
		if _, err := v.Verify(long); err != nil {
			t.Fatal(err)
		}
		// Past the TTL the token is checked in full: still accepted, and remembered again.
		c.set(start.Add(auth.TokenCacheTTL + time.Second))
		if got, err := v.Verify(long); err != nil || got.Role != db.RoleAnalyst {
			t.Fatalf("Verify() after the TTL = got %+v, %v", got, err)
		}
	})

	t.Run("RefusalsIdenticalAndNotCached", func(t *testing.T) {
		v, c := newVerifier(t)
		good := tok(t, db.RoleAdmin, nil)
		if _, err := v.Verify(good); err != nil {
			t.Fatal(err)
		}
		wrongKey := sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-32"), "", claims(db.RoleAdmin, jwt.MapClaims{"iat": start.Unix(), "exp": exp.Unix()}))
		for range 2 {
			_, err := v.Verify(tamper(t, good))
			refusal(t, err, "token signature is invalid")
			_, err = v.Verify(wrongKey)
			refusal(t, err, "token signature is invalid")
			_, err = v.Verify(tok(t, db.RoleAdmin, jwt.MapClaims{"role": "ROOT"}))
			refusal(t, err, `unknown role "ROOT"`)
		}
		if n := auth.CachedTokens(v); n != 1 {
			t.Errorf("cached tokens = got %d, want 1 (refusals are never remembered)", n)
		}
		// A token that is not valid yet is refused, then accepted once its time has come.
		early := tok(t, db.RoleAdmin, jwt.MapClaims{"nbf": start.Add(10 * time.Second).Unix(), "sub": "early"})
		_, err := v.Verify(early)
		refusal(t, err, "token is not valid yet")
		c.set(start.Add(10 * time.Second))
		if _, err := v.Verify(early); err != nil {
			t.Errorf("Verify() once valid: error = %v", err)
		}
	})

	t.Run("ViewerIsACopy", func(t *testing.T) {
		v, _ := newVerifier(t)
		token := tok(t, db.RoleParticipant, nil)
		a, err := v.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		a.Role, a.ParticipantID = db.RoleAdmin, 1
		b, err := v.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		if want := (auth.Viewer{Subject: "user-1", Role: db.RoleParticipant, ParticipantID: 7}); *b != want {
			t.Errorf("Verify() after the caller changed its viewer = got %+v, want %+v", *b, want)
		}
	})

	t.Run("Bounded", func(t *testing.T) {
		v, _ := newVerifier(t)
		first := tok(t, db.RoleAdmin, jwt.MapClaims{"sub": "user-first"})
		if _, err := v.Verify(first); err != nil {
			t.Fatal(err)
		}
		for i := range auth.TokenCacheSize + 100 {
			if _, err := v.Verify(tok(t, db.RoleAdmin, jwt.MapClaims{"sub": fmt.Sprintf("user-%d", i)})); err != nil {
				t.Fatal(err)
			}
		}
		if n := auth.CachedTokens(v); n != auth.TokenCacheSize {
			t.Errorf("cached tokens = got %d, want %d", n, auth.TokenCacheSize)
		}
		// The evicted token is still accepted, checked in full.
		if got, err := v.Verify(first); err != nil || got.Subject != "user-first" {
			t.Errorf("Verify(evicted) = got %+v, %v", got, err)
		}
		// A long token is accepted and not remembered.
		v, _ = newVerifier(t)
		huge := tok(t, db.RoleAdmin, jwt.MapClaims{"sub": "user-huge", "pad": strings.Repeat("x", 2000)})
		if _, err := v.Verify(huge); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(huge); err != nil {
			t.Fatal(err)
		}
		if n := auth.CachedTokens(v); n != 0 {
			t.Errorf("cached tokens after a 2 KB token = got %d, want 0", n)
		}
	})
}
