// Command prakerja serves the Kartu Prakerja GraphQL API, and migrates and seeds its database.
//
//	prakerja [serve]                          serve /graphql, the playground, health and metrics
//	prakerja migrate [up|down|status]         apply, roll back or list the embedded migrations
//	prakerja seed [--participants N] [--seed S] [--reset]
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"github.com/uptrace/bun"
	"golang.org/x/term"

	"prakerja/db"
	"prakerja/db/seed"
	"prakerja/graph"
	"prakerja/graph/auth"
	"prakerja/graph/guard"
	"prakerja/graph/playground"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "prakerja: %v\n", err)
		os.Exit(1)
	}
}

// config is the process configuration, read once from the environment.
type config struct {
	Env              string        // APP_ENV: development or production
	Port             string        // PORT
	DatabaseURL      string        // DATABASE_URL
	CORSOrigins      []string      // CORS_ALLOWED_ORIGINS, comma-separated
	StatementTimeout time.Duration // STATEMENT_TIMEOUT
	RequestTimeout   time.Duration // REQUEST_TIMEOUT
	ShutdownTimeout  time.Duration // SHUTDOWN_TIMEOUT
	DemoParticipants int           // DEMO_PARTICIPANTS: size of the demo seed on an empty database
	Introspection    bool          // INTROSPECTION: on by default in development
	LogLevel         slog.Level    // LOG_LEVEL
	DBMaxConns       int           // DB_MAX_CONNS
	DBReadSlots      int           // DB_READ_SLOTS: round trips of reads at once, beyond which they share them
	AuthSecret       string        // AUTH_SECRET: HS256 key
	AuthJWKSURL      string        // AUTH_JWKS_URL: an OIDC provider's JWKS, for RS256/ES256
	AuthIssuer       string        // AUTH_ISSUER: required iss, when set
	AuthAudience     string        // AUTH_AUDIENCE: required aud, when set
	Limits           graph.Limits  // MAX_DEPTH, MAX_ALIASES, MAX_FIELDS, MAX_COMPLEXITY, MAX_TOKENS
	MaxBodyBytes     int64         // MAX_BODY_BYTES
	RateLimit        int           // RATE_LIMIT: requests per RATE_LIMIT_WINDOW per caller; 0 disables
	RateLimitWindow  time.Duration // RATE_LIMIT_WINDOW
	PersistedQueries string        // PERSISTED_QUERIES: allow-list file; when set only those operations run
	PprofAddr        string        // PPROF_ADDR: when set, Go's profiler (net/http/pprof) listens there
	FastPath         bool          // FAST_PATH: on by default; off sends every query through gqlgen's executor
	GCPercent        int           // the collector's target while serving, unless GOGC is set (0: leave it)
	MemoryLimit      int64         // the collector's soft memory limit while serving, unless GOMEMLIMIT is set (0: leave it)
}

