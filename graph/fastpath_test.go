package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"prakerja/db"
	"prakerja/graph"
	"prakerja/graph/auth"
)

// executors are the same database served twice: with the fast path, and with gqlgen's executor
// alone, each counting which executor answered.
type executors struct {
	a          *api
	fast, full http.Handler
	fastStats  *graph.ExecutorStats
}

func newExecutors(t *testing.T) *executors {
	a := mustAPI(t)
	e := &executors{a: a, fastStats: &graph.ExecutorStats{}}
	e.fast = a.with(graph.Options{Stats: e.fastStats}).h
	e.full = a.with(graph.Options{NoFastPath: true}).h
	return e
}

// post sends q with vars to h with a bearer token (none when empty) and returns the status and
// the body as sent. It uses no testing.T, so that goroutines may call it.
func post(h http.Handler, token, q string, vars map[string]any) (int, []byte) {
	rec := postRecorded(h, token, q, vars)
	return rec.Code, rec.Body.Bytes()
}

// postRecorded is post, returning the whole response.
func postRecorded(h http.Handler, token, q string, vars map[string]any) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// same runs q both ways as the caller of token and requires the same status and the same bytes.
// It returns whether the fast path answered, and the body.
func (e *executors) same(t *testing.T, token, q string, vars map[string]any) (bool, []byte) {
	t.Helper()
	before := e.fastStats.Fast.Load()
	_, _, stalled := db.PipelineStats()
	rec := postRecorded(e.fast, token, q, vars)
	fastCode, fastBody := rec.Code, rec.Body.Bytes()
	fast := e.fastStats.Fast.Load() > before
	// No fetcher of the fast path blocks on anything but its statements (db.Together).
	if _, _, s := db.PipelineStats(); s != stalled {
		t.Errorf("statements waited for a fetcher that sent none (%d times)\nquery: %s", s-stalled, q)
	}
	// The fast path's response is written whole, with its length (encodedWriter).
	if n := rec.Header().Get("Content-Length"); fast && n != strconv.Itoa(len(fastBody)) {
		t.Errorf("the fast path's response has Content-Length %q for %d bytes", n, len(fastBody))
	}
	fullCode, fullBody := post(e.full, token, q, vars)
	if fastCode != fullCode || !bytes.Equal(fastBody, fullBody) && !sameErrors(fastBody, fullBody) {
		t.Fatalf("the executors disagree (fast path answered: %v)\nquery: %s\nvariables: %v\nfast %d: %.2000s\nfull %d: %.2000s",
			fast, q, vars, fastCode, fastBody, fullCode, fullBody)
	}
	return fast, fastBody
}

// sameErrors reports whether two error responses hold the same data and the same errors in some
// order: gqlgen reports the errors of root fields, which it runs concurrently, as they occur.
func sameErrors(a, b []byte) bool {
	type response struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	var ra, rb response
	if json.Unmarshal(a, &ra) != nil || json.Unmarshal(b, &rb) != nil || len(ra.Errors) == 0 || !bytes.Equal(ra.Data, rb.Data) {
		return false
	}
	sorted := func(es []json.RawMessage) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = string(e)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(sorted(ra.Errors), sorted(rb.Errors))
}

