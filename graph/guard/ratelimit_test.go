package guard_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"prakerja/graph/guard"
)

// subjectKey keys requests the way the server does for authenticated callers; the test names the
// caller in a header instead of a token.
func subjectKey(r *http.Request) string {
	return "sub:" + r.Header.Get("X-Test-Subject")
}

func mustQuery(tb testing.TB, url, subject string) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ name }"}`))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if subject != "" {
		req.Header.Set("X-Test-Subject", subject)
	}
	return req
}

func TestRateLimit(t *testing.T) {
	srv, executed := MustGraphQLServer(t)
	ts := httptest.NewServer(guard.RateLimit(guard.RateLimitConfig{
		Requests: 3,
		Window:   time.Minute,
		Key:      subjectKey,
	})(srv))
	defer ts.Close()

	// One sequence against one limiter: each step depends on the steps before it.
	steps := []struct {
		name    string
		subject string
		want    int
	}{
		{"OK/1", "alice", http.StatusOK},
		{"OK/2", "alice", http.StatusOK},
		{"OK/3", "alice", http.StatusOK},
		{"ErrRateLimited/4", "alice", http.StatusTooManyRequests},
		{"ErrRateLimited/5", "alice", http.StatusTooManyRequests},
		{"OK/OtherKey", "bob", http.StatusOK},
	}
	for _, st := range steps {
		label := "POST " + st.name + " as " + st.subject
		before := executed.Load()
		status, header, got := MustDo(t, ts.Client(), mustQuery(t, ts.URL, st.subject))
		if st.want == http.StatusOK {
			checkData(t, label, status, got)
			continue
		}
		checkRefusal(t, label, status, header, got, st.want, guard.CodeRateLimited)
		if got := header.Get("Retry-After"); got != "60" {
			t.Errorf("%s: Retry-After = %q, want %q", label, got, "60")
		}
		if n := executed.Load() - before; n != 0 {
			t.Errorf("%s ran %d operations, want 0", label, n)
		}
	}
}

func TestRateLimitRetryAfterAtLeastOneSecond(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	ts := httptest.NewServer(guard.RateLimit(guard.RateLimitConfig{
		Requests: 1,
		Window:   600 * time.Millisecond, // httprate alone would answer Retry-After: 0
	})(srv))
	defer ts.Close()

	var status int
	var header http.Header
	for range 2 {
		status, header, _ = MustDo(t, ts.Client(), mustQuery(t, ts.URL, ""))
	}
	if status != http.StatusTooManyRequests {
		// Even across a window boundary the sliding window still counts the first request.
		t.Fatalf("POST %s twice = %d, want %d", ts.URL, status, http.StatusTooManyRequests)
	}
	got, err := strconv.Atoi(header.Get("Retry-After"))
	if err != nil || got < 1 {
		t.Errorf("POST %s: Retry-After = %q, want whole seconds >= 1", ts.URL, header.Get("Retry-After"))
	}
}

func TestRateLimitByIP(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	// Key left nil: KeyByIP. Every request of this test comes from 127.0.0.1.
	ts := httptest.NewServer(guard.RateLimit(guard.RateLimitConfig{Requests: 2, Window: time.Minute})(srv))
	defer ts.Close()

	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		// A forged X-Forwarded-For must not buy a fresh bucket.
		req := mustQuery(t, ts.URL, "")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		status, _, _ := MustDo(t, ts.Client(), req)
		if status != want {
			t.Errorf("POST %s #%d = %d, want %d", ts.URL, i+1, status, want)
		}
	}
}

func TestRateLimitDisabled(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	ts := httptest.NewServer(guard.RateLimit(guard.RateLimitConfig{Requests: 0, Window: time.Minute})(srv))
	defer ts.Close()
	for i := range 10 {
		status, _, got := MustDo(t, ts.Client(), mustQuery(t, ts.URL, "alice"))
		checkData(t, "POST #"+strconv.Itoa(i+1)+" with Requests 0", status, got)
	}
}

func TestRateLimitPanicsWithoutWindow(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("RateLimit(Requests: 3, Window: 0) did not panic, want a panic")
		}
	}()
	guard.RateLimit(guard.RateLimitConfig{Requests: 3})
}

func TestKeyByIP(t *testing.T) {
	tests := []struct {
		name       string
		remoteAddr string
		forwarded  string
		want       string
	}{
		{"OK/IPv4", "192.0.2.7:51234", "", "ip:192.0.2.7"},
		{"OK/IgnoresXForwardedFor", "192.0.2.7:51234", "203.0.113.9", "ip:192.0.2.7"},
		{"OK/IPv6SharesItsSlash64", "[2001:db8:1:2:aaaa::1]:443", "", "ip:2001:db8:1:2::"},
		{"OK/IPv4MappedIPv6", "[::ffff:192.0.2.7]:80", "", "ip:192.0.2.7"},
		{"OK/NoPort", "192.0.2.7", "", "ip:192.0.2.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			req.RemoteAddr = tt.remoteAddr
			if tt.forwarded != "" {
				req.Header.Set("X-Forwarded-For", tt.forwarded)
			}
			if got := guard.KeyByIP(req); got != tt.want {
				t.Errorf("KeyByIP(RemoteAddr %q) = %q, want %q", tt.remoteAddr, got, tt.want)
			}
		})
	}
}