// parseSwitch reads on/off as well as the booleans strconv.ParseBool reads.
func parseSwitch(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "yes":
		return true, nil
	case "off", "no":
		return false, nil
	}
	return strconv.ParseBool(v)
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Env:              or(getenv("APP_ENV"), "development"),
		Port:             or(getenv("PORT"), "8080"),
		DatabaseURL:      or(getenv("DATABASE_URL"), db.DefaultURL),
		StatementTimeout: 30 * time.Second,
		RequestTimeout:   30 * time.Second,
		ShutdownTimeout:  20 * time.Second,
		DemoParticipants: 5000,
		DBMaxConns:       20,
		DBReadSlots:      4,
		AuthSecret:       getenv("AUTH_SECRET"),
		AuthJWKSURL:      getenv("AUTH_JWKS_URL"),
		AuthIssuer:       getenv("AUTH_ISSUER"),
		AuthAudience:     getenv("AUTH_AUDIENCE"),
		MaxBodyBytes:     1 << 20,
		RateLimit:        600,
		RateLimitWindow:  time.Minute,
		PersistedQueries: getenv("PERSISTED_QUERIES"),
	}
	if c.Env != "development" && c.Env != "production" {
		return c, fmt.Errorf("APP_ENV must be development or production, got %q", c.Env)
	}
	c.Introspection = c.Env == "development"
	c.FastPath = true
	for _, o := range strings.Split(getenv("CORS_ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"STATEMENT_TIMEOUT", &c.StatementTimeout}, {"REQUEST_TIMEOUT", &c.RequestTimeout}, {"SHUTDOWN_TIMEOUT", &c.ShutdownTimeout},
		{"RATE_LIMIT_WINDOW", &c.RateLimitWindow}} {
		if v := getenv(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return c, fmt.Errorf("%s must be a positive duration such as 30s, got %q", d.name, v)
			}
			*d.dst = dur
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
		min  int
	}{{"DEMO_PARTICIPANTS", &c.DemoParticipants, 0}, {"DB_MAX_CONNS", &c.DBMaxConns, 1}, {"DB_READ_SLOTS", &c.DBReadSlots, 1}, {"RATE_LIMIT", &c.RateLimit, 0},
		{"MAX_DEPTH", &c.Limits.MaxDepth, 1}, {"MAX_ALIASES", &c.Limits.MaxAliases, 0}, {"MAX_FIELDS", &c.Limits.MaxFields, 1},
		{"MAX_COMPLEXITY", &c.Limits.MaxComplexity, 1}, {"MAX_TOKENS", &c.Limits.MaxTokens, 100}} {
		if v := getenv(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < n.min {
				return c, fmt.Errorf("%s must be an integer of at least %d, got %q", n.name, n.min, v)
			}
			*n.dst = i
		}
	}
	if v := getenv("MAX_BODY_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 {
			return c, fmt.Errorf("MAX_BODY_BYTES must be an integer of at least 1024, got %q", v)
		}
		c.MaxBodyBytes = n
	}
	if c.Env == "production" && c.AuthSecret == "" && c.AuthJWKSURL == "" {
		return c, errors.New("production needs AUTH_SECRET or AUTH_JWKS_URL to verify tokens; set one (APP_ENV=development uses a generated key)")
	}
	if c.AuthSecret != "" && len(c.AuthSecret) < 32 {
		return c, errors.New("AUTH_SECRET must be at least 32 characters")
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"INTROSPECTION", &c.Introspection}, {"FAST_PATH", &c.FastPath}} {
		if v := getenv(b.name); v != "" {
			on, err := parseSwitch(v)
			if err != nil {
				return c, fmt.Errorf("%s must be on or off (true or false), got %q", b.name, v)
			}
			*b.dst = on
		}
	}
	c.PprofAddr = getenv("PPROF_ADDR")
	if getenv("GOGC") == "" {
		c.GCPercent = serveGCPercent
	}
	if getenv("GOMEMLIMIT") == "" {
		c.MemoryLimit = serveMemoryGoal
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, got %q", v)
		}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// run is the whole program: it parses args, reads the configuration through getenv and runs one
// subcommand until ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, args, logger, stderr)
	case "migrate":
		return migrateCmd(ctx, cfg, args, stdout)
	case "seed":
		return seedCmd(ctx, cfg, args, stdout, stderr)
	case "token":
		return tokenCmd(ctx, cfg, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  prakerja [serve] [--addr HOST:PORT]
  prakerja migrate [up|down|status]
  prakerja seed [--participants N] [--seed S] [--reset]
  prakerja token --role ROLE [--subject ID] [--ttl D]`

// openDB creates the database when it is missing and connects to it. When PostgreSQL does not
// answer it returns one sentence saying what to do.
func openDB(ctx context.Context, cfg config) (*bun.DB, error) {
	if err := db.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, explainDBError(err)
	}
	bdb, err := db.Open(ctx, cfg.DatabaseURL, db.Options{StatementTimeout: cfg.StatementTimeout, MaxOpenConns: cfg.DBMaxConns, ReadSlots: cfg.DBReadSlots})
	if err != nil {
		return nil, explainDBError(err)
	}
	return bdb, nil
}

func explainDBError(err error) error {
	if errors.Is(err, db.ErrUnreachable) {
		return fmt.Errorf("%v; start PostgreSQL (for example `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or point DATABASE_URL at a running server", err)
	}
	return err
}

