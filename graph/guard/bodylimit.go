package guard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// BodyLimit returns middleware that refuses request bodies larger than max bytes with HTTP 413
// and code REQUEST_TOO_LARGE.
//
// A request that declares a Content-Length above max is refused before any of its body is read.
// A body of unknown length (chunked) is read here through http.MaxBytesReader, up to max bytes
// held in memory, and refused once it runs past max; this check happens before the next handler
// runs because gqlgen's POST transport commits its response headers before it reads the body and
// would otherwise turn the read error into an HTTP 200. A body that fits is handed on as an
// in-memory reader, so downstream handlers never see a read error. A body that fails to arrive
// (the client hung up) gets HTTP 400 with code BAD_REQUEST.
//
// max <= 0 disables the limit and returns the next handler unchanged.
func BodyLimit(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if max <= 0 {
			return next
		}
		tooLarge := fmt.Sprintf("the request body is larger than the limit of %d bytes", max)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > max {
				WriteError(w, http.StatusRequestEntityTooLarge, CodeRequestTooLarge, tooLarge)
				return
			}
			if r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			// MaxBytesReader, unlike io.LimitReader, also tells the server to close the
			// connection instead of draining the rest of an oversized body.
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
			if err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					WriteError(w, http.StatusRequestEntityTooLarge, CodeRequestTooLarge, tooLarge)
					return
				}
				WriteError(w, http.StatusBadRequest, CodeBadRequest, "the request body could not be read")
				return
			}
			// A shallow copy, as http.MaxBytesHandler makes: the caller's *Request stays untouched.
			r2 := new(http.Request)
			*r2 = *r
			r2.Body = &Body{Reader: bytes.NewReader(body), data: body}
			r2.ContentLength = int64(len(body))
			next.ServeHTTP(w, r2)
		})
	}
}

// Body is a request body that BodyLimit read into memory: a reader over it, and the whole of it
// for a handler that would otherwise read it into memory again.
type Body struct {
	*bytes.Reader
	data []byte
}

// Close does nothing: the body is in memory.
func (*Body) Close() error { return nil }

// Bytes returns the whole body, however much of it has been read. The caller must not change it.
func (b *Body) Bytes() []byte { return b.data }
