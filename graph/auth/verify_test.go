package auth_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"prakerja/db"
	"prakerja/graph/auth"
)

func TestVerify(t *testing.T) {
	v := mustVerifier(t, auth.Config{Secret: testSecret})
	t.Run("OK", func(t *testing.T) {
		for _, tt := range []struct {
			role db.Role
			want auth.Viewer
		}{
			{db.RoleAdmin, auth.Viewer{Subject: "user-1", Role: db.RoleAdmin}},
			{db.RoleAnalyst, auth.Viewer{Subject: "user-1", Role: db.RoleAnalyst}},
			{db.RoleParticipant, auth.Viewer{Subject: "user-1", Role: db.RoleParticipant, ParticipantID: 7}},
			{db.RoleProvider, auth.Viewer{Subject: "user-1", Role: db.RoleProvider, ProviderID: 8}},
			{db.RolePlatform, auth.Viewer{Subject: "user-1", Role: db.RolePlatform, PlatformID: 9}},
		} {
			t.Run(string(tt.role), func(t *testing.T) {
				got, err := v.Verify(hs256(t, claims(tt.role, nil)))
				if err != nil {
					t.Fatalf("Verify() error = %v", err)
				}
				if *got != tt.want {
					t.Errorf("Verify() = got %+v, want %+v", *got, tt.want)
				}
			})
		}
	})
	t.Run("OKWithinLeeway", func(t *testing.T) {
		now := time.Now()
		token := hs256(t, claims(db.RoleAdmin, jwt.MapClaims{
			"exp": now.Add(-10 * time.Second).Unix(),
			"nbf": now.Add(10 * time.Second).Unix(),
			"iat": now.Add(10 * time.Second).Unix(),
		}))
		if _, err := v.Verify(token); err != nil {
			t.Errorf("Verify() error = got %v, want %v", err, nil)
		}
	})

	rsaKey := mustRSA(t)
	now := time.Now()
	for _, tt := range []struct {
		name  string
		token string
		want  string
	}{
		{"Expired", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"exp": now.Add(-time.Hour).Unix()})), "token expired"},
		{"NotYetValid", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()})), "token is not valid yet"},
		{"IssuedInFuture", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"iat": now.Add(time.Hour).Unix()})), "token is issued in the future"},
		{"WrongSignature", sign(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-32"), "", claims(db.RoleAdmin, nil)), "token signature is invalid"},
		{"TamperedPayload", tamper(t, hs256(t, claims(db.RoleAnalyst, nil))), "token signature is invalid"},
		{"AlgNone", unsigned(t, claims(db.RoleAdmin, nil)), "token signing algorithm is not accepted"},
		{"RS256WithOnlySecret", sign(t, jwt.SigningMethodRS256, rsaKey, "a", claims(db.RoleAdmin, nil)), "token signing algorithm is not accepted"},
		{"HS512", sign(t, jwt.SigningMethodHS512, testSecret, "", claims(db.RoleAdmin, nil)), "token signing algorithm is not accepted"},
		{"MissingSub", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"sub": nil})), "token has no subject"},
		{"EmptySub", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"sub": ""})), "token has no subject"},
		{"MissingRole", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"role": nil})), "token has no role"},
		{"MissingExp", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"exp": nil})), "token has no expiry"},
		{"UnknownRole", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"role": "ROOT"})), `unknown role "ROOT"`},
		{"LowercaseRole", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"role": "admin"})), `unknown role "admin"`},
		{"RoleNotString", hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"role": 1})), "token is malformed"},
		{"ParticipantWithoutOwner", hs256(t, claims(db.RoleParticipant, jwt.MapClaims{"owner": nil})), "token has no owner"},
		{"ProviderWithoutOwner", hs256(t, claims(db.RoleProvider, jwt.MapClaims{"owner": nil})), "token has no owner"},
		{"PlatformWithoutOwner", hs256(t, claims(db.RolePlatform, jwt.MapClaims{"owner": nil})), "token has no owner"},
		{"OwnerOfWrongType", hs256(t, claims(db.RoleParticipant, jwt.MapClaims{"owner": provider8})), "token owner is not a Participant ID"},
		{"ProviderOwnsPlatform", hs256(t, claims(db.RoleProvider, jwt.MapClaims{"owner": platform9})), "token owner is not a Provider ID"},
		{"OwnerPlainInteger", hs256(t, claims(db.RolePlatform, jwt.MapClaims{"owner": "9"})), "token owner is not a Platform ID"},
		{"OwnerGarbage", hs256(t, claims(db.RolePlatform, jwt.MapClaims{"owner": "!!"})), "token owner is not a Platform ID"},
		{"Garbage", "not-a-token", "token is malformed"},
		{"GarbageSegments", "a.b.c", "token is malformed"},
		{"Empty", "", "token is empty"},
		{"TooLong", strings.Repeat("a", 9000), "token is too long"},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			got, err := v.Verify(tt.token)
			if got != nil {
				t.Errorf("Verify() viewer = got %+v, want %v", got, nil)
			}
			refusal(t, err, tt.want)
		})
	}
}