// TestFastPathMatches runs pages, lists and lookups through the fast path and through gqlgen's
// executor, as every kind of caller, and requires byte-identical responses: the same rows, masks,
// IDs, cursors, nulls, aliases and field order. It also checks which executor answered: the
// covered queries must take the fast path, and anything else must not.
func TestFastPathMatches(t *testing.T) {
	e := newExecutors(t)
	a := e.a
	var pa, provider, platform int64
	var nik string
	if err := a.db.NewRaw(`SELECT e.participant_id, e.provider_id, e.platform_id, p.nik FROM enrollments e
		JOIN participants p ON p.id = e.participant_id
		JOIN incentives i ON i.participant_id = e.participant_id ORDER BY e.id LIMIT 1`).Scan(t0, &pa, &provider, &platform, &nik); err != nil {
		t.Fatal(err)
	}
	course := a.ids(`SELECT course_id FROM enrollments WHERE participant_id = ? ORDER BY id LIMIT 1`, pa)[0]
	// A name that JSON and HTML escaping both touch: quotes, a backslash, <, >, &, a tab, U+2028.
	if _, err := a.db.NewUpdate().Table("participants").Set("full_name = ?", "Budi <b>\"Santoso\"</b> & \\ Sons\t\u2028").
		Where("id = ?", pa).Exec(t0); err != nil {
		t.Fatal(err)
	}
	callers := map[string]string{"anonymous": ""}
	for name, c := range map[string]struct {
		role    db.Role
		subject string
	}{
		"admin":       {db.RoleAdmin, "pmo-admin"},
		"analyst":     {db.RoleAnalyst, "analyst-1"},
		"participant": {db.RoleParticipant, gid(db.TypeParticipant, pa)},
		"provider":    {db.RoleProvider, gid(db.TypeProvider, provider)},
		"platform":    {db.RolePlatform, gid(db.TypePlatform, platform)},
	} {
		tok, err := auth.Mint(testSecret, c.role, c.subject, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		callers[name] = tok
	}
	vars := map[string]any{"p": gid(db.TypeParticipant, pa), "nik": nik, "c": gid(db.TypeCourse, course),
		"pr": gid(db.TypeProvider, provider), "yes": true, "no": false}

	covered := []string{
		// The benchmark's nested page, catalogue, lookup and keyset page.
		`{ participants(first: 50) { pageInfo { hasNextPage endCursor } nodes {
			id nik fullName gender status balance registeredAt
			enrollments(first: 10) { nodes { id price status purchasedAt course { id title category mode provider { id name } } } }
			incentives(first: 10) { nodes { id kind sequence amount dueOn status paidAt } } } } }`,
		`{ courses(first: 20, filter: {search: "a", mode: [WEBINAR, SELF_PACED]}, orderBy: {field: PRICE, direction: ASC}) {
			totalCount nodes { id title category mode minPrice rating durationHours provider { name } } } }`,
		`query($p: ID!) { participant(id: $p) { id nik kkNumber fullName birthDate age gender email phone education
			employmentStatus status cardNumber balance registeredAt selectedAt purchaseDeadline balanceExpiresAt revokedAt
			province { id code name island } wave { id number status opensAt closesAt quota applicantCount selectedCount drawnAt } } }`,
		`query($nik: String!) { participant(nik: $nik) { id fullName enrollments { totalCount } } }`,
		// Edges, cursors, every pageInfo field, __typename, aliases, fragments and @skip/@include.
		`query($yes: Boolean!, $no: Boolean!) { __typename list: participants(first: 7, orderBy: {field: REGISTERED_AT, direction: DESC}) {
			__typename totalCount pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
			edges { __typename cursor node { __typename ...P name: fullName nik @include(if: $yes) email @skip(if: $yes) phone @include(if: $no) } }
			nodes { id ... on Participant { status } } } }
			fragment P on Participant { id status fullName }`,
		// Nested connections with arguments, counts and to-one relations at every depth.
		`query($pr: ID!) { provider(id: $pr) { id name kind nib createdAt province { code }
			courses(first: 3, orderBy: {field: TITLE, direction: ASC}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
				edges { cursor node { id title enrollments(last: 2) { totalCount nodes { id orderId participant { id nik fullName email } platform { id code name website joinedOn } } } } } }
			enrollments(first: 5, filter: {status: [COMPLETED, PAID, IN_PROGRESS]}) { totalCount nodes { id status startedAt completedAt refundedAt provider { id } } } } }`,
		`query($c: ID!) { course(id: $c) { id description reviewCount enrollmentCount createdAt rating
			enrollments(first: 4, orderBy: {field: PURCHASED_AT, direction: DESC}) { edges { cursor node { purchasedAt price participant { nik } } } } } }`,
		`{ enrollments(first: 15, filter: {status: [COMPLETED]}) { totalCount pageInfo { endCursor } nodes { id price course { title } } }
		   incentives(first: 15, orderBy: {field: DUE_ON, direction: ASC}) { totalCount nodes { id kind amount dueOn status channel paidAt surveyCompletedAt participant { id nik } } } }`,
		`{ providers(first: 5) { nodes { id name courses(first: 2) { nodes { title provider { name } } } } } }`,
		// Every covered field of every covered type, through lists (whose fetches read only the
		// selected fields' columns) and in a non-default order.
		`{ participants(first: 6, orderBy: {field: BIRTH_DATE, direction: DESC}) { nodes {
			id nik kkNumber fullName birthDate age gender email phone education employmentStatus status cardNumber balance
			registeredAt selectedAt purchaseDeadline balanceExpiresAt revokedAt
			province { id code name island } wave { id number status opensAt closesAt quota applicantCount selectedCount drawnAt }
			enrollments(first: 3, orderBy: {field: PRICE, direction: DESC}) { nodes { id orderId price status purchasedAt startedAt completedAt refundedAt
				course { id title description category mode durationHours minPrice rating reviewCount enrollmentCount createdAt
					provider { id name kind nib createdAt province { code } } }
				platform { id code name website joinedOn } provider { id name } participant { id fullName } } }
			incentives(first: 4, orderBy: {field: AMOUNT, direction: ASC}) { nodes { id kind sequence amount dueOn status paidAt channel surveyCompletedAt
				participant { id nik } } } } } }`,
		`{ courses(first: 5, orderBy: {field: RATING, direction: DESC}) { edges { cursor node { id rating } } nodes { title } } }`,
		// Root totals and groups: the benchmark's dashboards, and every dimension and measure.
		`{ participants { totalCount } enrollments { totalCount totalAmount } incentives { totalCount totalAmount }
		   paid: incentives(filter: {status: PAID}) { totalCount totalAmount } }`,
		`{ incentives(filter: {status: PAID, paidFrom: "2021-01-01", paidTo: "2021-12-31"}) {
			groups(by: [MONTH, PROVINCE], first: 1000) { key { month province { code } } count amount } } }`,
		`{ enrollments { groups(by: [CATEGORY], first: 1000) { key { category } count completedCount completionRate } } }`,
		`{ participants { groups(by: [WAVE, STATUS], first: 1000) { key { wave { number } status } count } } }`,
		`{ courses(first: 10, orderBy: {field: ENROLLMENT_COUNT, direction: DESC}) { nodes { id title category enrollmentCount provider { name } } } }`,
		`{ incentives(filter: {status: PAID, kind: TRAINING, provinceCode: ["32"]}) { totalCount } }`,
		`{ participants(first: 3) { totalCount nodes { id }
			a: groups(by: [PROVINCE, GENDER, AGE_BAND], first: 7, orderBy: {field: COUNT, direction: DESC}) { __typename key { __typename province { id code name island } gender ageBand } count }
			b: groups(by: [EDUCATION, EMPLOYMENT_STATUS, SCHEME, REGISTERED_MONTH], first: 9) { key { education employmentStatus scheme registeredMonth wave { id } } count } } }`,
		`{ incentives { totalAmount groups(by: [KIND, STATUS, CHANNEL, WAVE, SCHEME, YEAR], first: 20) { key { kind status channel wave { number status } scheme year month province { code } } count amount } } }`,
		`{ enrollments(filter: {status: [COMPLETED, REFUNDED]}) { totalCount totalAmount
			groups(by: [PROVIDER, PLATFORM, MODE, STATUS, PROVINCE, MONTH], first: 15, orderBy: {field: AMOUNT, direction: DESC}) {
				key { provider { id name kind } platform { id code name } mode status province { name } month category } count amount completedCount completionRate } } }`,
		`{ courses(filter: {mode: [WEBINAR]}) { totalCount groups(by: [CATEGORY, MODE, PROVIDER], first: 12) { key { category mode provider { id name } } count averagePrice averageRating } } }`,
		// One relation under several aliases with different arguments, in nodes and in edges, and an
		// object reached twice (a course under two enrollments) with a connection under it.
		`{ participants(first: 5) { nodes { a: enrollments(first: 1) { nodes { id } }
			b: enrollments(first: 3, orderBy: {field: PRICE, direction: DESC}) { totalCount nodes { id price c1: course { id } c2: course { title } } } }
			edges { node { c: enrollments(last: 1) { nodes { id } } } } } }`,
		`{ enrollments(first: 30, filter: {status: [COMPLETED]}) { nodes { course { id enrollments(first: 2) { totalCount nodes { id } } provider { id } } } } }`,
		`{ participants(last: 3) { pageInfo { hasPreviousPage hasNextPage startCursor } edges { cursor node { id } } } }`,
		// Courses read with their enrollments (with their providers' ids and names), and not.
		`{ participants(first: 4) { nodes { enrollments(first: 3) { nodes { id course { id title category mode provider { id name } } } }
			more: enrollments(first: 2) { nodes { course { title provider { id name kind } } } } } } }`,
		// Nested aggregates: counts, amounts and groups per parent, with and without rows and filters,
		// group keys with entities of their own.
		`query($pr: ID!) { provider(id: $pr) { courses { groups(by: [MODE]) { key { mode } count } } } }`,
		`query($p: ID!) { participant(id: $p) { incentives { groups(by: [STATUS]) { key { status } count amount } } } }`,
		`{ providers(first: 4) { nodes { name courses(filter: {mode: [WEBINAR, SELF_PACED]}) { totalCount groups(by: [CATEGORY, MODE], first: 5, orderBy: {field: COUNT, direction: DESC}) { key { category mode } count averagePrice } }
			enrollments { totalAmount groups(by: [STATUS, PLATFORM, PROVINCE], first: 7) { key { status platform { id name } province { code name } } count amount }
				byMonth: groups(by: [MONTH]) { key { month } count } } } } }`,
		`{ participants(first: 6) { nodes { id incentives(filter: {status: [PAID, FAILED]}) { groups(by: [KIND, WAVE, STATUS], first: 3, orderBy: {field: AMOUNT, direction: DESC}) { key { kind wave { number status } status } count amount } }
			enrollments(first: 1) { nodes { course { enrollments { groups(by: [STATUS]) { key { status } count } } } } } } } }`,
		// Nested totals: counts and amounts per parent, with and without rows and filters.
		`query($pr: ID!) { provider(id: $pr) { enrollments { totalAmount } } }`,
		`query($pr: ID!) { provider(id: $pr) { name enrollments(filter: {status: [COMPLETED]}) { totalCount totalAmount } courses(first: 2) { totalCount nodes { title enrollments(first: 1) { totalAmount totalCount nodes { price } } } } } }`,
		`{ participants(first: 8) { nodes { id enrollments { totalCount totalAmount } paid: incentives(filter: {status: [PAID]}) { totalCount totalAmount }
			incentives(first: 2, filter: {kind: [TRAINING]}) { totalAmount nodes { amount } } } } }`,
		`{ participants(first: 0) { pageInfo { hasNextPage startCursor endCursor } nodes { id } } }`,
		// Totals beside groups, added up from them when every group is there, fetched when first
		// cuts them, first: 0, the most groups there can be, and two groups fields.
		`{ participants(first: 8) { nodes { id enrollments { totalCount totalAmount groups(by: [STATUS]) { key { status } count amount } }
			incentives(filter: {status: [PAID, FAILED]}) { totalCount totalAmount groups(by: [KIND, STATUS], first: 2, orderBy: {field: AMOUNT, direction: DESC}) { key { kind status } count amount } } } } }`,
		`{ providers(first: 3) { nodes { name enrollments(filter: {status: [COMPLETED, IN_PROGRESS]}) { totalCount totalAmount
			a: groups(by: [PROVINCE], first: 0) { count } b: groups(by: [STATUS], first: 3) { key { status } count amount } c: groups(by: [MONTH], first: 1) { count } }
			courses { totalCount groups(by: [MODE]) { key { mode } count } } } } }`,
		`{ incentives(filter: {status: [PAID, FAILED]}) { totalCount totalAmount groups(by: [KIND, STATUS]) { key { kind status } count amount } }
			cut: incentives { totalCount totalAmount groups(by: [PROVINCE], first: 2, orderBy: {field: AMOUNT, direction: DESC}) { key { province { code } } amount } }
			participants { totalCount groups(by: [STATUS], first: 1000) { key { status } count } }
			enrollments(filter: {status: [COMPLETED]}) { totalCount totalAmount none: groups(by: [CATEGORY], first: 0) { count } groups(by: [MODE]) { count } }
			courses { totalCount groups(by: [CATEGORY, MODE]) { count averagePrice } } }`,
		`query($p: ID!) { participant(id: $p) { incentives { totalAmount groups(by: [STATUS], first: 1) { key { status } amount } }
			enrollments { totalCount groups(by: [STATUS], first: 1000) { key { status } count } } } }`,
	}
	full := []string{
		// Nested aggregates, uncovered fields, introspection and errors take gqlgen's executor.

		`query($p: ID!) { participant(id: $p) { payoutAccounts { id } } }`,
		`{ __schema { queryType { name } } }`,
		`{ participants(first: 2, after: "not-a-cursor") { nodes { id } } }`,
		`{ participants(first: 1000) { nodes { id } } }`,
		`{ participants { groups(by: [STATUS], first: 5000) { count } } }`,
		`query($c: ID!) { participant(id: $c) { id } }`,
		`{ waves(first: 2) { nodes { id } } }`,
		`{ viewer { role } }`,
	}
	for name, token := range callers {
		for _, q := range covered {
			fast, body := e.same(t, token, q, vars)
			failed := bytes.Contains(body, []byte(`"errors"`))
			if name == "admin" && failed {
				t.Errorf("as admin a covered query failed: %.500s\n%s", body, q)
			}
			if !fast && !failed {
				t.Errorf("as %s the fast path did not answer a query it covers:\n%s", name, q)
			}
		}
		for _, q := range full {
			if fast, _ := e.same(t, token, q, vars); fast {
				t.Errorf("as %s the fast path answered a query it does not cover:\n%s", name, q)
			}
		}
	}

	// GET answers as POST does.
	q := `query($p: ID!) { participant(id: $p) { id fullName enrollments(first: 2) { nodes { id course { title } } } } }`
	_, want := e.same(t, callers["admin"], q, vars)
	v, _ := json.Marshal(map[string]any{"p": vars["p"]})
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q)+"&variables="+url.QueryEscape(string(v)), nil)
	req.Header.Set("Authorization", "Bearer "+callers["admin"])
	rec := httptest.NewRecorder()
	e.fast.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) {
		t.Errorf("GET answered %d %s, want POST's %s", rec.Code, rec.Body.Bytes(), want)
	}
	if !bytes.Contains(want, []byte(`\u003cb\u003e\"Santoso\"\u003c/b\u003e \u0026 \\ Sons\t\u2028`)) {
		t.Errorf("the escaped name is not in the answer: %s", want)
	}

	// A keyset walk: every page's cursor leads to the same next page both ways.
	after := ""
	for page := 0; page < 4; page++ {
		_, body := e.same(t, callers["analyst"], `query($after: String) { participants(first: 25, after: $after) {
			pageInfo { hasNextPage endCursor } nodes { id nik } } }`, map[string]any{"after": nilIfEmpty(after)})
		var r struct {
			Data struct {
				Participants struct {
					PageInfo struct {
						EndCursor string `json:"endCursor"`
					} `json:"pageInfo"`
				} `json:"participants"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &r); err != nil || r.Data.Participants.PageInfo.EndCursor == "" {
			t.Fatalf("page %d: no end cursor (%v): %.300s", page, err, body)
		}
		after = r.Data.Participants.PageInfo.EndCursor
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestFastPathStatements checks that the fast path runs one statement per relation and position,
// whatever the number of rows: the nested page of the benchmark is three statements (the page, the
// enrollments with their courses and the courses' providers' names, the incentives); a provider
// selection that reads more than its id and name takes a fourth (the providers), and so does a
// course selection that reads more than an enrollment carries (the courses).
func TestFastPathStatements(t *testing.T) {
	e := newExecutors(t)
	const q = `{ participants(first: 50) { pageInfo { hasNextPage endCursor } nodes {
		id nik fullName enrollments(first: 10) { nodes { id course { id title provider { id name } } } }
		incentives(first: 10) { nodes { id amount } } } } }`
	post(e.fast, e.a.token, q, nil) // the first request reads the reference data (provinces, schemes) once
	e.a.queries.Reset()
	batches, batched, _ := db.PipelineStats()
	if code, body := post(e.fast, e.a.token, q, nil); code != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
		t.Fatalf("status %d: %.500s", code, body)
	}
	if got := e.a.queries.Count(); got != 3 {
		t.Errorf("the nested page ran %d statements on the fast path, want 3:\n%s", got, strings.Join(e.a.queries.Queries(), "\n"))
	}
	carried := 0
	for _, stmt := range e.a.queries.Queries() {
		if strings.Contains(stmt, `FROM "enrollments"`) && strings.Contains(stmt, "course_title") && strings.Contains(stmt, "course_provider_name") {
			carried++
		}
	}
	if carried != 1 {
		t.Errorf("the enrollments' statement does not read their courses and the providers' names:\n%s", strings.Join(e.a.queries.Queries(), "\n"))
	}
	// The page's enrollments and incentives went to PostgreSQL together, in one round trip.
	if b, s, _ := db.PipelineStats(); b-batches != 1 || s-batched != 2 {
		t.Errorf("the nested page sent %d batches of %d statements, want 1 of 2 (enrollments and incentives)", b-batches, s-batched)
	}
	// So did the four totals of a dashboard's header.
	e.a.queries.Reset()
	batches, batched, _ = db.PipelineStats()
	if code, body := post(e.fast, e.a.token, `{ participants { totalCount } enrollments { totalCount totalAmount }
		incentives { totalCount totalAmount } paid: incentives(filter: {status: PAID}) { totalCount totalAmount } }`, nil); code != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
		t.Fatalf("status %d: %.500s", code, body)
	}
	if b, s, _ := db.PipelineStats(); e.a.queries.Count() != 4 || b-batches != 1 || s-batched != 4 {
		t.Errorf("the four totals ran %d statements in %d batches of %d, want 4 in 1 batch", e.a.queries.Count(), b-batches, s-batched)
	}
	// They read the columns of the selected fields (and keys), not whole rows.
	for _, stmt := range e.a.queries.Queries() {
		for _, unread := range []string{`"kk_number"`, `"order_id"`, `"description"`, `"redeem_code"`, `"payout_account_id"`, `"nib"`} {
			if strings.Contains(stmt, unread) {
				t.Errorf("a statement reads %s, which the query does not select:\n%s", unread, stmt)
			}
		}
	}
	// run posts q to the fast path and requires want statements, batched of them sent in one batch
	// (0: none batched).
	run := func(what, q string, want int, batched int64) {
		t.Helper()
		e.a.queries.Reset()
		b0, s0, _ := db.PipelineStats()
		if code, body := post(e.fast, e.a.token, q, nil); code != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
			t.Fatalf("%s: status %d: %.500s", what, code, body)
		}
		b, s, _ := db.PipelineStats()
		wantBatches := int64(0)
		if batched > 0 {
			wantBatches = 1
		}
		if e.a.queries.Count() != want || b-b0 != wantBatches || s-s0 != batched {
			t.Errorf("%s ran %d statements, %d of them in %d batches; want %d, %d of them in %d:\n%s",
				what, e.a.queries.Count(), s-s0, b-b0, want, batched, wantBatches, strings.Join(e.a.queries.Queries(), "\n"))
		}
	}
	// A provider's kind is not read with the course: the providers take their own statement.
	run("the nested page with the providers' kinds", `{ participants(first: 50) { nodes { id
		enrollments(first: 10) { nodes { id course { id title provider { id name kind } } } } } } }`, 3, 0)
	// Nor is a course's description read with its enrollment: the courses take their own
	// statement, which reads the providers' names.
	run("the nested page with the courses' descriptions", `{ participants(first: 50) { nodes { id
		enrollments(first: 10) { nodes { id course { id description provider { id name } } } } } } }`, 3, 0)
	if qs := e.a.queries.Queries(); len(qs) != 3 || !strings.Contains(qs[2], `FROM "courses"`) || !strings.Contains(qs[2], "provider_name") || strings.Contains(qs[1], "course_title") {
		t.Errorf("the courses are not read in a statement of their own, with their providers' names:\n%s", strings.Join(qs, "\n"))
	}
	// A page of courses reads its providers' names with the courses, in one statement.
	run("the catalogue page", `{ courses(first: 20, orderBy: {field: PRICE, direction: ASC}) { nodes { id title provider { name } } } }`, 1, 0)
	// A page's nested totals: one statement per aggregate for all parents, sent together.
	run("the nested totals", `{ participants(first: 20) { nodes { id
		enrollments { totalCount totalAmount } incentives(filter: {status: [PAID]}) { totalAmount } } } }`, 4, 3)
	// Nested groups too: one statement per groups field for all parents.
	run("the nested groups", `{ participants(first: 10) { nodes { id
		incentives { groups(by: [KIND, STATUS], first: 10) { key { kind status } count amount } } enrollments { totalCount } } } }`, 3, 2)
	// Totals beside groups are the groups added up: the page and one statement per groups field.
	run("the totals beside groups", `{ participants(first: 10) { nodes { id
		enrollments { totalCount totalAmount groups(by: [STATUS]) { key { status } count amount } }
		incentives { totalAmount groups(by: [KIND, STATUS], first: 10) { key { kind status } count amount } } } } }`, 3, 2)
	// At the root too: a dashboard's totals and groups of one set are one statement.
	run("the root totals beside groups", `{ incentives(filter: {status: [PAID]}) { totalCount totalAmount
		groups(by: [KIND, PROVINCE], first: 500) { key { kind province { code } } count amount } } }`, 1, 0)
	run("the root totals beside cut groups", `{ incentives(filter: {status: [PAID]}) { totalCount totalAmount
		groups(by: [PROVINCE], first: 2) { key { province { code } } count amount } } }`, 2, 0)
	// With first at the most groups there can be, the totals are not added up from the groups but
	// sent with them, in the same batch.
	run("the root totals beside all groups", `{ incentives(filter: {status: [PAID]}) { totalCount totalAmount
		groups(by: [PROVINCE], first: 1000) { key { province { code } } count amount } } }`, 2, 2)
	run("the nested totals beside all groups", `{ participants(first: 2) { nodes { id
		enrollments { totalCount groups(by: [STATUS], first: 1000) { key { status } count } } } } }`, 3, 2)
	// When a parent has more groups than first, the totals cannot be added up: they take their
	// statements after the groups (the page, the groups, then the count and the sum together).
	run("the totals beside cut groups", `{ providers(first: 3) { nodes { id
		enrollments { totalCount totalAmount groups(by: [STATUS], first: 1) { key { status } count } } } } }`, 4, 2)
	if e.fastStats.Fast.Load() != 14 {
		t.Errorf("the fast path answered %d operations, want 14", e.fastStats.Fast.Load())
	}

	// A group key's wave number comes with the groups; other wave fields take a second statement.
	for q, want := range map[string]int{
		`{ participants { groups(by: [WAVE, STATUS], first: 1000) { key { wave { id number } status } count } } }`: 1,
		`{ incentives { groups(by: [WAVE, KIND], first: 1000) { key { wave { number } kind } count } } }`:          1,
		`{ participants { groups(by: [WAVE], first: 1000) { key { wave { number status } } count } } }`:            2,
	} {
		e.a.queries.Reset()
		if code, body := post(e.fast, e.a.token, q, nil); code != http.StatusOK || !bytes.Contains(body, []byte(`"number":`)) {
			t.Fatalf("status %d: %.500s", code, body)
		}
		if got := e.a.queries.Count(); got != want {
			t.Errorf("%s ran %d statements, want %d:\n%s", q, got, want, strings.Join(e.a.queries.Queries(), "\n"))
		}
	}
}

// TestFastPathSaysWhy checks that at debug level the server logs why gqlgen's executor answers an
// operation, for whoever extends the fast path.
func TestFastPathSaysWhy(t *testing.T) {
	a := mustAPI(t)
	verifier, err := auth.NewVerifier(t0, auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := graph.NewHandler(a.db, logger, graph.Options{Verifier: verifier})
	for q, why := range map[string]string{
		`{ participants(first: 1) { nodes { payoutAccounts { id } } } }`:              "Participant.payoutAccounts is not covered",
		`{ waves(first: 1) { nodes { id } } }`:                                        "Query.waves is not covered",
		`{ providers(first: 1) { nodes { courses { nodes { listings { id } } } } } }`: "Course.listings is not covered",
		`query($n: Int) { participants(first: $n) { nodes { id } } }`:                 "", // covered: nothing to say
	} {
		logs.Reset()
		if code, body := post(h, a.token, q, map[string]any{"n": 1}); code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", q, code, body)
		}
		got := logs.String()
		if why == "" && strings.Contains(got, "gqlgen's executor answers") || why != "" && !strings.Contains(got, why) {
			t.Errorf("%s: the log says %q, want %q", q, got, why)
		}
	}
}

// TestFastPathPlans checks the compiled plans the fast path remembers: one document with
// different variables (page sizes, @include and @skip) answers as gqlgen's executor does for each,
// in any order, and concurrent requests of different callers that share one plan each get their
// own answer (run it with -race).
func TestFastPathPlans(t *testing.T) {
	e := newExecutors(t)
	const q = `query($n: Int, $yes: Boolean!) { participants(first: $n) { totalCount
		nodes { id fullName @include(if: $yes) email @skip(if: $yes) enrollments(first: 1) { nodes { id course { title } } } } } }`
	for round := range 3 {
		for _, v := range []map[string]any{{"n": 2, "yes": true}, {"n": 3, "yes": false}, {"n": 2, "yes": false}} {
			fast, body := e.same(t, e.a.token, q, v)
			if !fast {
				t.Fatalf("round %d, %v: the fast path did not answer", round, v)
			}
			var r struct {
				Data struct {
					Participants struct {
						Nodes []map[string]any `json:"nodes"`
					} `json:"participants"`
				} `json:"data"`
			}
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatal(err)
			}
			nodes := r.Data.Participants.Nodes
			if len(nodes) != v["n"] {
				t.Fatalf("round %d, %v: %d nodes", round, v, len(nodes))
			}
			_, hasName := nodes[0]["fullName"]
			_, hasEmail := nodes[0]["email"]
			if yes := v["yes"].(bool); hasName != yes || hasEmail == yes {
				t.Fatalf("round %d, %v: fullName %v, email %v", round, v, hasName, hasEmail)
			}
		}
	}

	// One plan, many callers at once: admin sees names, an anonymous caller sees them masked.
	vars := map[string]any{"n": 5, "yes": true}
	anonymous := ""
	want := map[string][]byte{}
	for _, token := range []string{e.a.token, anonymous} {
		_, body := e.same(t, token, q, vars)
		want[token] = body
	}
	if bytes.Equal(want[e.a.token], want[anonymous]) {
		t.Fatalf("admin and anonymous callers get the same answer; the test needs answers that differ: %s", want[anonymous])
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		token := []string{e.a.token, anonymous}[g%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if code, body := post(e.fast, token, q, vars); code != http.StatusOK || !bytes.Equal(body, want[token]) {
					errs <- fmt.Sprintf("status %d: %.300s", code, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Errorf("a concurrent request got another answer: %s", msg)
	}
}
