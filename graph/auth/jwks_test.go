package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"prakerja/db"
	"prakerja/graph/auth"
)

// jwksServer is a local OIDC provider's JWKS endpoint whose key set can be swapped.
type jwksServer struct {
	srv     *httptest.Server
	body    atomic.Pointer[[]byte]
	fetches atomic.Int64
}

// newJWKSServer serves keys until the test ends.
func newJWKSServer(tb testing.TB, keys ...jwkset.JWK) *jwksServer {
	tb.Helper()
	s := &jwksServer{}
	s.set(tb, keys...)
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(*s.body.Load())
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) URL() string { return s.srv.URL + "/.well-known/jwks.json" }

// set replaces the served key set.
func (s *jwksServer) set(tb testing.TB, keys ...jwkset.JWK) {
	tb.Helper()
	store := jwkset.NewMemoryStorage()
	for _, k := range keys {
		if err := store.KeyWrite(context.Background(), k); err != nil {
			tb.Fatal(err)
		}
	}
	raw, err := store.JSONPublic(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	body := []byte(raw)
	s.body.Store(&body)
}

// jwkOf returns the public JWK of pub with kid and alg.
func jwkOf(tb testing.TB, pub any, kid string, alg jwkset.ALG) jwkset.JWK {
	tb.Helper()
	k, err := jwkset.NewJWKFromKey(pub, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: alg, USE: jwkset.UseSig},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func TestVerifyJWKS(t *testing.T) {
	rsaKey, ecKey, otherRSA := mustRSA(t), mustEC(t), mustRSA(t)
	jwks := newJWKSServer(t,
		jwkOf(t, &rsaKey.PublicKey, "rsa-1", jwkset.AlgRS256),
		jwkOf(t, &ecKey.PublicKey, "ec-1", jwkset.AlgES256),
		jwkOf(t, &rsaKey.PublicKey, "pss-1", jwkset.AlgPS256),
	)
	v := mustVerifier(t, auth.Config{JWKSURL: jwks.URL(), Issuer: "https://id.example", Audience: "prakerja"})
	oidc := func(role db.Role) jwt.MapClaims {
		return claims(role, jwt.MapClaims{"iss": "https://id.example", "aud": []string{"prakerja"}, "sub": "oidc|42"})
	}
	t.Run("OK", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			method jwt.SigningMethod
			key    any
			kid    string
			role   db.Role
			want   auth.Viewer
		}{
			{"RS256", jwt.SigningMethodRS256, rsaKey, "rsa-1", db.RoleAdmin, auth.Viewer{Subject: "oidc|42", Role: db.RoleAdmin}},
			{"ES256", jwt.SigningMethodES256, ecKey, "ec-1", db.RoleProvider, auth.Viewer{Subject: "oidc|42", Role: db.RoleProvider, ProviderID: 8}},
			{"PS256", jwt.SigningMethodPS256, rsaKey, "pss-1", db.RolePlatform, auth.Viewer{Subject: "oidc|42", Role: db.RolePlatform, PlatformID: 9}},
			{"RS256NoKid", jwt.SigningMethodRS256, rsaKey, "", db.RoleParticipant, auth.Viewer{Subject: "oidc|42", Role: db.RoleParticipant, ParticipantID: 7}},
			{"ES256NoKid", jwt.SigningMethodES256, ecKey, "", db.RoleAnalyst, auth.Viewer{Subject: "oidc|42", Role: db.RoleAnalyst}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := v.Verify(sign(t, tt.method, tt.key, tt.kid, oidc(tt.role)))
				if err != nil {
					t.Fatalf("Verify() error = %v", err)
				}
				if *got != tt.want {
					t.Errorf("Verify() = got %+v, want %+v", *got, tt.want)
				}
			})
		}
	})
	for _, tt := range []struct {
		name  string
		token string
		want  string
	}{
		{"WrongKeyKnownKid", sign(t, jwt.SigningMethodRS256, otherRSA, "rsa-1", oidc(db.RoleAdmin)), "token signature is invalid"},
		{"WrongKeyNoKid", sign(t, jwt.SigningMethodRS256, otherRSA, "", oidc(db.RoleAdmin)), "token signature is invalid"},
		{"UnknownKid", sign(t, jwt.SigningMethodRS256, otherRSA, "rsa-9", oidc(db.RoleAdmin)), "token signing key is unknown"},
		// The one refetch the rate limit allows is spent: the answer comes at once, and is the same.
		{"UnknownKidRateLimited", sign(t, jwt.SigningMethodRS256, otherRSA, "rsa-10", oidc(db.RoleAdmin)), "token signing key is unknown"},
		{"RS256WithECKid", sign(t, jwt.SigningMethodRS256, rsaKey, "ec-1", oidc(db.RoleAdmin)), "token cannot be verified"},
		{"HS256", hs256(t, oidc(db.RoleAdmin)), "token signing algorithm is not accepted"},
		{"AlgNone", unsigned(t, oidc(db.RoleAdmin)), "token signing algorithm is not accepted"},
		{"Expired", sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims(db.RoleAdmin, jwt.MapClaims{"iss": "https://id.example", "aud": "prakerja", "exp": time.Now().Add(-time.Hour).Unix()})), "token expired"},
		{"WrongIssuer", sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims(db.RoleAdmin, jwt.MapClaims{"iss": "https://evil.example", "aud": "prakerja"})), "token issuer is not accepted"},
		{"NoOwner", sign(t, jwt.SigningMethodES256, ecKey, "ec-1", claims(db.RoleParticipant, jwt.MapClaims{"iss": "https://id.example", "aud": "prakerja", "owner": nil})), "token has no owner"},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			_, err := v.Verify(tt.token)
			refusal(t, err, tt.want)
		})
	}
}

