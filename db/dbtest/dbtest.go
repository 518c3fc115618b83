// Package dbtest gives tests real PostgreSQL databases: a template migrated once per test process,
// and a fresh clone of it per test (CREATE DATABASE … TEMPLATE takes milliseconds).
//
// Tests never skip when PostgreSQL is missing: they fail with a sentence saying how to start it.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"prakerja/db"
)

// ServerURL returns the URL of the PostgreSQL server tests use: TEST_DATABASE_URL, or the local
// server on 127.0.0.1:5432. The database part is ignored.
func ServerURL() string {
	if v := os.Getenv("TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

const howToStart = "PostgreSQL must run at %s for the tests; start it with " +
	"`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` " +
	"(or set TEST_DATABASE_URL): %v"

var (
	mu        sync.Mutex
	templates = map[string]string{} // kind → template database name
	created   []string
)

// URLFor returns the URL of database name on the test server.
func URLFor(name string) string {
	u, err := url.Parse(ServerURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func admin(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, URLFor("postgres"))
	if err != nil {
		tb.Fatalf(howToStart, ServerURL(), err)
	}
	return conn
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

func createDB(tb testing.TB, name, template string) {
	tb.Helper()
	conn := admin(tb)
	defer conn.Close(context.Background())
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		tb.Fatalf("create test database %s: %v", name, err)
	}
	mu.Lock()
	created = append(created, name)
	mu.Unlock()
}

// DropDatabase drops a database created by this package, terminating its connections.
func dropDB(ctx context.Context, conn *pgx.Conn, name string) error {
	_, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// template returns the name of a template database of the given kind, building it once per test
// process with build.
func template(tb testing.TB, kind string, build func(ctx context.Context, bdb *bun.DB) error) string {
	tb.Helper()
	mu.Lock()
	name, ok := templates[kind]
	mu.Unlock()
	if ok {
		return name
	}
	// Build outside the lock's fast path but serialize builders of one kind.
	buildMu.Lock()
	defer buildMu.Unlock()
	mu.Lock()
	name, ok = templates[kind]
	mu.Unlock()
	if ok {
		return name
	}
	name = randomName("prakerja_tpl_" + kind)
	createDB(tb, name, "")
	ctx := context.Background()
	bdb, err := db.Open(ctx, URLFor(name), db.Options{StatementTimeout: 10 * time.Minute, MaxOpenConns: 4})
	if err != nil {
		tb.Fatalf(howToStart, ServerURL(), err)
	}
	defer bdb.Close()
	if err := build(ctx, bdb); err != nil {
		bdb.Close()
		if conn, cerr := pgx.Connect(ctx, URLFor("postgres")); cerr == nil {
			_ = dropDB(ctx, conn, name)
			conn.Close(ctx)
		}
		tb.Fatalf("build %s template database: %v", kind, err)
	}
	if err := bdb.Close(); err != nil {
		tb.Fatalf("close template database: %v", err)
	}
	mu.Lock()
	templates[kind] = name
	mu.Unlock()
	return name
}

var buildMu sync.Mutex

// Migrated builds an empty, fully migrated template; it is the build function of MustDB.
func Migrated(ctx context.Context, bdb *bun.DB) error {
	_, err := db.Migrate(ctx, bdb)
	return err
}

// MustDB returns a connection to a fresh, migrated, empty database that is dropped when the test
// ends.
func MustDB(tb testing.TB) *bun.DB {
	tb.Helper()
	return MustClone(tb, "migrated", Migrated)
}

// MustEmptyDB returns a connection to a fresh database with no tables at all, and its URL.
func MustEmptyDB(tb testing.TB) (*bun.DB, string) {
	tb.Helper()
	name := randomName("prakerja_t")
	createDB(tb, name, "")
	return open(tb, name), URLFor(name)
}

// MustClone returns a connection to a fresh copy of the template of the given kind, built once per
// test process by build. The copy is dropped when the test ends.
func MustClone(tb testing.TB, kind string, build func(ctx context.Context, bdb *bun.DB) error) *bun.DB {
	tb.Helper()
	tpl := template(tb, kind, build)
	name := randomName("prakerja_t")
	createDB(tb, name, tpl)
	return open(tb, name)
}

func open(tb testing.TB, name string) *bun.DB {
	tb.Helper()
	bdb, err := db.Open(context.Background(), URLFor(name), db.Options{StatementTimeout: time.Minute, MaxOpenConns: 8})
	if err != nil {
		tb.Fatalf(howToStart, ServerURL(), err)
	}
	tb.Cleanup(func() {
		bdb.Close()
		conn, err := pgx.Connect(context.Background(), URLFor("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_ = dropDB(context.Background(), conn, name)
	})
	return bdb
}

// Main runs the tests of a package and then drops the template databases this process built.
// Call it from TestMain: func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	conn, err := pgx.Connect(context.Background(), URLFor("postgres"))
	if err != nil {
		return code
	}
	defer conn.Close(context.Background())
	for _, name := range templates {
		if err := dropDB(context.Background(), conn, name); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: drop %s: %v\n", name, err)
		}
	}
	return code
}