// Defaults of the garbage collector while serving, unless GOGC or GOMEMLIMIT say otherwise.
const (
	serveGCPercent  = 300
	serveMemoryGoal = 256 << 20
)

// tuneGC sets the collector's defaults for serving. The server's live heap is a few megabytes, so
// at Go's default (GOGC=100) it collects every few dozen requests, and its idle mark workers take
// CPU that PostgreSQL, on the same cores, could use. A target of 300% collects a third as often.
// Against 200%, 400% took about a tenth less of the server's CPU per nested page or nested
// dashboard under the benchmark's load, but raised its peak resident memory over the whole
// benchmark from 69 to 94 MB, close to the quarter of PostGraphile's that the project allows
// itself; 300% sits between (65 against 76 MB in a short run of every query of the mix). The soft
// memory limit makes the collector work harder before the heap passes 256 MiB. GOGC and
// GOMEMLIMIT, when set, win (the runtime reads them).
//
// Without PPROF_ADDR nobody can read a heap profile, so the runtime does not sample allocations
// for one: at its default rate (a sample every 512 KiB) it unwound the stack of an allocation
// every other nested page, 1.5% of the server's CPU under the benchmark's load.
func tuneGC(cfg config) {
	if cfg.PprofAddr == "" {
		runtime.MemProfileRate = 0
	}
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	if cfg.MemoryLimit > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
}

