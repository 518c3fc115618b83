package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"prakerja/graph/guard"
)

// postTransport is gqlgen's POST transport with two savings on the requests almost every client
// sends, measured on a small query under load (a count: a tenth of the server's CPU):
//   - the body, `{"query": "…", "operationName": …, "variables": {…}, "extensions": {…}}`, is read
//     with fastjson, which neither reflects nor allocates; only non-empty variables and extensions
//     go through encoding/json, as gqlgen decodes them (numbers as json.Number);
//   - the fast path's encoded data (encoded.go) is written as it is, where gqlgen's transport
//     first encodes the empty response that stands in for it.
//
// Any body that encoding/json might read differently from fastjson goes to gqlgen's own POST
// transport, unchanged, which then answers the request in full: one that is not valid UTF-8 or
// uses \u escapes (encoding/json replaces invalid text with U+FFFD), an object with another key,
// a key in another case or twice, a member of another type, nesting deeper than fastjson's 300
// levels, or anything that is not one JSON object (gqlgen reads the first value and ignores what
// follows). So are bodies that could not be read. TestPostTransportAgrees sends such bodies both ways and compares the answers.
type postTransport struct{ gqlgenPOST }

// gqlgenPOST is gqlgen's POST transport: it decides which requests postTransport serves, and
// answers those postTransport does not read itself.
type gqlgenPOST = transport.POST

var postParsers fastjson.ParserPool

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w, r, e := withEncoded(w, r)
	defer e.release()
	start := graphql.Now()
	var body []byte
	if b, ok := r.Body.(*guard.Body); ok && b.Len() == len(b.Bytes()) {
		body = b.Bytes() // BodyLimit read it already
	} else {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
			t.gqlgenPOST.Do(w, r, exec)
			return
		}
	}
	p := postParsers.Get()
	params, ok := readParams(p, body)
	postParsers.Put(p)
	if !ok {
		r.Body = io.NopCloser(bytes.NewReader(body))
		t.gqlgenPOST.Do(w, r, exec)
		return
	}
	contentType := responseContentType(r.Header.Get("Accept"))
	w.Header().Add("Content-Type", contentType)
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	ctx := r.Context()
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		w.WriteHeader(statusFor(contentType, opErr))
		writeResponse(w, e, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, e, responses(ctx))
}

// readParams reads a request body with p, or reports that gqlgen's transport must read it.
func readParams(p *fastjson.Parser, body []byte) (*graphql.RawParams, bool) {
	if bytes.Contains(body, []byte(`\u`)) || !utf8.Valid(body) {
		return nil, false
	}
	// The parser refuses nesting deeper than fastjson.MaxDepth (300); only then is the body
	// validated, which is strict about escapes and numbers but would recurse as deep as the
	// body nests.
	v, err := p.ParseBytes(body)
	if err != nil || fastjson.ValidateBytes(body) != nil {
		return nil, false
	}
	o, err := v.Object()
	if err != nil {
		return nil, false
	}
	params := &graphql.RawParams{}
	var seen [4]bool
	ok := true
	o.Visit(func(key []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		i := paramIndex(string(key))
		if i < 0 || seen[i] {
			ok = false
			return
		}
		seen[i] = true
		switch i {
		case 0:
			params.Query, ok = stringParam(v)
		case 1:
			params.OperationName, ok = stringParam(v)
		case 2:
			params.Variables, ok = mapParam(v)
		case 3:
			params.Extensions, ok = mapParam(v)
		}
	})
	return params, ok
}

// paramIndex numbers the members of a request body, as gqlgen's RawParams names them.
func paramIndex(key string) int {
	switch key {
	case "query":
		return 0
	case "operationName":
		return 1
	case "variables":
		return 2
	case "extensions":
		return 3
	}
	return -1
}

// stringParam reads a string member; null reads as "", as encoding/json leaves it.
func stringParam(v *fastjson.Value) (string, bool) {
	switch v.Type() {
	case fastjson.TypeNull:
		return "", true
	case fastjson.TypeString:
		return string(v.GetStringBytes()), true
	}
	return "", false
}

// mapParam reads an object member as encoding/json with UseNumber does, as gqlgen reads it; null
// reads as a nil map.
func mapParam(v *fastjson.Value) (map[string]any, bool) {
	switch v.Type() {
	case fastjson.TypeNull:
		return nil, true
	case fastjson.TypeObject:
	default:
		return nil, false
	}
	o, _ := v.Object()
	if o.Len() == 0 {
		return map[string]any{}, true
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(v.MarshalTo(nil)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, false
	}
	return m, true
}

// responseContentType is the media type of the response for a request's Accept header, as gqlgen's
// POST transport chooses it (with no ResponseHeaders and application/json by default).
func responseContentType(accept string) string {
	const plain, graphqlResponse = "application/json", "application/graphql-response+json"
	if accept == "" {
		return plain
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", plain:
			return plain
		case graphqlResponse:
			return graphqlResponse
		}
	}
	return graphqlResponse
}

// statusFor is the HTTP status of a request refused before it ran, as gqlgen's transport gives it:
// a protocol error (the document did not parse or validate) is 422 for application/json and 400
// for application/graphql-response+json; anything else 200.
func statusFor(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == "application/json" {
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// writeResponse writes the fast path's encoded data when it left some, and otherwise the response
// as gqlgen's transport encodes it.
func writeResponse(w http.ResponseWriter, e *encoded, resp *graphql.Response) {
	if e.data != nil {
		_, _ = w.Write(nil) // the encodedWriter writes e.data
		return
	}
	b, err := json.Marshal(resp)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %s: %w", string(resp.Data), err))
	}
	_, _ = w.Write(b)
}

// errReader returns its error: what is left of a body that failed to arrive.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
