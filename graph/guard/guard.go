// Package guard holds the HTTP hardening that stands in front of the /graphql handler: a request
// body limit, a CSRF check, a per-caller rate limit and a persisted-query allow-list.
//
// Every refusal made here answers with a GraphQL-shaped JSON body, written by WriteError, so that
// a client reads errors[0].extensions.code the same way whether the refusal came from this package
// or from the GraphQL executor.
package guard

import (
	"encoding/json"
	"net/http"
)

// The extensions.code values of the refusals this package makes.
const (
	CodeRequestTooLarge          = "REQUEST_TOO_LARGE"
	CodeBadRequest               = "BAD_REQUEST"
	CodeCSRFRefused              = "CSRF_REFUSED"
	CodeRateLimited              = "RATE_LIMITED"
	CodePersistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
	CodeInternal                 = "INTERNAL_SERVER_ERROR"
)

type errorExtensions struct {
	Code string `json:"code"`
}

type errorEntry struct {
	Message    string          `json:"message"`
	Extensions errorExtensions `json:"extensions"`
}

type errorBody struct {
	Errors []errorEntry `json:"errors"`
}

// WriteError answers the request with status and the body
// {"errors":[{"message":message,"extensions":{"code":code}}]} as application/json. It must be
// called before anything else has been written to w; headers already set on w (Retry-After, say)
// are kept.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	// Marshalling a struct of strings cannot fail.
	body, _ := json.Marshal(errorBody{Errors: []errorEntry{{
		Message:    message,
		Extensions: errorExtensions{Code: code},
	}}})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
