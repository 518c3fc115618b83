// Package db is the storage layer: models, queries, migrations and the single scoping point that
// every read passes through. It talks to PostgreSQL through bun over pgx. It never imports graph.
package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "time/tzdata" // Asia/Jakarta on machines without zoneinfo

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// DefaultURL is the database used when DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/prakerja?sslmode=disable"

// Jakarta is Western Indonesian Time (WIB), the zone in which the program's days are counted.
var Jakarta = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return loc
}()

// Options tune a connection pool.
type Options struct {
	// StatementTimeout bounds every statement on the server, because a cancelled context does not
	// always stop a running query. Zero means 30 seconds.
	StatementTimeout time.Duration
	// MaxOpenConns bounds the pool. Zero means 20.
	MaxOpenConns int
	// ReadSlots bounds the round trips of reads outside transactions that run at once (0: 4).
	// Beyond it, concurrent requests' statements wait and then share round trips (coalesce.go).
	ReadSlots int
}

// ErrUnreachable is returned by Open and EnsureDatabase when PostgreSQL does not answer.
var ErrUnreachable = errors.New("PostgreSQL is not reachable")

// Open connects to the database at dsn and checks that it answers. Every session runs with the
// Asia/Jakarta time zone, so that dates (a wave's day, a payment's month) are the days Indonesians
// see, and with a statement_timeout.
// It returns an error wrapping ErrUnreachable when the server does not answer.
func Open(ctx context.Context, dsn string, opts Options) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	timeout := opts.StatementTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["timezone"] = "Asia/Jakarta"
	cfg.RuntimeParams["statement_timeout"] = fmt.Sprint(timeout.Milliseconds())
	cfg.RuntimeParams["application_name"] = "prakerja"
	// bun writes every argument into the SQL text, so the statements that name a list of keys
	// differ on every request and pgx prepares and caches each one (512 per connection by
	// default), on both sides of the connection. 128 keeps every recurring statement: on the
	// nested page and the lookup by id it served as many requests as 512, with half the peak RSS
	// (64 MiB against 118 MiB; BENCHMARKS.md). A statement_cache_capacity in the URL wins.
	if !strings.Contains(dsn, "statement_cache_capacity") {
		cfg.StatementCacheCapacity = 128
	}
	sqldb := stdlib.OpenDB(*cfg)
	maxOpen := opts.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 20
	}
	sqldb.SetMaxOpenConns(maxOpen)
	sqldb.SetMaxIdleConns(maxOpen)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	bdb := bun.NewDB(sqldb, pgdialect.New())
	installHub(bdb, opts.ReadSlots)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := bdb.PingContext(pingCtx); err != nil {
		bdb.Close()
		return nil, unreachable(cfg.Host, cfg.Port, err)
	}
	return bdb, nil
}

func unreachable(host string, port uint16, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("connect to database: %w", err)
	}
	return fmt.Errorf("%w at %s:%d (%v)", ErrUnreachable, host, port, err)
}

// EnsureDatabase creates the database named in dsn when it does not exist yet, connecting to the
// server's "postgres" maintenance database to do so. It returns an error wrapping ErrUnreachable
// when the server does not answer.
func EnsureDatabase(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	name := cfg.Database
	if name == "" {
		return errors.New("DATABASE_URL names no database")
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// A key=value DSN: assume the database exists.
		return nil
	}
	u.Path = "/postgres"
	connCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(connCtx, u.String())
	if err != nil {
		return unreachable(cfg.Host, cfg.Port, err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created concurrently
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %q: %w", name, err)
	}
	return nil
}

// DatabaseName returns the database part of dsn, for messages.
func DatabaseName(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return ""
	}
	return cfg.Database
}

// RawConn runs f with the pgx connection under a pooled database/sql connection, for COPY.
func RawConn(ctx context.Context, bdb *bun.DB, f func(conn *pgx.Conn) error) error {
	conn, err := bdb.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("raw connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("raw connection: unexpected driver %T", dc)
		}
		return f(sc.Conn())
	})
}

// Ping reports whether the database answers within the context's deadline.
func Ping(ctx context.Context, idb *bun.DB) error { return idb.PingContext(ctx) }
