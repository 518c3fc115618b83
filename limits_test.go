package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph/auth"
)

// TestAbuse sends the requests an attacker would, through the whole /graphql stack, and checks
// that each is refused quickly, with its own code, before any SQL statement runs.
func TestAbuse(t *testing.T) {
	bdb := dbtest.MustDB(t)
	counter := dbtest.CountQueries(bdb)
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"AUTH_SECRET": "abuse-test-secret-abuse-test-secret", "RATE_LIMIT": "0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(cfg.AuthSecret)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := auth.Mint([]byte(cfg.AuthSecret), db.RoleAdmin, "abuser", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)

	nested := strings.Repeat("enrollments(first: 1) { nodes { participant { ", 25) + "id" + strings.Repeat(" } } }", 25)
	var aliases strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&aliases, "a%d: __typename ", i)
	}
	for _, tc := range []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"50 levels of nesting", gql(`{ participants(first: 1) { nodes { ` + nested + ` } } }`), 200, "DEPTH_LIMIT_EXCEEDED"},
		{"2,000 aliases", gql("{ " + aliases.String() + "}"), 200, "ALIAS_LIMIT_EXCEEDED"},
		{"a fragment cycle", gql(`query { participants(first: 1) { nodes { ...A } } } fragment A on Participant { wave { number } ...B } fragment B on Participant { ...A }`), 422, "GRAPHQL_VALIDATION_FAILED"},
		{"a 20 MB body", gql(`{ platforms { name } }` + strings.Repeat(" ", 20<<20)), 413, "REQUEST_TOO_LARGE"},
		{"first: 1000000", gql(`{ participants(first: 1000000) { nodes { id } } }`), 200, "BAD_USER_INPUT"},
		{"a cross product", gql(`{ participants(first: 100) { nodes { enrollments(first: 100) { nodes { participant { enrollments(first: 100) { nodes { id } } } } } } } }`), 200, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"too many tokens", gql("{ " + strings.Repeat("platforms { name } ", 4000) + "}"), 422, "TOKEN_LIMIT_EXCEEDED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counter.Reset()
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, req)
			elapsed := time.Since(start)
			var resp struct {
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) == 0 {
				t.Fatalf("POST = %d %.200s, want a GraphQL error", rec.Code, rec.Body.String())
			}
			if got := resp.Errors[0].Extensions["code"]; got != tc.code {
				t.Errorf("extensions.code = %v (%q), want %s", got, resp.Errors[0].Message, tc.code)
			}
			if rec.Code != tc.status {
				t.Errorf("status = %d, want %d", rec.Code, tc.status)
			}
			if n := counter.Count(); n != 0 {
				t.Errorf("%d SQL statements ran, want 0: %v", n, counter.Queries())
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v to refuse", elapsed)
			}
		})
	}
}

func gql(query string) string {
	b, _ := json.Marshal(map[string]string{"query": query})
	return string(b)
}

// TestCORSAndCSRF checks that an allowed origin gets CORS headers and a preflight with
// Authorization passes, another origin gets no grant, and simple cross-site requests are refused.
func TestCORSAndCSRF(t *testing.T) {
	bdb := dbtest.MustDB(t)
	cfg, _ := loadConfig(func(k string) string {
		return map[string]string{"CORS_ALLOWED_ORIGINS": "https://dashboard.example", "AUTH_SECRET": "cors-test-secret-cors-test-secret-xx"}[k]
	})
	verifier, _ := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(cfg.AuthSecret)})
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)
	do := func(method, origin string, headers map[string]string, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/graphql", bytes.NewBufferString(body))
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	query := gql(`{ platforms { name } }`)
	rec := do(http.MethodPost, "https://dashboard.example", map[string]string{"Content-Type": "application/json"}, query)
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "https://dashboard.example" || rec.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("allowed origin POST = %d, ACAO %q, ACAC %q; want 200 with the grant", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Access-Control-Allow-Credentials"))
	}
	rec = do(http.MethodOptions, "https://dashboard.example", map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}, "")
	if rec.Code >= 300 || !strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight with Authorization = %d, allow-headers %q; want a grant", rec.Code, rec.Header().Get("Access-Control-Allow-Headers"))
	}
	rec = do(http.MethodPost, "https://evil.example", map[string]string{"Content-Type": "application/json"}, query)
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin got Access-Control-Allow-Origin %q, want none", rec.Header().Get("Access-Control-Allow-Origin"))
	}
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
		rec = do(http.MethodPost, "https://evil.example", map[string]string{"Content-Type": ct}, query)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "CSRF_REFUSED") {
			t.Errorf("cross-site POST as %s = %d %s, want 400 CSRF_REFUSED", ct, rec.Code, rec.Body.String())
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/graphql?query=%7B__typename%7D", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("cross-site GET = %d, want 400", rec.Code)
	}
}