func serve(ctx context.Context, cfg config, args []string, logger *slog.Logger, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":"+cfg.Port, "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tuneGC(cfg)
	bdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer bdb.Close()
	if group, err := db.Migrate(ctx, bdb); err != nil {
		return err
	} else if !group.IsZero() {
		logger.Info("applied migrations", "group", group.String())
	}
	if err := seedDemo(ctx, cfg, bdb, logger, stderr); err != nil {
		return err
	}

	verifier, err := newVerifier(ctx, cfg, bdb)
	if err != nil {
		return err
	}
	var allow *guard.AllowList
	if cfg.PersistedQueries != "" {
		if allow, err = guard.LoadAllowList(cfg.PersistedQueries); err != nil {
			return err
		}
		logger.Info("only persisted queries from the allow-list run", "file", cfg.PersistedQueries)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set PORT or --addr to use another port)", *addr, err)
	}
	srv := &http.Server{
		Handler:           newMux(cfg, bdb, logger, verifier, allow),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("serving", "playground", "http://"+displayAddr(ln.Addr())+"/", "graphql", "http://"+displayAddr(ln.Addr())+"/graphql", "env", cfg.Env)
	if cfg.Env == "development" && cfg.AuthSecret == "" && cfg.AuthJWKSURL == "" {
		logger.Info("tokens are signed with the development key kept in the database; mint one with: go run . token --role ADMIN (send it as Authorization: Bearer <token>)")
	}
	if cfg.PprofAddr != "" {
		// The profiler gets its own listener, never the public one: it exposes the server's internals.
		pln, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			return fmt.Errorf("listen on PPROF_ADDR %s: %w", cfg.PprofAddr, err)
		}
		pmux := http.NewServeMux()
		pmux.HandleFunc("/debug/pprof/", pprof.Index)
		pmux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		pmux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		psrv := &http.Server{Handler: pmux, ReadHeaderTimeout: 10 * time.Second}
		go psrv.Serve(pln) //nolint:errcheck // closed with the process
		defer psrv.Close()
		logger.Info("profiler listening", "addr", "http://"+displayAddr(pln.Addr())+"/debug/pprof/")
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// seedDemo loads the demo data set when the database has no participants yet.
func seedDemo(ctx context.Context, cfg config, bdb *bun.DB, logger *slog.Logger, stderr io.Writer) error {
	if cfg.DemoParticipants == 0 {
		return nil
	}
	empty, err := seed.IsEmpty(ctx, bdb)
	if err != nil || !empty {
		return err
	}
	logger.Info("empty database: loading the demo data set", "participants", cfg.DemoParticipants)
	stats, err := seed.Run(ctx, bdb, seed.Options{Participants: cfg.DemoParticipants, Seed: 1, Progress: stderr, Bar: isTerminal(stderr)})
	if errors.Is(err, seed.ErrNotEmpty) {
		return nil // another replica seeded it first
	}
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	logger.Info("demo data loaded", "elapsed", stats.Elapsed.Round(time.Millisecond))
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// signingSecret returns the HS256 key: AUTH_SECRET, or in development without AUTH_SECRET and
// AUTH_JWKS_URL, the key generated once and kept in the database.
func signingSecret(ctx context.Context, cfg config, bdb *bun.DB) ([]byte, error) {
	if cfg.AuthSecret != "" {
		return []byte(cfg.AuthSecret), nil
	}
	if cfg.Env == "development" && cfg.AuthJWKSURL == "" {
		return auth.DevSecret(ctx, bdb)
	}
	return nil, nil
}

func newVerifier(ctx context.Context, cfg config, bdb *bun.DB) (*auth.Verifier, error) {
	secret, err := signingSecret(ctx, cfg, bdb)
	if err != nil {
		return nil, err
	}
	return auth.NewVerifier(ctx, auth.Config{Secret: secret, JWKSURL: cfg.AuthJWKSURL, Issuer: cfg.AuthIssuer, Audience: cfg.AuthAudience})
}

// newMux routes /graphql, the playground, health, readiness and metrics.
func newMux(cfg config, bdb *bun.DB, logger *slog.Logger, verifier *auth.Verifier, allow *guard.AllowList) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(bdb.DB, "prakerja"))
	metrics := newHTTPMetrics(reg)
	statements := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "prakerja_sql_statements_total", Help: "SQL statements run against PostgreSQL.",
	})
	reg.MustRegister(statements)
	db.AddQueryHook(bdb, statementCounter{statements})

	for _, m := range []struct {
		name, help string
		read       func() int64
	}{
		{"prakerja_sql_pipelined_batches_total", "Batches of more than one statement sent in one round trip: a request's independent statements, or concurrent requests' statements while every read slot (DB_READ_SLOTS) was busy.",
			func() int64 { b, _, _ := db.PipelineStats(); return b }},
		{"prakerja_sql_pipelined_statements_total", "Statements sent in those batches.",
			func() int64 { _, s, _ := db.PipelineStats(); return s }},
		{"prakerja_sql_pipeline_stalls_total", "Batches sent after waiting 2 ms for a fetcher that sent nothing (blocked elsewhere, or descheduled on a busy machine).",
			func() int64 { _, _, s := db.PipelineStats(); return s }},
		{"prakerja_sql_read_slot_overdue_total", "Round trips started beyond DB_READ_SLOTS for statements that waited 5 ms for a slot (behind long statements).",
			func() int64 { return db.CoalesceStats() }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: m.name, Help: m.help},
			func() float64 { return float64(m.read()) }))
	}

	executors := &graph.ExecutorStats{}
	for name, n := range map[string]*atomic.Int64{"fast": &executors.Fast, "full": &executors.Full} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "prakerja_graphql_operations_total",
			Help:        "GraphQL operations answered, by executor: fast (the fast path for pages and lists) or full (gqlgen's executor).",
			ConstLabels: prometheus.Labels{"executor": name},
		}, func() float64 { return float64(n.Load()) }))
	}
	gql := graph.NewHandler(bdb, logger, graph.Options{
		Introspection:  cfg.Introspection,
		Suggestions:    cfg.Env == "development",
		Limits:         cfg.Limits,
		Verifier:       verifier,
		AllowList:      allow,
		RateLimit:      guard.RateLimitConfig{Requests: cfg.RateLimit, Window: cfg.RateLimitWindow},
		AllowedOrigins: cfg.CORSOrigins,
		NoFastPath:     !cfg.FastPath,
		Stats:          executors,
	})
	gql = withDeadline(cfg.RequestTimeout, gql)
	gql = guard.BodyLimit(cfg.MaxBodyBytes)(gql)
	gql = csrfExceptWebsocket(gql)
	gql = cors.New(cors.Options{
		AllowedOrigins:   cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "X-Request-ID", "GraphQL-Require-Preflight", "Apollo-Require-Preflight", "X-Requested-With"},
		ExposedHeaders:   []string{"X-Request-ID"},
		AllowCredentials: true,
		MaxAge:           600,
	}).Handler(gql)

	mux := http.NewServeMux()
	mux.Handle("/graphql", metrics.instrument("/graphql", gql))
	mux.Handle("/", metrics.instrument("/", playgroundHandler(cfg, bdb, logger)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.Ping(ctx, bdb); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		if ok, err := db.Migrated(ctx, bdb); err != nil || !ok {
			http.Error(w, "database not migrated", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// playgroundHandler serves GraphiQL. In development, a browser on this machine finds the headers
// editor pre-filled with an ADMIN token signed with the development key, so that the example query
// returns data at once; nobody else is handed a token.
func playgroundHandler(cfg config, bdb *bun.DB, logger *slog.Logger) http.Handler {
	plain := playground.Handler("/graphql", graph.ExampleQuery)
	if cfg.Env != "development" {
		return plain
	}
	secret, err := signingSecret(context.Background(), cfg, bdb)
	if err != nil || secret == nil {
		return plain
	}
	tok, err := auth.Mint(secret, db.RoleAdmin, "playground-admin", 30*24*time.Hour)
	if err != nil {
		logger.Warn("no development token for the playground", "err", err)
		return plain
	}
	headers, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + tok})
	local := playground.HandlerWithHeaders("/graphql", graph.ExampleQuery, string(headers))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLoopback(r) {
			local.ServeHTTP(w, r)
			return
		}
		plain.ServeHTTP(w, r)
	})
}

