package auth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"prakerja/db"
	"prakerja/graph/auth"
)

func TestMiddleware(t *testing.T) {
	v := mustVerifier(t, auth.Config{Secret: testSecret})
	var (
		called bool
		viewer *auth.Viewer
	)
	h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called, viewer = true, auth.FromContext(r.Context())
		w.WriteHeader(http.StatusOK)
	}))
	serve := func(header []string) *httptest.ResponseRecorder {
		called, viewer = false, nil
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		for _, h := range header {
			r.Header.Add("Authorization", h)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	t.Run("OKAnonymous", func(t *testing.T) {
		w := serve(nil)
		if got := w.Code; got != http.StatusOK {
			t.Errorf("status = got %v, want %v", got, http.StatusOK)
		}
		if !called {
			t.Errorf("next called = got %v, want %v", called, true)
		}
		if viewer != nil {
			t.Errorf("viewer = got %+v, want %v", viewer, nil)
		}
	})
	t.Run("OKBearer", func(t *testing.T) {
		for _, scheme := range []string{"Bearer ", "bearer ", "BEARER  "} {
			w := serve([]string{scheme + hs256(t, claims(db.RoleProvider, nil))})
			if got := w.Code; got != http.StatusOK {
				t.Errorf("%q: status = got %v, want %v", scheme, got, http.StatusOK)
			}
			want := auth.Viewer{Subject: "user-1", Role: db.RoleProvider, ProviderID: 8}
			if viewer == nil || *viewer != want {
				t.Errorf("%q: viewer = got %+v, want %+v", scheme, viewer, want)
			}
		}
	})

	valid := hs256(t, claims(db.RoleAdmin, nil))
	for _, tt := range []struct {
		name   string
		header []string
		want   string
	}{
		{"Basic", []string{"Basic xyz"}, `the Authorization header must be "Bearer <token>"`},
		{"Empty", []string{""}, `the Authorization header must be "Bearer <token>"`},
		{"BearerAlone", []string{"Bearer"}, `the Authorization header must be "Bearer <token>"`},
		{"BearerSpace", []string{"Bearer "}, `the Authorization header must be "Bearer <token>"`},
		{"NoScheme", []string{valid}, `the Authorization header must be "Bearer <token>"`},
		{"TwoTokens", []string{"Bearer " + valid + " " + valid}, `the Authorization header must be "Bearer <token>"`},
		{"TwoHeaders", []string{"Bearer " + valid, "Bearer " + valid}, `the Authorization header must be "Bearer <token>"`},
		{"Garbage", []string{"Bearer garbage"}, "token is malformed"},
		{"Expired", []string{"Bearer " + hs256(t, claims(db.RoleAdmin, jwt.MapClaims{"exp": time.Now().Add(-time.Hour).Unix()}))}, "token expired"},
		{"AlgNone", []string{"Bearer " + unsigned(t, claims(db.RoleAdmin, nil))}, "token signing algorithm is not accepted"},
	} {
		t.Run("Err"+tt.name, func(t *testing.T) {
			w := serve(tt.header)
			if got := w.Code; got != http.StatusUnauthorized {
				t.Errorf("status = got %v, want %v", got, http.StatusUnauthorized)
			}
			if called {
				t.Errorf("next called = got %v, want %v", called, false)
			}
			for _, h := range []struct{ name, want string }{
				{"WWW-Authenticate", `Bearer error="invalid_token"`},
				{"Content-Type", "application/json"},
			} {
				if got := w.Header().Get(h.name); got != h.want {
					t.Errorf("%s = got %v, want %v", h.name, got, h.want)
				}
			}
			var body struct {
				Errors []struct {
					Message    string            `json:"message"`
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if got := len(body.Errors); got != 1 {
				t.Fatalf("len(errors) = got %v, want %v (body %s)", got, 1, w.Body)
			}
			if got := body.Errors[0].Message; got != tt.want {
				t.Errorf("message = got %v, want %v", got, tt.want)
			}
			if got := body.Errors[0].Extensions["code"]; got != "UNAUTHENTICATED" {
				t.Errorf("extensions.code = got %v, want %v", got, "UNAUTHENTICATED")
			}
		})
	}
}