// tamper swaps the payload of token for one naming another role, keeping the signature.
func tamper(tb testing.TB, token string) string {
	tb.Helper()
	other := unsigned(tb, claims(db.RoleAdmin, nil))
	parts, otherParts := strings.Split(token, "."), strings.Split(other, ".")
	return parts[0] + "." + otherParts[1] + "." + parts[2]
}

func TestVerifyIssuerAudience(t *testing.T) {
	v := mustVerifier(t, auth.Config{Secret: testSecret, Issuer: "https://id.example", Audience: "prakerja"})
	for _, tt := range []struct {
		name  string
		extra jwt.MapClaims
		want  string // "" for success
	}{
		{"OK", jwt.MapClaims{"iss": "https://id.example", "aud": "prakerja"}, ""},
		{"OKAudienceList", jwt.MapClaims{"iss": "https://id.example", "aud": []string{"other", "prakerja"}}, ""},
		{"ErrNoIssuer", jwt.MapClaims{"aud": "prakerja"}, "token issuer is not accepted"},
		{"ErrWrongIssuer", jwt.MapClaims{"iss": "https://evil.example", "aud": "prakerja"}, "token issuer is not accepted"},
		{"ErrNoAudience", jwt.MapClaims{"iss": "https://id.example"}, "token audience is not accepted"},
		{"ErrWrongAudience", jwt.MapClaims{"iss": "https://id.example", "aud": "other"}, "token audience is not accepted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(hs256(t, claims(db.RoleAdmin, tt.extra)))
			if tt.want == "" {
				if err != nil {
					t.Errorf("Verify() error = got %v, want %v", err, nil)
				}
				return
			}
			refusal(t, err, tt.want)
		})
	}
}

// TestVerifyKeyConfusion checks that an HS256 token whose "secret" is the RSA public key is refused:
// it must never be checked against the public key as an HMAC key.
func TestVerifyKeyConfusion(t *testing.T) {
	key := mustRSA(t)
	jwks := newJWKSServer(t, jwkOf(t, &key.PublicKey, "a", "RS256"))
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for _, tt := range []struct {
		name string
		cfg  auth.Config
		want string
	}{
		{"ErrOnlyJWKS", auth.Config{JWKSURL: jwks.URL()}, "token signing algorithm is not accepted"},
		{"ErrSecretAndJWKS", auth.Config{Secret: testSecret, JWKSURL: jwks.URL()}, "token signature is invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := mustVerifier(t, tt.cfg)
			for _, hmacKey := range [][]byte{pubPEM, der} {
				_, err := v.Verify(sign(t, jwt.SigningMethodHS256, hmacKey, "a", claims(db.RoleAdmin, nil)))
				refusal(t, err, tt.want)
			}
		})
	}
}

