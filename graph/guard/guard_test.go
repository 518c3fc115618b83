package guard_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"prakerja/graph/guard"
)

// gqlResponse is the JSON body of a GraphQL response, as a client reads it.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// code returns errors[0].extensions.code, or "" if the response has no errors.
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// MustGraphQLServer returns a real gqlgen server over gqlgen's own test schema (type Query { name:
// String! } answers {"name":"test"}), with the transports of graph.NewHandler in the same order,
// and a counter of the operations it has dispatched.
func MustGraphQLServer(tb testing.TB) (*testserver.TestServer, *atomic.Int64) {
	tb.Helper()
	srv := testserver.New()
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	var executed atomic.Int64
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		executed.Add(1)
		return next(ctx)
	})
	return srv, &executed
}

// MustDo sends req and returns the response status, headers and decoded body. A body that is not
// JSON fails the test.
func MustDo(tb testing.TB, client *http.Client, req *http.Request) (int, http.Header, gqlResponse) {
	tb.Helper()
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	var got gqlResponse
	if err := json.Unmarshal(body, &got); err != nil {
		tb.Fatalf("%s %s: body %q is not JSON: %v", req.Method, req.URL, body, err)
	}
	return resp.StatusCode, resp.Header, got
}

// checkRefusal fails the test unless the response is a guard refusal with status and code.
func checkRefusal(tb testing.TB, req string, status int, header http.Header, got gqlResponse, wantStatus int, wantCode string) {
	tb.Helper()
	if status != wantStatus {
		tb.Errorf("%s = %d, want %d", req, status, wantStatus)
	}
	if ct := header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("%s: Content-Type = %q, want %q", req, ct, "application/json")
	}
	if len(got.Errors) != 1 || got.Errors[0].Message == "" {
		tb.Errorf("%s: errors = %+v, want one error with a message", req, got.Errors)
	}
	if code := got.code(); code != wantCode {
		tb.Errorf("%s: extensions.code = %q, want %q", req, code, wantCode)
	}
}

// checkData fails the test unless the response is the test schema's {"name":"test"}.
func checkData(tb testing.TB, req string, status int, got gqlResponse) {
	tb.Helper()
	if status != http.StatusOK {
		tb.Errorf("%s = %d, want %d", req, status, http.StatusOK)
	}
	if string(got.Data) != `{"name":"test"}` || len(got.Errors) != 0 {
		tb.Errorf("%s: data = %s, errors = %+v, want data {\"name\":\"test\"} and no errors", req, got.Data, got.Errors)
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		code    string
		message string
		want    string
	}{
		{"OK", http.StatusTooManyRequests, "RATE_LIMITED", "slow down",
			`{"errors":[{"message":"slow down","extensions":{"code":"RATE_LIMITED"}}]}`},
		{"Escaping", http.StatusBadRequest, "CSRF_REFUSED", `add "X-Requested-With" <here>`,
			`{"errors":[{"message":"add \"X-Requested-With\" \u003chere\u003e","extensions":{"code":"CSRF_REFUSED"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("Retry-After", "7")
			guard.WriteError(w, tt.status, tt.code, tt.message)
			if w.Code != tt.status {
				t.Errorf("WriteError(%d) status = %d, want %d", tt.status, w.Code, tt.status)
			}
			if got := w.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("WriteError Content-Type = %q, want %q", got, "application/json")
			}
			if got := w.Header().Get("Retry-After"); got != "7" {
				t.Errorf("WriteError Retry-After = %q, want the caller's %q kept", got, "7")
			}
			if got := strings.TrimSpace(w.Body.String()); got != tt.want {
				t.Errorf("WriteError body = %s, want %s", got, tt.want)
			}
		})
	}
}