// TestRateLimit checks that a caller over the limit gets 429 with Retry-After.
func TestRateLimit(t *testing.T) {
	bdb := dbtest.MustDB(t)
	cfg, _ := loadConfig(func(k string) string {
		return map[string]string{"RATE_LIMIT": "3", "RATE_LIMIT_WINDOW": "1m", "AUTH_SECRET": "rate-test-secret-rate-test-secret-xx"}[k]
	})
	verifier, _ := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(cfg.AuthSecret)})
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)
	var last *httptest.ResponseRecorder
	for range 4 {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(gql(`{ platforms { name } }`)))
		req.Header.Set("Content-Type", "application/json")
		last = httptest.NewRecorder()
		h.ServeHTTP(last, req)
	}
	if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") == "" || !strings.Contains(last.Body.String(), "RATE_LIMITED") {
		t.Fatalf("4th request of 3 allowed = %d, Retry-After %q, %s; want 429 RATE_LIMITED with Retry-After", last.Code, last.Header().Get("Retry-After"), last.Body.String())
	}
}

// TestComplexityCache checks that the remembered complexity of an operation belongs to its exact
// text, operation name and variables: the same document is refused with one page size and
// answered with another, in any order, and the same refusal repeats word for word.
func TestComplexityCache(t *testing.T) {
	bdb := dbtest.MustDB(t)
	cfg, err := loadConfig(func(k string) string {
		return map[string]string{"AUTH_SECRET": "complexity-test-secret-complexity-xx", "RATE_LIMIT": "0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(context.Background(), auth.Config{Secret: []byte(cfg.AuthSecret)})
	if err != nil {
		t.Fatal(err)
	}
	token, err := auth.Mint([]byte(cfg.AuthSecret), db.RoleAdmin, "admin", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := newMux(cfg, bdb, slog.New(slog.NewTextHandler(io.Discard, nil)), verifier, nil)
	type gqlResp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	send := func(body map[string]any) gqlResp {
		t.Helper()
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var r gqlResp
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("POST = %d %.200s", rec.Code, rec.Body.String())
		}
		return r
	}
	// Cost: 1 + n × (1 + (1 + 100 × 1)), so n = 100 is over the default limit of 20,000.
	const q = `query Q($n: Int) { participants(first: $n) { nodes { enrollments(first: 100) { nodes { id } } } } }`
	const refused = "operation has complexity 20201, which exceeds the limit of 20000"
	for i := range 3 {
		for _, n := range []int{100, 10} {
			r := send(map[string]any{"query": q, "variables": map[string]any{"n": n}})
			if n == 100 {
				if len(r.Errors) != 1 || r.Errors[0].Message != refused || r.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
					t.Fatalf("round %d, n = 100: got %+v, want one error %q", i, r.Errors, refused)
				}
				continue
			}
			if len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"participants"`) {
				t.Fatalf("round %d, n = 10: got %+v %s, want data", i, r.Errors, r.Data)
			}
		}
	}
	// Two operations in one document: the name selects the cost.
	const doc = `query Cheap { participants(first: 1) { nodes { id } } } query Dear { participants(first: 100) { nodes { enrollments(first: 100) { nodes { id } } } } }`
	for range 2 {
		if r := send(map[string]any{"query": doc, "operationName": "Cheap"}); len(r.Errors) != 0 {
			t.Fatalf("Cheap: got %+v, want data", r.Errors)
		}
		if r := send(map[string]any{"query": doc, "operationName": "Dear"}); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("Dear: got %+v, want COMPLEXITY_LIMIT_EXCEEDED", r.Errors)
		}
	}
}