// isLoopback reports whether the request came from this machine, directly (no proxy headers).
func isLoopback(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDeadline bounds how long a request may run; its context's deadline reaches every SQL
// statement, which statement_timeout also bounds on the server. Websockets live longer.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrfExceptWebsocket refuses simple cross-site requests; a websocket handshake is checked against
// the allowed origins by the websocket transport instead.
func csrfExceptWebsocket(next http.Handler) http.Handler {
	checked := guard.CSRF(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// statementCounter counts every SQL statement through a bun query hook, so that statements per
// request can be read off /metrics.
type statementCounter struct{ c prometheus.Counter }

func (s statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (s statementCounter) AfterQuery(context.Context, *bun.QueryEvent) { s.c.Inc() }

// httpMetrics counts requests and their durations per route.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "prakerja_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "prakerja_http_request_duration_seconds", Help: "HTTP request durations by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) instrument(route string, h http.Handler) http.Handler {
	return promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(prometheus.Labels{"route": route}),
		promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(prometheus.Labels{"route": route}), h))
}

func migrateCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	action := "up"
	if len(args) > 0 {
		action = args[0]
	}
	bdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer bdb.Close()
	switch action {
	case "up":
		group, err := db.Migrate(ctx, bdb)
		if err != nil {
			return err
		}
		if group.IsZero() {
			fmt.Fprintln(stdout, "the database is up to date")
		} else {
			fmt.Fprintf(stdout, "applied %s\n", group)
		}
	case "down":
		group, err := db.Rollback(ctx, bdb)
		if err != nil {
			return err
		}
		if group.IsZero() {
			fmt.Fprintln(stdout, "nothing to roll back")
		} else {
			fmt.Fprintf(stdout, "rolled back %s\n", group)
		}
	case "status":
		mg, err := db.Migrator(bdb)
		if err != nil {
			return err
		}
		if err := mg.Init(ctx); err != nil {
			return err
		}
		ms, err := mg.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			state := "pending"
			if m.IsApplied() {
				state = "applied (group " + strconv.FormatInt(m.GroupID, 10) + ")"
			}
			fmt.Fprintf(stdout, "%s  %s\n", m.Name, state)
		}
	default:
		return fmt.Errorf("migrate takes up, down or status, got %q", action)
	}
	return nil
}