// TestVerifyJWKSRotation rotates the provider's key from A to B: a token signed with B verifies as
// soon as its kid is seen, and a token signed with A stops verifying once the set is refetched.
func TestVerifyJWKSRotation(t *testing.T) {
	keyA, keyB := mustRSA(t), mustEC(t)
	tokenA := sign(t, jwt.SigningMethodRS256, keyA, "key-a", claims(db.RoleAdmin, nil))
	tokenB := sign(t, jwt.SigningMethodES256, keyB, "key-b", claims(db.RoleAdmin, nil))

	t.Run("OKUnknownKidRefetch", func(t *testing.T) {
		jwks := newJWKSServer(t, jwkOf(t, &keyA.PublicKey, "key-a", jwkset.AlgRS256))
		// No background refresh during the test: only an unknown kid makes the client refetch.
		v := mustVerifier(t, auth.Config{JWKSURL: jwks.URL(), JWKSRefresh: time.Hour, JWKSRefetchLimit: 10 * time.Millisecond})
		if _, err := v.Verify(tokenA); err != nil {
			t.Fatalf("Verify(A) before rotation: error = got %v, want %v", err, nil)
		}
		_, err := v.Verify(tokenB)
		refusal(t, err, "token signing key is unknown")

		jwks.set(t, jwkOf(t, &keyB.PublicKey, "key-b", jwkset.AlgES256))
		time.Sleep(20 * time.Millisecond) // let the refetch rate limit refill
		if _, err := v.Verify(tokenB); err != nil {
			t.Fatalf("Verify(B) after rotation: error = got %v, want %v", err, nil)
		}
		// The refetch that found B replaced the whole set, so A is gone.
		_, err = v.Verify(tokenA)
		refusal(t, err, "token signing key is unknown")
	})

	t.Run("OKBackgroundRefresh", func(t *testing.T) {
		jwks := newJWKSServer(t, jwkOf(t, &keyA.PublicKey, "key-a", jwkset.AlgRS256))
		// Unknown kids may refetch only once an hour (the first is free): the background refresh
		// must do the work.
		v := mustVerifier(t, auth.Config{JWKSURL: jwks.URL(), JWKSRefresh: 50 * time.Millisecond, JWKSRefetchLimit: time.Hour})
		if _, err := v.Verify(tokenA); err != nil {
			t.Fatalf("Verify(A) before rotation: error = got %v, want %v", err, nil)
		}
		jwks.set(t, jwkOf(t, &keyB.PublicKey, "key-b", jwkset.AlgES256))
		before := jwks.fetches.Load()
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := v.Verify(tokenA)
			if err != nil {
				refusal(t, err, "token signing key is unknown")
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Verify(A) 5s after rotation: error = got %v, want token signing key is unknown", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if got := jwks.fetches.Load(); got <= before {
			t.Errorf("JWKS fetches after rotation = got %v, want more than %v", got, before)
		}
		if _, err := v.Verify(tokenB); err != nil {
			t.Errorf("Verify(B) after refresh: error = got %v, want %v", err, nil)
		}
	})
}

func TestNewVerifierJWKS(t *testing.T) {
	t.Run("ErrUnreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/jwks.json"
		srv.Close()
		_, err := auth.NewVerifier(t.Context(), auth.Config{JWKSURL: url})
		if err == nil || !strings.Contains(err.Error(), "could not be fetched") {
			t.Errorf("NewVerifier() error = got %v, want one saying the URL could not be fetched", err)
		}
	})
	t.Run("ErrStatus", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		}))
		defer srv.Close()
		_, err := auth.NewVerifier(t.Context(), auth.Config{JWKSURL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "could not be fetched") {
			t.Errorf("NewVerifier() error = got %v, want one saying the URL could not be fetched", err)
		}
	})
	t.Run("ErrNotJSON", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("<html>"))
		}))
		defer srv.Close()
		_, err := auth.NewVerifier(t.Context(), auth.Config{JWKSURL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "could not be fetched") {
			t.Errorf("NewVerifier() error = got %v, want one saying the URL could not be fetched", err)
		}
	})
	t.Run("ErrEmptySet", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{}})
		}))
		defer srv.Close()
		_, err := auth.NewVerifier(t.Context(), auth.Config{JWKSURL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "no usable key") {
			t.Errorf("NewVerifier() error = got %v, want one saying the set has no usable key", err)
		}
	})
}
