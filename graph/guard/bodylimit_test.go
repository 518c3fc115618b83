package guard_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"prakerja/graph/guard"
)

const bodyLimit = 1 << 20 // 1 MiB

// paddedQuery returns a valid GraphQL-over-HTTP JSON body of exactly size bytes, so that only its
// size can make a server refuse it.
func paddedQuery(size int) []byte {
	head := `{"query":"{ name }","variables":{"pad":"`
	tail := `"}}`
	pad := size - len(head) - len(tail)
	return []byte(head + strings.Repeat("a", pad) + tail)
}

// hideLength wraps a reader so that net/http cannot learn its length and sends it chunked.
type hideLength struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	limited := guard.BodyLimit(bodyLimit)(srv)
	var contentLength atomic.Int64 // as the server saw it: -1 for a chunked body
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentLength.Store(r.ContentLength)
		limited.ServeHTTP(w, r)
	}))
	defer ts.Close()

	tests := []struct {
		name    string
		body    []byte
		chunked bool
		want    int // status; 200 means the query ran
	}{
		{"OK", []byte(`{"query":"{ name }"}`), false, http.StatusOK},
		{"OK/Chunked", []byte(`{"query":"{ name }"}`), true, http.StatusOK},
		{"OK/ExactlyMax", paddedQuery(bodyLimit), false, http.StatusOK},
		{"OK/ExactlyMaxChunked", paddedQuery(bodyLimit), true, http.StatusOK},
		{"ErrTooLarge/OneOver", paddedQuery(bodyLimit + 1), false, http.StatusRequestEntityTooLarge},
		{"ErrTooLarge/OneOverChunked", paddedQuery(bodyLimit + 1), true, http.StatusRequestEntityTooLarge},
		{"ErrTooLarge/20MB", paddedQuery(20 << 20), false, http.StatusRequestEntityTooLarge},
		{"ErrTooLarge/20MBChunked", paddedQuery(20 << 20), true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = bytes.NewReader(tt.body)
			if tt.chunked {
				body = hideLength{body}
			}
			req, err := http.NewRequest(http.MethodPost, ts.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if tt.chunked {
				req.ContentLength = -1
			}
			label := "POST " + tt.name
			status, header, got := MustDo(t, ts.Client(), req)
			if cl := contentLength.Load(); tt.chunked != (cl == -1) {
				t.Errorf("%s: server saw Content-Length %d, want chunked = %v", label, cl, tt.chunked)
			}
			if tt.want == http.StatusOK {
				checkData(t, label, status, got)
				return
			}
			checkRefusal(t, label, status, header, got, tt.want, guard.CodeRequestTooLarge)
		})
	}
}

// unreadable is a request body that fails the test if anything reads it.
type unreadable struct{ tb testing.TB }

func (u unreadable) Read([]byte) (int, error) {
	u.tb.Errorf("BodyLimit read a body whose Content-Length is over the limit")
	return 0, io.ErrUnexpectedEOF
}

func TestBodyLimitRefusesBeforeReading(t *testing.T) {
	srv, executed := MustGraphQLServer(t)
	req := httptest.NewRequest(http.MethodPost, "/graphql", unreadable{t})
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = 20 << 20
	w := httptest.NewRecorder()
	guard.BodyLimit(bodyLimit)(srv).ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("POST %s = %d, want %d", req.URL, w.Code, http.StatusRequestEntityTooLarge)
	}
	if n := executed.Load(); n != 0 {
		t.Errorf("POST %s ran %d operations, want 0", req.URL, n)
	}
}

func TestBodyLimitDisabled(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	ts := httptest.NewServer(guard.BodyLimit(0)(srv))
	defer ts.Close()
	req, err := http.NewRequest(http.MethodPost, ts.URL, bytes.NewReader(paddedQuery(2*bodyLimit)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	status, _, got := MustDo(t, ts.Client(), req)
	checkData(t, "POST with BodyLimit(0)", status, got)
}