func seedCmd(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("participants", 5000, "how many people to generate")
	s := fs.Int64("seed", 1, "random seed; the same --seed and --now give the same data")
	nowFlag := fs.String("now", "", "the end of the data's timeline (the newest wave opens then): a day as 2006-01-02, meaning its midnight in Asia/Jakarta, or an RFC 3339 time; default: the current minute")
	reset := fs.Bool("reset", false, "delete every row first (reference data is kept)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 20_000_000 {
		return fmt.Errorf("--participants must be between 1 and 20000000, got %d", *n)
	}
	now, err := parseSeedNow(*nowFlag)
	if err != nil {
		return err
	}
	bdb, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer bdb.Close()
	if _, err := db.Migrate(ctx, bdb); err != nil {
		return err
	}
	if *reset {
		if err := seed.Reset(ctx, bdb); err != nil {
			return err
		}
	}
	stats, err := seed.Run(ctx, bdb, seed.Options{Participants: *n, Seed: *s, Now: now, Progress: stderr, Bar: isTerminal(stderr)})
	if errors.Is(err, seed.ErrNotEmpty) {
		return fmt.Errorf("the database %q already has data; pass --reset to replace it", db.DatabaseName(cfg.DatabaseURL))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d participants in %s\n", *n, stats.Elapsed.Round(time.Millisecond))
	return nil
}

// parseSeedNow reads seed's --now: empty (the zero time: the seed takes the current minute), a day
// (its midnight in Asia/Jakarta) or an RFC 3339 time.
func parseSeedNow(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, db.Jakarta); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--now must be a day (2006-01-02) or an RFC 3339 time (2006-01-02T15:04:05+07:00), got %q", v)
	}
	return t, nil
}

func tokenCmd(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "ADMIN, ANALYST, PROVIDER, PLATFORM or PARTICIPANT")
	subject := fs.String("subject", "", "who the token is for; for PROVIDER, PLATFORM and PARTICIPANT the ID (global or numeric) of what they own")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r := db.Role(strings.ToUpper(*role))
	if !r.IsValid() {
		return fmt.Errorf("--role must be one of ADMIN, ANALYST, PROVIDER, PLATFORM, PARTICIPANT, got %q", *role)
	}
	if *subject == "" {
		if r == db.RoleAdmin || r == db.RoleAnalyst {
			*subject = "local-" + strings.ToLower(string(r))
		} else {
			return fmt.Errorf("--subject is required for %s: the ID of the %s the token acts for", r, strings.ToLower(string(r)))
		}
	}
	var secret []byte
	if cfg.AuthSecret != "" {
		secret = []byte(cfg.AuthSecret)
	} else {
		if cfg.Env != "development" || cfg.AuthJWKSURL != "" {
			return errors.New("token signs HS256 tokens: set AUTH_SECRET to the key the server verifies with")
		}
		bdb, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer bdb.Close()
		if _, err := db.Migrate(ctx, bdb); err != nil {
			return err
		}
		if secret, err = auth.DevSecret(ctx, bdb); err != nil {
			return err
		}
	}
	tok, err := auth.Mint(secret, r, *subject, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}
