package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/valyala/fastjson"

	"prakerja/graph/generated"
	"prakerja/graph/guard"
)

// gqlgenDecode reads a body as gqlgen's POST transport does.
func gqlgenDecode(body []byte) (*graphql.RawParams, error) {
	var p graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	err := dec.Decode(&p)
	return &p, err
}

// TestReadParamsAgreesWithGqlgen: every body postTransport reads itself, it reads as gqlgen would;
// the bodies clients send are read by it; the others are left to gqlgen.
func TestReadParamsAgreesWithGqlgen(t *testing.T) {
	const q = `"query Q($id: ID!) {\n  node(id: $id) { id ... on Course { title(lang: \"id\") } }\n}\n"`
	own := []string{ // read by postTransport
		`{"query":` + q + `}`,
		`{"query":` + q + `,"variables":{}}`,
		`{"query":` + q + `,"variables":null,"operationName":null,"extensions":null}`,
		`{"query":` + q + `,"operationName":"Q","variables":{"id":"Q291cnNlOjE=","n":12,"f":-1.5e3,"big":12345678901234567890,"deep":{"a":[1,"two",null,true,{"b":0.1}]}}}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"ab12"}},"variables":{"first":50}}`,
		` {"query" : "{ __typename }" } `,
		`{"query":"{ a(s: \"tab\t quote\" slash\/ back\\\\ \") }"}`,
		`{"query":"{ name(like: \"Añé 日本\") }"}`,
		`{}`,
	}
	gqlgens := []string{ // left to gqlgen's transport
		``,
		`null`,
		`[]`,
		`"query"`,
		`{"Query":"{ __typename }"}`,
		`{"query":"{ __typename }","query":"{ x }"}`,
		`{"query":"{ __typename }","other":1}`,
		`{"query":1}`,
		`{"query":"{ x }","variables":[]}`,
		`{"query":"{ x }","variables":"a"}`,
		`{"query":"{ x }","operationName":true}`,
		`{"query":"\u00e9"}`,
		`{"query":"{ x }","variables":{"s":"\ud800"}}`,
		"{\"query\":\"\xff\"}",
		`{"query":"\x"}`,
		`{"query":"{ x }"} trailing`,
		`{"query":"{ x }"`,
		`{"query":"{ x }","variables":{"n":1.2.3}}`,
		`{"query":"{ x }","variables":{"n":01}}`,
		`{"query":"{ x }","variables":{"n":NaN}}`,
		`{"query":"{ x }","variables":{"deep":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`,
	}
	p := postParsers.Get()
	defer postParsers.Put(p)
	check := func(body string, wantOwn bool) {
		t.Helper()
		got, ok := readParams(p, []byte(body))
		if ok != wantOwn {
			t.Errorf("readParams(%.200q) read it itself: %v, want %v", body, ok, wantOwn)
		}
		if !ok {
			return
		}
		want, err := gqlgenDecode([]byte(body))
		if err != nil {
			t.Errorf("readParams(%q) read a body gqlgen refuses (%v)", body, err)
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("readParams(%q) = %#v, gqlgen reads %#v", body, got, want)
		}
	}
	for _, b := range own {
		check(b, true)
	}
	for _, b := range gqlgens {
		check(b, false)
	}
	// fastjson's own check must hold on everything readParams reads.
	for _, b := range own {
		if err := fastjson.Validate(b); err != nil {
			t.Errorf("fastjson.Validate(%q) = %v", b, err)
		}
	}
}

// TestPostTransportAgrees sends requests through postTransport and through gqlgen's POST
// transport over the same executor, and requires the same status, media type and body: requests
// it reads itself (a query, a parse error, a validation error, each media type) and requests it
// leaves to gqlgen (a body it does not read, a body that fails to arrive).
func TestPostTransportAgrees(t *testing.T) {
	exec := executor.New(generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}))
	type request struct {
		body, accept string
		broken       bool // the body fails to arrive after its first bytes
		limited      bool // the body comes through guard.BodyLimit
	}
	requests := []request{
		{body: `{"query":"{ __typename }"}`},
		{body: `{"query":"{ __typename }"}`, limited: true},
		{body: `{"query":"query A { __typename } query B { __typename }","operationName":"B","variables":{}}`},
		{body: `{"query":"{ __typename"}`},
		{body: `{"query":"{ __typename"}`, accept: "application/graphql-response+json"},
		{body: `{"query":"{ __typename"}`, accept: "text/html, application/graphql-response+json;q=0.9, application/json"},
		{body: `{"query":"{ __typename"}`, accept: "application/*"},
		{body: `{"query":"{ nope }"}`, accept: "text/html"},
		{body: `{"query":"query ($n: Int!) { __typename }","variables":{"n":"x"}}`},
		{body: `{"query":"{ __typename }","operationName":"Missing"}`},
		{body: `{"query":"{ __typename }","other":1}`},
		{body: `{"query":"{ __typename }"`},
		{body: `{"query":"{ __typename }"}`, broken: true},
	}
	serve := func(tr graphql.Transport, rq request) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(rq.body))
		if rq.broken {
			req.Body = io.NopCloser(io.MultiReader(strings.NewReader(rq.body[:5]), errReader{errors.New("connection reset")}))
		}
		req.Header.Set("Content-Type", "application/json")
		if rq.accept != "" {
			req.Header.Set("Accept", rq.accept)
		}
		rec := httptest.NewRecorder()
		h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tr.Do(w, r.WithContext(graphql.StartOperationTrace(r.Context())), exec) // as handler.Server does
		}))
		if rq.limited {
			h = guard.BodyLimit(1 << 20)(h)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, rq := range requests {
		ours, theirs := serve(postTransport{}, rq), serve(transport.POST{}, rq)
		if ours.Code != theirs.Code || ours.Header().Get("Content-Type") != theirs.Header().Get("Content-Type") ||
			!bytes.Equal(ours.Body.Bytes(), theirs.Body.Bytes()) {
			t.Errorf("%+v:\nours   %d %s %s\ngqlgen %d %s %s", rq, ours.Code, ours.Header().Get("Content-Type"), ours.Body,
				theirs.Code, theirs.Header().Get("Content-Type"), theirs.Body)
		}
	}
}
