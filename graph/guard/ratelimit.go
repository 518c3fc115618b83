package guard

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/httprate"
)

// RateLimitConfig configures RateLimit.
type RateLimitConfig struct {
	// Requests is how many requests one key may make per Window. Zero or less disables limiting.
	Requests int
	// Window is the length of the sliding window. It must be positive when Requests is.
	Window time.Duration
	// Key names the bucket a request counts against, such as "sub:<subject>" for an
	// authenticated caller and "ip:<address>" otherwise. Nil means KeyByIP.
	Key func(*http.Request) string
}

// RateLimit returns middleware that allows each key cfg.Requests requests per cfg.Window, counted
// over a sliding window by github.com/go-chi/httprate, and refuses the rest with HTTP 429, a
// Retry-After header of the window length in whole seconds (at least 1), and code RATE_LIMITED.
// Allowed responses carry httprate's X-RateLimit-Limit, -Remaining and -Reset headers.
//
// The counters live in this process's memory, one set per call to RateLimit: behind several
// replicas each enforces the limit on its own. RateLimit panics if cfg.Requests > 0 and cfg.Window
// is not positive, a configuration mistake to catch at startup.
func RateLimit(cfg RateLimitConfig) func(http.Handler) http.Handler {
	if cfg.Requests <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	if cfg.Window <= 0 {
		panic(fmt.Sprintf("guard.RateLimit: Window is %v, want a positive duration", cfg.Window))
	}
	key := cfg.Key
	if key == nil {
		key = KeyByIP
	}
	retryAfter := strconv.Itoa(max(1, int(math.Ceil(cfg.Window.Seconds()))))
	message := fmt.Sprintf("too many requests: the limit is %d per %v; retry after %s seconds",
		cfg.Requests, cfg.Window, retryAfter)
	return httprate.LimitBy(cfg.Requests, cfg.Window,
		func(r *http.Request) (string, error) { return key(r), nil },
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			// httprate has set Retry-After to the truncated window length, which is 0 for a
			// window under a second; replace it with one a client can act on.
			w.Header().Set("Retry-After", retryAfter)
			WriteError(w, http.StatusTooManyRequests, CodeRateLimited, message)
		}),
		httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			// Only a counter failure lands here; the in-memory counter never fails.
			WriteError(w, http.StatusInternalServerError, CodeInternal, "internal error")
		}),
	)
}

// KeyByIP returns "ip:" and the host part of r.RemoteAddr, the address of the peer that opened
// the connection. It does not trust X-Forwarded-For or similar headers, which any client can set:
// behind a reverse proxy, resolve the client address in a middleware that knows the proxy's
// address and pass a Key that reads it. IPv6 addresses are reduced to their /64 prefix
// (httprate.CanonicalizeIP), since one client usually holds a whole /64 and could otherwise take
// a fresh bucket per request.
func KeyByIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + httprate.CanonicalizeIP(host)
}
