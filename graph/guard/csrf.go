package guard

import (
	"mime"
	"net/http"
	"strings"
)

// preflightHeaders are request headers a browser cannot attach to a cross-site request without a
// CORS preflight, which our CORS policy then decides. Their value does not matter, only that they
// are present.
var preflightHeaders = []string{
	"Authorization",
	"X-Requested-With",
	"Apollo-Require-Preflight",
	"GraphQL-Require-Preflight",
}

// simpleContentTypes are the media types a cross-site form or no-cors fetch can POST without a
// preflight (the Fetch standard's CORS-safelisted Content-Type values).
var simpleContentTypes = map[string]bool{
	"application/x-www-form-urlencoded": true,
	"multipart/form-data":               true,
	"text/plain":                        true,
}

const (
	csrfPostMessage = "this request could have been sent by another site, so it is refused: " +
		"send it with Content-Type: application/json, or add the header GraphQL-Require-Preflight: 1"
	csrfGetMessage = "a cross-site GET request is refused: " +
		"add the header GraphQL-Require-Preflight: 1 (or X-Requested-With), or send it as a POST with Content-Type: application/json"
)

// CSRF returns middleware that refuses requests a browser could send from another site without a
// CORS preflight, so that cookies or ambient credentials can never carry a forged operation. CORS
// alone does not stop these: it only hides the response, after the operation has run.
//
// The rule:
//   - A request that carries any of Authorization, X-Requested-With, Apollo-Require-Preflight or
//     GraphQL-Require-Preflight (any value) passes: a browser must preflight it cross-site.
//   - POST passes only when its Content-Type parses as a media type other than
//     application/x-www-form-urlencoded, multipart/form-data and text/plain (so
//     application/json and application/graphql-response+json pass). A POST with no Content-Type,
//     one of those three, or a value that does not parse is refused.
//   - GET and HEAD pass only when they carry no Origin header and Sec-Fetch-Site is absent,
//     "same-origin" or "none": that admits curl and other non-browser clients and same-origin
//     fetches, and refuses cross-site links, images and fetches. A browser too old to send
//     Sec-Fetch-Site can still make a cross-site GET that way; the GET transport runs queries
//     only, never mutations, which bounds what such a request can do.
//   - OPTIONS and every other method pass: a browser preflights them cross-site.
//
// A WebSocket handshake is a GET with an Origin header, so it is refused unless it carries one of
// the headers above (browsers cannot add headers to one): mount a WebSocket transport outside
// this middleware, with its own origin check.
//
// A refusal is HTTP 400 with code CSRF_REFUSED and a message that names the header to add.
func CSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hasPreflightHeader(r) {
			next.ServeHTTP(w, r)
			return
		}
		switch r.Method {
		case http.MethodPost:
			if !nonSimpleContentType(r.Header.Get("Content-Type")) {
				WriteError(w, http.StatusBadRequest, CodeCSRFRefused, csrfPostMessage)
				return
			}
		case http.MethodGet, http.MethodHead:
			if !sameOriginOrNonBrowser(r) {
				WriteError(w, http.StatusBadRequest, CodeCSRFRefused, csrfGetMessage)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func hasPreflightHeader(r *http.Request) bool {
	for _, name := range preflightHeaders {
		if len(r.Header.Values(name)) > 0 {
			return true
		}
	}
	return false
}

// nonSimpleContentType reports whether a browser would have to preflight a cross-site POST with
// this Content-Type. A value Go cannot parse counts as simple: gqlgen's POST transport, which
// parses it the same way, would not serve it anyway.
func nonSimpleContentType(contentType string) bool {
	if contentType == "" {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return !simpleContentTypes[strings.ToLower(mediaType)]
}

// sameOriginOrNonBrowser reports whether a GET or HEAD comes from a non-browser client or from a
// page of our own origin: browsers send Origin on cross-origin fetches and Sec-Fetch-Site on
// everything.
func sameOriginOrNonBrowser(r *http.Request) bool {
	if len(r.Header.Values("Origin")) > 0 {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}
