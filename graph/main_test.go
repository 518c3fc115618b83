package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
	"prakerja/graph"
	"prakerja/graph/auth"
)

func TestMain(m *testing.M) {
	// The fast-path comparisons require no pipeline stalls (executors.same). Under the race
	// detector on a loaded machine a fetcher can take more than the serving default of 2 ms before
	// its statement; a second is far beyond that, so a stall means a fetcher that was blocked.
	db.SetPipelineWait(time.Second)
	os.Exit(dbtest.Main(m))
}

// api is the real /graphql handler over a fresh copy of the seeded database.
type api struct {
	t       testing.TB
	h       http.Handler
	c       *client.Client
	db      *bun.DB
	queries *dbtest.QueryCounter
	token   string // the bearer token requests carry; empty for anonymous
}

// testSecret signs the tokens of the tests.
var testSecret = []byte("graph-test-secret-graph-test-secret")

// as returns the API called with a token of role for subject (a global ID for scoped roles),
// or anonymously when role is empty.
func (a *api) as(role db.Role, subject string) *api {
	a.t.Helper()
	b := *a
	b.token = ""
	if role != "" {
		tok, err := auth.Mint(testSecret, role, subject, time.Hour)
		if err != nil {
			a.t.Fatalf("Mint(%s, %s) = %v", role, subject, err)
		}
		b.token = tok
	}
	return &b
}

// testLoaderWait is how long the tests' loaders collect keys: long, so that statement counts do not
// depend on how busy the machine is.
const testLoaderWait = 25 * time.Millisecond

// mustAPI returns the handler over a fresh seeded database. Loaders wait longer than in production
// so that statement counts do not depend on how busy the test machine is.
func mustAPI(t testing.TB) *api {
	t.Helper()
	bdb := dbtest.MustSeededDB(t)
	// Whatever a test wrote, concurrently or not, the rollups must still equal their tables.
	t.Cleanup(func() {
		drift, err := db.RollupDrift(context.Background(), bdb)
		if err != nil || len(drift) > 0 {
			t.Errorf("after this test the rollups differ from their tables (fix the rollup triggers of migrations 7 and 9 in db/migrations/): %v %+v", err, drift)
		}
	})
	counter := dbtest.CountQueries(bdb)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	verifier, err := auth.NewVerifier(context.Background(), auth.Config{Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(bdb, logger, graph.Options{Introspection: true, LoaderWait: testLoaderWait, Verifier: verifier})
	a := &api{t: t, h: h, c: client.New(h), db: bdb, queries: counter}
	return a.as(db.RoleAdmin, "pmo-admin")
}

// withLoaderWait returns the API over the same database with loaders that collect keys for wait.
func (a *api) withLoaderWait(wait time.Duration) *api {
	return a.with(graph.Options{LoaderWait: wait})
}

// with returns the API over the same database through a handler built with opts, plus
// introspection and the tests' token verifier; loaders wait as in mustAPI unless opts says.
func (a *api) with(opts graph.Options) *api {
	a.t.Helper()
	if opts.LoaderWait == 0 {
		opts.LoaderWait = testLoaderWait
	}
	verifier, err := auth.NewVerifier(context.Background(), auth.Config{Secret: testSecret})
	if err != nil {
		a.t.Fatal(err)
	}
	opts.Introspection, opts.Verifier = true, verifier
	b := *a
	b.h = graph.NewHandler(a.db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	b.c = client.New(b.h)
	return &b
}

// query runs q with vars and decodes its data into out, failing the test on any error.
func (a *api) query(q string, vars map[string]any, out any) {
	a.t.Helper()
	resp := a.raw(q, vars)
	if len(resp.Errors) > 0 {
		a.t.Fatalf("query returned errors: %+v\nquery: %s\nvariables: %v", resp.Errors, q, vars)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			a.t.Fatalf("decode data: %v\n%s", err, resp.Data)
		}
	}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// raw posts q as a GraphQL-over-HTTP request and returns the status and decoded body.
func (a *api) raw(q string, vars map[string]any) gqlResponse {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return a.do(httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)))
}

func (a *api) do(req *http.Request) gqlResponse {
	a.t.Helper()
	if req.Header.Get("Content-Type") == "" && req.Method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		a.t.Fatalf("%s %s = %d with a body that is not JSON: %v\n%s", req.Method, req.URL, rec.Code, err, rec.Body.String())
	}
	resp.Status = rec.Code
	return resp
}

// count runs an SQL count over the seeded data, the reference every API total is checked against.
func (a *api) count(sql string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.NewRaw(sql, args...).Scan(t0, &n); err != nil {
		a.t.Fatalf("reference count %q: %v", sql, err)
	}
	return n
}

// ids runs an SQL query returning primary keys, for comparing orders and pages.
func (a *api) ids(sql string, args ...any) []int64 {
	a.t.Helper()
	var ids []int64
	if err := a.db.NewRaw(sql, args...).Scan(t0, &ids); err != nil {
		a.t.Fatalf("reference ids %q: %v", sql, err)
	}
	return ids
}

// key decodes a global ID of type typ into its primary key.
func key(t testing.TB, id, typ string) int64 {
	t.Helper()
	n, err := db.ParseNodeID(id)
	if err != nil {
		t.Fatalf("ParseNodeID(%q) = %v", id, err)
	}
	k, err := n.Int(typ)
	if err != nil {
		t.Fatalf("ID %q: %v", id, err)
	}
	return k
}

func gid(typ string, id int64) string { return db.IntNodeID(typ, id).String() }

var t0 = context.Background()

func jsonUnmarshal(b []byte, out any) error { return json.Unmarshal(b, out) }

// dataTables are the tables a mutation may write; rowCounts snapshots them so that a refused
// mutation can be shown to have written nothing.
var dataTables = []string{"waves", "wave_province_quotas", "households", "participants", "blacklist", "wave_applications",
	"platforms", "providers", "courses", "course_listings", "training_sessions", "enrollments", "balance_ledger",
	"certificates", "reviews", "payout_accounts", "incentive_schedules", "incentives", "payments", "placements", "audit_events"}

// rowCounts returns the number of rows of every data table.
func (a *api) rowCounts() map[string]int {
	a.t.Helper()
	out := make(map[string]int, len(dataTables))
	for _, table := range dataTables {
		out[table] = a.count("SELECT count(*) FROM " + table)
	}
	return out
}

// mustBeUnchanged fails when any table's row count differs from before.
func (a *api) mustBeUnchanged(before map[string]int) {
	a.t.Helper()
	for table, n := range a.rowCounts() {
		if n != before[table] {
			a.t.Errorf("%s has %d rows, want %d: a refused mutation wrote", table, n, before[table])
		}
	}
}
