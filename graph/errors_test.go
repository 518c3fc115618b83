package graph_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestBadInput checks that malformed input gets a GraphQL error with an extensions.code, never a
// 500, and never internal detail, and that it is refused before any statement is sent.
func TestBadInput(t *testing.T) {
	a := mustAPI(t)
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		code  string
	}{
		{"malformed cursor", `{ participants(first: 5, after: "not-a-cursor") { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"cursor of base64 junk", `{ participants(first: 5, after: "eyJvIjoxfQ") { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"cursor of another ordering", `query($c: String!) { participants(first: 5, after: $c, orderBy: {field: FULL_NAME}) { nodes { id } } }`,
			map[string]any{"c": "eyJvIjoicGFydGljaXBhbnRzLklEIiwidiI6MSwiaSI6MX0"}, "BAD_USER_INPUT"},
		{"cursor of another list", `query($c: String!) { courses(first: 5, after: $c) { nodes { id } } }`,
			map[string]any{"c": "eyJvIjoicGFydGljaXBhbnRzLklEIiwidiI6MSwiaSI6MX0"}, "BAD_USER_INPUT"},
		{"malformed ID", `{ node(id: "garbage!") { id } }`, nil, "BAD_USER_INPUT"},
		{"ID of an unknown type", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "V2lkZ2V0OjE"}, "BAD_USER_INPUT"},
		{"ID of the wrong type", `query($id: ID!) { course(id: $id) { id } }`, map[string]any{"id": gid("Participant", 1)}, "BAD_USER_INPUT"},
		{"malformed ID in a filter", `{ enrollments(first: 1, filter: {participantId: "x"}) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"ID of the wrong type in a filter", `query($id: ID!) { enrollments(first: 1, filter: {courseId: $id}) { nodes { id } } }`, map[string]any{"id": gid("Provider", 1)}, "BAD_USER_INPUT"},
		{"first over the cap", `{ participants(first: 101) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"first far over the cap", `{ participants(first: 1000000) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"negative first", `{ participants(first: -1) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"negative last", `{ courses(last: -3) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"first and last", `{ courses(first: 3, last: 3) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"nested first over the cap", `{ participants(first: 2) { nodes { enrollments(first: 500) { nodes { id } } } } }`, nil, "BAD_USER_INPUT"},
		{"unknown enum literal", `{ participants(first: 1, filter: {status: [SLEEPING]}) { nodes { id } } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown enum variable", `query($s: [ParticipantStatus!]) { participants(first: 1, filter: {status: $s}) { nodes { id } } }`,
			map[string]any{"s": []string{"SLEEPING"}}, "GRAPHQL_VALIDATION_FAILED"},
		{"malformed date", `{ participants(first: 1, filter: {registeredFrom: "2021-02-30"}) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"date range backwards", `{ incentives(first: 1, filter: {dueFrom: "2022-01-01", dueTo: "2021-01-01"}) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		// Totals, groups and page info alone read no rows, or read a rollup: their filters are
		// still checked as a page's are, before anything is sent.
		{"totals of a backwards range", `{ incentives(filter: {paidFrom: "2022-01-01", paidTo: "2021-01-01"}) { totalCount totalAmount } }`, nil, "BAD_USER_INPUT"},
		{"count of a backwards range", `{ participants(filter: {registeredFrom: "2022-01-01", registeredTo: "2021-01-01"}) { totalCount } }`, nil, "BAD_USER_INPUT"},
		{"groups filtered by an ID of another type", `query($id: ID!) { enrollments(filter: {providerId: $id}) { groups(by: [STATUS]) { count } } }`,
			map[string]any{"id": gid("Participant", 1)}, "BAD_USER_INPUT"},
		{"page info filtered by an ID of another type", `query($id: ID!) { incentives(filter: {participantId: $id}) { pageInfo { hasNextPage } } }`,
			map[string]any{"id": gid("Course", 1)}, "BAD_USER_INPUT"},
		{"fractional money", `{ courses(first: 1, filter: {minPrice: 10.5}) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"negative money", `{ courses(first: 1, filter: {maxPrice: -10}) { nodes { id } } }`, nil, "BAD_USER_INPUT"},
		{"short NIK", `{ participant(nik: "123") { id } }`, nil, "BAD_USER_INPUT"},
		{"both id and nik", `query($id: ID!) { participant(id: $id, nik: "3201011505900001") { id } }`, map[string]any{"id": gid("Participant", 1)}, "BAD_USER_INPUT"},
		{"too many nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": manyIDs(101)}, "BAD_USER_INPUT"},
		{"syntax error", `{ participants(first: 1) { nodes { id }`, nil, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ participants(first: 1) { nodes { password } } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.queries.Reset()
			resp := a.raw(tc.query, tc.vars)
			if resp.Status >= 500 {
				t.Fatalf("status = %d, want < 500", resp.Status)
			}
			if len(resp.Errors) == 0 {
				t.Fatalf("no error, want one with code %s; data: %s", tc.code, resp.Data)
			}
			e := resp.Errors[0]
			if got := e.Extensions["code"]; got != tc.code {
				t.Errorf("extensions.code = %v, want %s (message %q)", got, tc.code, e.Message)
			}
			if n := a.queries.Count(); n != 0 {
				t.Errorf("sent %d statements for arguments it refused, want none: %v", n, a.queries.Queries())
			}
			for _, leak := range []string{"SELECT", "sql", "pgx", "SQLSTATE", "goroutine", ".go:"} {
				if strings.Contains(e.Message, leak) {
					t.Errorf("message %q leaks %q", e.Message, leak)
				}
			}
		})
	}
}

func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = gid("Participant", int64(i+1))
	}
	return ids
}

// TestTransports checks GET for queries, and that GET refuses mutations-like misuse with an error.
func TestTransports(t *testing.T) {
	a := mustAPI(t)
	q := url.Values{"query": {`{ platforms { code } }`}}
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+q.Encode(), nil)
	resp := a.do(req)
	if resp.Status != http.StatusOK || len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "TOKOPEDIA") {
		t.Fatalf("GET /graphql = %d %s %v, want 200 with the platforms", resp.Status, resp.Data, resp.Errors)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ platforms { code } }"}`)))
	if rec.Header().Get("X-Request-ID") == "" {
		t.Errorf("POST /graphql answered without X-Request-ID")
	}
}
