package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"prakerja/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// TestServe drives run() as the binary would: on a database that does not exist yet it creates it,
// migrates, seeds demo data, serves every route, and shuts down cleanly when cancelled.
func TestServe(t *testing.T) {
	name := fmt.Sprintf("prakerja_serve_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dbtest.URLFor("postgres"))
		if err == nil {
			_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(context.Background())
		}
	})
	port, pprofPort := freePort(t), freePort(t)
	env := map[string]string{
		"DATABASE_URL":         dbtest.URLFor(name),
		"PORT":                 port,
		"PPROF_ADDR":           "127.0.0.1:" + pprofPort,
		"DEMO_PARTICIPANTS":    "300",
		"CORS_ALLOWED_ORIGINS": "http://dashboard.example",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:" + port}, func(k string) string { return env[k] }, io.Discard, logs)
	}()

	base := "http://127.0.0.1:" + port
	waitFor(t, base+"/healthz", done, logs)

	for _, c := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/", 200, "Kartu Prakerja"},
		{"/metrics", 200, "go_goroutines"},
		{"/nope", 404, ""},
		{"/debug/pprof/", 404, ""}, // the profiler is never on the public listener
	} {
		resp, err := http.Get(base + c.path)
		if err != nil {
			t.Fatalf("GET %s: %v", c.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.body) {
			t.Errorf("GET %s = %d %.80q, want %d containing %q", c.path, resp.StatusCode, b, c.status, c.body)
		}
	}

	// The profiler answers on its own listener.
	if resp, err := http.Get("http://127.0.0.1:" + pprofPort + "/debug/pprof/"); err != nil || resp.StatusCode != 200 {
		t.Errorf("GET the profiler on PPROF_ADDR = %v, %v; want 200", resp, err)
	} else {
		resp.Body.Close()
	}

	body := `{"query":"{ courses(first: 1) { totalCount } platforms { name } }"}`
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://dashboard.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct {
			Courses   struct{ TotalCount int } `json:"courses"`
			Platforms []struct{ Name string }  `json:"platforms"`
		} `json:"data"`
		Errors []any `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if out.Data.Courses.TotalCount < 100 || len(out.Data.Platforms) < 8 || len(out.Errors) > 0 {
		t.Errorf("anonymous POST /graphql on the demo data = %+v, want the catalogue and the platforms", out)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://dashboard.example" {
		t.Errorf("Access-Control-Allow-Origin for an allowed origin = %q, want it echoed", got)
	}

	// Anonymous callers are refused personal data; a participant's token reads exactly one person.
	post := func(token, query string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(query))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	const people = `{"query":"{ participants { totalCount nodes { fullName nik } } }"}`
	if _, body := post("", people); !strings.Contains(body, "UNAUTHENTICATED") {
		t.Errorf("anonymous participants = %s, want UNAUTHENTICATED", body)
	}
	var tok bytes.Buffer
	if err := run(ctx, []string{"token", "--role", "PARTICIPANT", "--subject", "1"}, func(k string) string { return env[k] }, &tok, io.Discard); err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(tok.String())
	if strings.Count(tok.String(), "\n") != 1 || strings.Count(token, ".") != 2 {
		t.Fatalf("token printed %q, want one JWT alone on a line", tok.String())
	}
	if _, body := post(token, people); !strings.Contains(body, `"totalCount":1`) || strings.Contains(body, "*") {
		t.Errorf("participants with a PARTICIPANT token = %s, want exactly one person, unmasked", body)
	}
	tok.Reset()
	if err := run(ctx, []string{"token", "--role", "ADMIN"}, func(k string) string { return env[k] }, &tok, io.Discard); err != nil {
		t.Fatalf("token: %v", err)
	}
	if _, body := post(strings.TrimSpace(tok.String()), people); !strings.Contains(body, `"totalCount":300`) {
		t.Errorf("participants with an ADMIN token = %.300s, want the 300 demo participants", body)
	}
	if status, body := post(token+"x", people); status != http.StatusUnauthorized || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Errorf("a bad token = %d %s, want 401 UNAUTHENTICATED", status, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run() after cancel = %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run() did not return within 30s of cancellation")
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Errorf("logs do not report a clean stop:\n%s", logs.String())
	}
}

func waitFor(t *testing.T, url string, done chan error, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("run() returned %v before serving; logs:\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 60s; logs:\n%s", url, logs.String())
}

// TestUnreachableDatabase checks the one clear sentence when PostgreSQL is down.
func TestUnreachableDatabase(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/prakerja?sslmode=disable", "PORT": freePort(t)}
	err := run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not reachable") || !strings.Contains(err.Error(), "start PostgreSQL") {
		t.Fatalf("run() with PostgreSQL down = %v, want a sentence saying it is not reachable and how to start it", err)
	}
	if strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("the error spans several lines: %q", err)
	}
}

// TestConfig checks that bad configuration fails fast with the variable's name.
func TestConfig(t *testing.T) {
	for _, tc := range []struct{ key, value string }{
		{"APP_ENV", "staging"}, {"STATEMENT_TIMEOUT", "soon"}, {"AUTH_SECRET", "short"}, {"RATE_LIMIT_WINDOW", "-1s"}, {"DEMO_PARTICIPANTS", "-3"}, {"INTROSPECTION", "maybe"}, {"LOG_LEVEL", "loud"},
	} {
		_, err := loadConfig(func(k string) string {
			if k == tc.key {
				return tc.value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("loadConfig(%s=%s) = %v, want an error naming %s", tc.key, tc.value, err, tc.key)
		}
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"APP_ENV": "production"}[k] }); err == nil || !strings.Contains(err.Error(), "AUTH_SECRET") {
		t.Errorf("loadConfig(production without a key) = %v, want a refusal naming AUTH_SECRET", err)
	}
	cfg, err := loadConfig(func(string) string { return "" })
	if err != nil || cfg.Port != "8080" || !cfg.Introspection || cfg.DemoParticipants != 5000 {
		t.Errorf("loadConfig(empty) = %+v, %v; want port 8080, introspection on, 5000 demo participants", cfg, err)
	}
	// The collector's serving defaults apply unless GOGC or GOMEMLIMIT is set, which the runtime reads.
	if cfg.GCPercent != 300 || cfg.MemoryLimit != 256<<20 {
		t.Errorf("loadConfig(empty): GC target %d, memory limit %d; want 300 and 256 MiB", cfg.GCPercent, cfg.MemoryLimit)
	}
	cfg, err = loadConfig(func(k string) string { return map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}[k] })
	if err != nil || cfg.GCPercent != 0 || cfg.MemoryLimit != 0 {
		t.Errorf("loadConfig(GOGC, GOMEMLIMIT set) = GC target %d, memory limit %d, %v; want both left to the runtime", cfg.GCPercent, cfg.MemoryLimit, err)
	}
}

// TestTuneGCHeapProfile checks that the runtime samples allocations for heap profiles only when
// PPROF_ADDR serves them.
func TestTuneGCHeapProfile(t *testing.T) {
	rate, percent := runtime.MemProfileRate, debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	t.Cleanup(func() { runtime.MemProfileRate = rate; debug.SetGCPercent(percent) })
	runtime.MemProfileRate = 512 * 1024
	tuneGC(config{PprofAddr: "127.0.0.1:0"})
	if runtime.MemProfileRate != 512*1024 {
		t.Errorf("with PPROF_ADDR: MemProfileRate = %d, want the runtime's default 524288", runtime.MemProfileRate)
	}
	tuneGC(config{})
	if runtime.MemProfileRate != 0 {
		t.Errorf("without PPROF_ADDR: MemProfileRate = %d, want 0 (no allocation sampling)", runtime.MemProfileRate)
	}
}

// TestSeedCommand checks seed's --now: the same --seed and --now give the same data on two
// databases, nothing in it is later than --now, another --now gives other data, and a malformed
// --now is refused before the database is touched.
func TestSeedCommand(t *testing.T) {
	ctx := context.Background()
	seedInto := func(now string) (string, bool) {
		t.Helper()
		bdb, url := dbtest.MustEmptyDB(t)
		getenv := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
		if err := run(ctx, []string{"seed", "--participants", "200", "--seed", "5", "--now", now}, getenv, io.Discard, io.Discard); err != nil {
			t.Fatalf("seed --now %s: %v", now, err)
		}
		// Everything a participant is and did, in one digest.
		var digest string
		var notLater bool
		if err := bdb.NewRaw(`SELECT
			md5((SELECT string_agg(p::text, '|' ORDER BY p.id) FROM participants p) ||
				(SELECT string_agg(e::text, '|' ORDER BY e.id) FROM enrollments e) ||
				(SELECT string_agg(i::text, '|' ORDER BY i.id) FROM incentives i)),
			(SELECT max(registered_at) FROM participants) <= ?::timestamptz
				AND (SELECT max(opens_at) FROM waves) <= ?::timestamptz`, now, now).Scan(ctx, &digest, &notLater); err != nil {
			t.Fatal(err)
		}
		return digest, notLater
	}
	a, aBefore := seedInto("2026-03-10T00:00:00+07:00")
	b, _ := seedInto("2026-03-10") // the same instant: midnight in Asia/Jakarta
	c, _ := seedInto("2026-05-20T00:00:00+07:00")
	if a != b {
		t.Errorf("two seeds with the same --seed and --now differ: %s and %s", a, b)
	}
	if !aBefore {
		t.Errorf("seed --now 2026-03-10 wrote registrations or waves later than that")
	}
	if a == c {
		t.Errorf("seeds with different --now are identical (%s): --now is not applied", a)
	}

	bdb, url := dbtest.MustEmptyDB(t)
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": url}[k] }
	err := run(ctx, []string{"seed", "--now", "next tuesday"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--now") {
		t.Fatalf("seed --now 'next tuesday' = %v, want an error about --now", err)
	}
	var tables int
	if err := bdb.NewRaw("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("a refused seed left %d tables, want none", tables)
	}
}
