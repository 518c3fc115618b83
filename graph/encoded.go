package graph

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// gqlgen's HTTP transports write a response with json.Marshal, which reads the already-encoded
// data again to validate it and escape HTML characters: a fifth of the server's CPU on a large
// page. The fast path writes data that needs neither (its writers escape as encoding/json does),
// so over POST and GET it hands the encoded data to the transport's writer, which writes it as it
// is. Everything else about the transports (headers, status codes, errors) stays gqlgen's.

type encodedKey struct{}

// encoded carries a fast-path response from the executor to the transport's writer, and the
// buffer it was written in, which goes back to bufferPool once the transport has written it.
type encoded struct {
	data []byte
	buf  *bytes.Buffer
}

// dataPrefix is what precedes the data in a response. responseBuffer writes it into the buffer
// first, so that the whole response is one slice, written with its length in one Write: as three
// writes without a length, net/http sent a 60 KB page chunked, in more system calls.
const dataPrefix = `{"data":`

// bufferPool holds the buffers the fast path writes responses in. A nested page is tens of
// kilobytes; a new buffer for each grew by doubling, which cost four times the response's size in
// allocations and much of the garbage collector's work.
var bufferPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}

// maxPooledBuffer is the largest buffer kept for reuse; a rare large response does not stay in
// memory.
const maxPooledBuffer = 1 << 20

// responseBuffer returns the buffer the fast path writes its response in: a pooled one when the
// transport writes the response and returns the buffer (POST and GET), a new one otherwise (the
// response then outlives the request's handler, as over a websocket).
func responseBuffer(ctx context.Context) *bytes.Buffer {
	e, ok := ctx.Value(encodedKey{}).(*encoded)
	if !ok {
		return bytes.NewBuffer(make([]byte, 0, 4096))
	}
	if e.buf == nil {
		e.buf = bufferPool.Get().(*bytes.Buffer)
	}
	e.buf.Reset()
	e.buf.WriteString(dataPrefix)
	return e.buf
}

// release returns the response buffer to the pool, once nothing refers to its bytes.
func (e *encoded) release() {
	if e.buf != nil && e.buf.Cap() <= maxPooledBuffer {
		e.buf.Reset()
		bufferPool.Put(e.buf)
	}
	e.buf, e.data = nil, nil
}

// encodedWriter writes the fast path's data in place of the transport's encoding of an empty
// response, and any other response unchanged.
type encodedWriter struct {
	http.ResponseWriter
	e *encoded
}

func (w encodedWriter) Write(b []byte) (int, error) {
	if w.e.data == nil {
		return w.ResponseWriter.Write(b)
	}
	data := w.e.data
	w.e.data = nil
	if buf := w.e.buf; buf != nil && buf.Len() == len(dataPrefix)+len(data) && len(data) > 0 && &buf.Bytes()[len(dataPrefix)] == &data[0] {
		// The data was written in the buffer after the prefix (responseBuffer).
		buf.WriteByte('}')
		body := buf.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if _, err := w.ResponseWriter.Write(body); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	for _, part := range [][]byte{[]byte(dataPrefix), data, []byte(`}`)} {
		if _, err := w.ResponseWriter.Write(part); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// handOver gives data to the transport's writer when the request came through POST or GET, and
// returns the response the executor must return for it; otherwise it returns the data's response.
func handOver(ctx context.Context, data []byte) *graphql.Response {
	if e, ok := ctx.Value(encodedKey{}).(*encoded); ok {
		e.data = data
		return &graphql.Response{}
	}
	return &graphql.Response{Data: data}
}

func withEncoded(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, *encoded) {
	e := &encoded{}
	return encodedWriter{ResponseWriter: w, e: e}, r.WithContext(context.WithValue(r.Context(), encodedKey{}, e)), e
}

// getTransport is gqlgen's GET transport with the encodedWriter (post.go has the POST transport).
type getTransport struct{ transport.GET }

func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w, r, e := withEncoded(w, r)
	defer e.release()
	t.GET.Do(w, r, exec)
}