func TestMint(t *testing.T) {
	v := mustVerifier(t, auth.Config{Secret: testSecret})
	t.Run("OK", func(t *testing.T) {
		for _, tt := range []struct {
			role    db.Role
			subject string
			want    auth.Viewer
		}{
			{db.RoleAdmin, "admin@example.id", auth.Viewer{Subject: "admin@example.id", Role: db.RoleAdmin}},
			{db.RoleAnalyst, "analyst", auth.Viewer{Subject: "analyst", Role: db.RoleAnalyst}},
			{db.RoleParticipant, participant7, auth.Viewer{Subject: participant7, Role: db.RoleParticipant, ParticipantID: 7}},
			{db.RoleParticipant, "7", auth.Viewer{Subject: participant7, Role: db.RoleParticipant, ParticipantID: 7}},
			{db.RoleProvider, provider8, auth.Viewer{Subject: provider8, Role: db.RoleProvider, ProviderID: 8}},
			{db.RoleProvider, "8", auth.Viewer{Subject: provider8, Role: db.RoleProvider, ProviderID: 8}},
			{db.RolePlatform, platform9, auth.Viewer{Subject: platform9, Role: db.RolePlatform, PlatformID: 9}},
			{db.RolePlatform, "9", auth.Viewer{Subject: platform9, Role: db.RolePlatform, PlatformID: 9}},
		} {
			t.Run(string(tt.role)+"/"+tt.subject, func(t *testing.T) {
				token, err := auth.Mint(testSecret, tt.role, tt.subject, time.Hour)
				if err != nil {
					t.Fatalf("Mint() error = %v", err)
				}
				got, err := v.Verify(token)
				if err != nil {
					t.Fatalf("Verify(Mint()) error = %v", err)
				}
				if *got != tt.want {
					t.Errorf("Verify(Mint()) = got %+v, want %+v", *got, tt.want)
				}
			})
		}
	})
	for _, tt := range []struct {
		name    string
		secret  []byte
		role    db.Role
		subject string
		ttl     time.Duration
	}{
		{"UnknownRole", testSecret, "ROOT", "x", time.Hour},
		{"EmptyRole", testSecret, "", "x", time.Hour},
		{"EmptySubject", testSecret, db.RoleAdmin, "", time.Hour},
		{"SubjectOfWrongType", testSecret, db.RoleParticipant, provider8, time.Hour},
		{"SubjectGarbage", testSecret, db.RoleProvider, "acme", time.Hour},
		{"SubjectZero", testSecret, db.RolePlatform, "0", time.Hour},
		{"SubjectNegative", testSecret, db.RolePlatform, "-3", time.Hour},
		{"ZeroTTL", testSecret, db.RoleAdmin, "x", 0},
		{"NegativeTTL", testSecret, db.RoleAdmin, "x", -time.Minute},
		{"ShortSecret", []byte("short"), db.RoleAdmin, "x", time.Hour},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			token, err := auth.Mint(tt.secret, tt.role, tt.subject, tt.ttl)
			if got := db.ErrorCode(err); got != db.EINVALID {
				t.Errorf("Mint() error code = got %v, want %v (error %v)", got, db.EINVALID, err)
			}
			if token != "" {
				t.Errorf("Mint() token = got %q, want %q", token, "")
			}
		})
	}
	t.Run("ErrExpired", func(t *testing.T) {
		// A token minted for a second is refused once it is past exp and the leeway.
		v := mustVerifier(t, auth.Config{Secret: testSecret, Leeway: time.Nanosecond})
		token, err := auth.Mint(testSecret, db.RoleAdmin, "x", time.Second)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2100 * time.Millisecond)
		_, err = v.Verify(token)
		refusal(t, err, "token expired")
	})
}

func TestNewVerifier(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  auth.Config
		want string // a fragment of the error
	}{
		{"ErrNothing", auth.Config{}, "set a secret or a JWKS URL"},
		{"ErrShortSecret", auth.Config{Secret: []byte("0123456789")}, "at least 32"},
		{"ErrNegativeLeeway", auth.Config{Secret: testSecret, Leeway: -time.Second}, "negative"},
		{"ErrJWKSURLNotHTTP", auth.Config{JWKSURL: "file:///etc/passwd"}, "not an http(s) URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := auth.NewVerifier(context.Background(), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewVerifier() error = got %v, want one containing %q", err, tt.want)
			}
			if v != nil {
				t.Errorf("NewVerifier() = got %v, want %v", v, nil)
			}
		})
	}
}

func TestViewerScope(t *testing.T) {
	for _, tt := range []struct {
		name   string
		viewer *auth.Viewer
		want   db.Scope
		anon   bool
	}{
		{"Anonymous", nil, db.Scope{}, true},
		{"Admin", &auth.Viewer{Subject: "a", Role: db.RoleAdmin}, db.Scope{Role: db.RoleAdmin, All: true}, false},
		{"Analyst", &auth.Viewer{Subject: "a", Role: db.RoleAnalyst}, db.Scope{Role: db.RoleAnalyst}, false},
		{"Participant", &auth.Viewer{Subject: "a", Role: db.RoleParticipant, ParticipantID: 7}, db.Scope{Role: db.RoleParticipant, ParticipantID: 7}, false},
		{"Provider", &auth.Viewer{Subject: "a", Role: db.RoleProvider, ProviderID: 8}, db.Scope{Role: db.RoleProvider, ProviderID: 8}, false},
		{"Platform", &auth.Viewer{Subject: "a", Role: db.RolePlatform, PlatformID: 9}, db.Scope{Role: db.RolePlatform, PlatformID: 9}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.viewer.Scope(); got != tt.want {
				t.Errorf("Scope() = got %+v, want %+v", got, tt.want)
			}
			if got := tt.viewer.IsAnonymous(); got != tt.anon {
				t.Errorf("IsAnonymous() = got %v, want %v", got, tt.anon)
			}
			ctx := auth.WithViewer(context.Background(), tt.viewer)
			if got := auth.FromContext(ctx); got != tt.viewer {
				t.Errorf("FromContext(WithViewer()) = got %v, want %v", got, tt.viewer)
			}
		})
	}
	if got := auth.FromContext(context.Background()); got != nil {
		t.Errorf("FromContext(empty) = got %v, want %v", got, nil)
	}
}
