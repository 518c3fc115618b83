package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph/auth"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// testSecret is an HS256 key of the minimum length.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// Global IDs of owned entities.
var (
	participant7 = db.IntNodeID(db.TypeParticipant, 7).String()
	provider8    = db.IntNodeID(db.TypeProvider, 8).String()
	platform9    = db.IntNodeID(db.TypePlatform, 9).String()
)

// mustVerifier returns a verifier for cfg whose JWKS refresh ends with the test.
func mustVerifier(tb testing.TB, cfg auth.Config) *auth.Verifier {
	tb.Helper()
	v, err := auth.NewVerifier(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("NewVerifier() error = %v", err)
	}
	return v
}

// claims returns valid claims for role, valid for an hour, with the given extra claims merged in
// (a nil value removes a claim).
func claims(role db.Role, extra jwt.MapClaims) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"sub":  "user-1",
		"role": string(role),
		"iat":  now.Unix(),
		"exp":  now.Add(time.Hour).Unix(),
	}
	switch role {
	case db.RoleParticipant:
		c["owner"] = participant7
	case db.RoleProvider:
		c["owner"] = provider8
	case db.RolePlatform:
		c["owner"] = platform9
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign returns c signed with method and key, with header kid unless kid is empty.
func sign(tb testing.TB, method jwt.SigningMethod, key any, kid string, c jwt.Claims) string {
	tb.Helper()
	t := jwt.NewWithClaims(method, c)
	if kid != "" {
		t.Header["kid"] = kid
	}
	s, err := t.SignedString(key)
	if err != nil {
		tb.Fatalf("SignedString() error = %v", err)
	}
	return s
}

// hs256 returns c signed with testSecret.
func hs256(tb testing.TB, c jwt.Claims) string {
	tb.Helper()
	return sign(tb, jwt.SigningMethodHS256, testSecret, "", c)
}

// unsigned returns c as an `alg: none` token, built by hand because the library rightly refuses to
// make one without a special key.
func unsigned(tb testing.TB, c jwt.MapClaims) string {
	tb.Helper()
	payload, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}

func mustRSA(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func mustEC(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// refusal checks that err is an EUNAUTHENTICATED *db.Error with message want.
func refusal(tb testing.TB, err error, want string) {
	tb.Helper()
	var e *db.Error
	if !errors.As(err, &e) {
		tb.Fatalf("Verify() error = %v (%T), want a *db.Error %q", err, err, want)
	}
	if got := e.Code; got != db.EUNAUTHENTICATED {
		tb.Errorf("Verify() code = got %v, want %v", got, db.EUNAUTHENTICATED)
	}
	if got := e.Message; got != want {
		tb.Errorf("Verify() message = got %q, want %q", got, want)
	}
}
