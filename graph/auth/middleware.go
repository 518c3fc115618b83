package auth

import (
	"encoding/json"
	"net/http"
	"strings"

	"prakerja/db"
)

// codeUnauthenticated is the GraphQL extensions.code of a refused token. It equals
// graph.CodeUnauthenticated, which this package cannot import.
const codeUnauthenticated = "UNAUTHENTICATED"

// Middleware authenticates each request before next sees it.
//
// Without an Authorization header the request is anonymous: next runs with no viewer in the
// context. With a valid `Authorization: Bearer <token>` next runs with the token's viewer (see
// FromContext). A header that is not of that form, or whose token Verify refuses, is answered here
// with HTTP 401, `WWW-Authenticate: Bearer error="invalid_token"` and a GraphQL-shaped JSON body
// whose error has extensions.code UNAUTHENTICATED; next is not called.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Authorization")
		if len(values) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		token, ok := bearerToken(values)
		if !ok {
			refuse(w, `the Authorization header must be "Bearer <token>"`)
			return
		}
		viewer, err := v.Verify(token)
		if err != nil {
			refuse(w, db.ErrorMessage(err))
			return
		}
		next.ServeHTTP(w, r.WithContext(WithViewer(r.Context(), viewer)))
	})
}

// bearerToken returns the token of a single `Bearer <token>` header value (RFC 6750 §2.1; the
// scheme is case-insensitive).
func bearerToken(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// refuse answers a request whose credentials are invalid.
func refuse(w http.ResponseWriter, message string) {
	type gqlError struct {
		Message    string            `json:"message"`
		Extensions map[string]string `json:"extensions"`
	}
	body := struct {
		Errors []gqlError `json:"errors"`
	}{
		Errors: []gqlError{{Message: message, Extensions: map[string]string{"code": codeUnauthenticated}}},
	}
	h := w.Header()
	h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(body)
}
