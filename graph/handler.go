package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/uptrace/bun"
	"github.com/vektah/gqlparser/v2/ast"

	"prakerja/db"
	"prakerja/graph/auth"
	"prakerja/graph/generated"
	"prakerja/graph/guard"
	"prakerja/graph/loader"
)

// Options tune the GraphQL handler. The zero value is a sane default.
type Options struct {
	// Introspection enables __schema queries (on in development).
	Introspection bool
	// Suggestions enables "did you mean" hints in validation errors (off in production, where they
	// would reveal the schema with introspection off).
	Suggestions bool
	// LoaderWait is how long a dataloader collects keys before it runs its batch.
	LoaderWait time.Duration
	// QueryCacheSize bounds the cache of parsed and validated queries, and of automatic persisted
	// queries.
	QueryCacheSize int
	// Limits bound the shape and cost of an operation.
	Limits Limits
	// Verifier authenticates bearer tokens; nil treats every caller as anonymous.
	Verifier *auth.Verifier
	// AllowList, when set, runs only the operations it lists (production); otherwise clients may
	// register queries as automatic persisted queries.
	AllowList *guard.AllowList
	// RateLimit bounds requests per caller: per token subject, or per IP when anonymous.
	RateLimit guard.RateLimitConfig
	// NoFastPath sends every operation through gqlgen's executor, for comparison (FAST_PATH=off).
	NoFastPath bool
	// Stats, when set, counts the operations each executor answers.
	Stats *ExecutorStats
	// AllowedOrigins are the browser origins allowed to open a websocket (CORS_ALLOWED_ORIGINS);
	// same-origin and non-browser clients are always allowed.
	AllowedOrigins []string
}

// NewHandler returns the /graphql handler: explicit transports (websocket for graphql-transport-ws,
// GET for queries, POST), a query cache, persisted queries, limits checked before any resolver
// runs, the error presenter and recover function, authentication, per-caller rate limits, request
// ids, and fresh dataloaders for every operation.
func NewHandler(bdb *bun.DB, logger *slog.Logger, opts Options) http.Handler {
	if opts.LoaderWait == 0 {
		opts.LoaderWait = loader.DefaultWait
	}
	if opts.QueryCacheSize == 0 {
		opts.QueryCacheSize = 1000
	}
	limits := opts.Limits.withDefaults()
	resolver := &Resolver{DB: bdb, Logger: logger}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: resolver, Complexity: complexity()})
	srv := handler.New(es)
	// Order matters: the first transport that supports a request serves it. The websocket
	// transport answers only upgrade requests, so it comes first.
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		// Websockets skip CORS, so the origin check is their only cross-site protection: the same
		// origins as CORS; the server's own origin and clients without an Origin are always allowed.
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: opts.AllowedOrigins},
		},
		InitFunc: websocketAuth(opts.Verifier),
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](opts.QueryCacheSize))
	srv.SetParserTokenLimit(limits.MaxTokens)
	srv.SetDisableSuggestion(!opts.Suggestions)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	if opts.AllowList != nil {
		srv.Use(opts.AllowList)
	} else {
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](opts.QueryCacheSize)})
	}
	// Shape first (depth, aliases, fields, page sizes), then cost; both before any resolver runs.
	srv.Use(shapeLimits{limits})
	srv.Use(newComplexityLimit(limits.MaxComplexity))
	srv.SetErrorPresenter(errorPresenter(logger))
	srv.SetRecoverFunc(recoverFunc(logger))
	// Loaders live for one operation, with the scope of the caller who sent it: over HTTP that is
	// the request, over a websocket each subscription or query on the connection.
	ref := &loader.Reference{}
	preload, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	if err := ref.Preload(preload, bdb); err != nil {
		logger.Warn("reference data not loaded yet; the first request will load it", "error", err)
	}
	cancel()
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(loader.WithLazy(ctx, bdb, scopeFor(ctx), opts.LoaderWait, ref))
	})
	// Queries that lists and pages are made of skip gqlgen's per-field execution (fastpath.go).
	if opts.Stats == nil {
		opts.Stats = &ExecutorStats{}
	}
	if !opts.NoFastPath {
		srv.AroundOperations(newFastPath(resolver, es, opts.Stats).around)
	}

	var h http.Handler = srv
	if opts.RateLimit.Key == nil {
		opts.RateLimit.Key = rateLimitKey
	}
	h = guard.RateLimit(opts.RateLimit)(h)
	if opts.Verifier != nil {
		h = opts.Verifier.Middleware(h)
	}
	return requestID(h)
}

// rateLimitKey counts an authenticated caller's requests against its token subject, and an
// anonymous caller's against its address.
func rateLimitKey(r *http.Request) string {
	if v := auth.FromContext(r.Context()); v != nil {
		return "sub:" + string(v.Role) + ":" + v.Subject
	}
	return guard.KeyByIP(r)
}

// websocketAuth authenticates a websocket from the Authorization entry of its connection_init
// payload, since browsers cannot set headers on a websocket.
func websocketAuth(v *auth.Verifier) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		token := strings.TrimSpace(payload.Authorization())
		if token == "" {
			return ctx, &payload, nil
		}
		if v == nil {
			return ctx, nil, db.Errorf(db.EUNAUTHENTICATED, "this server accepts no tokens")
		}
		scheme, raw, ok := strings.Cut(token, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ctx, nil, db.Errorf(db.EUNAUTHENTICATED, "Authorization must be \"Bearer <token>\"")
		}
		viewer, err := v.Verify(strings.TrimSpace(raw))
		if err != nil {
			return ctx, nil, err
		}
		return auth.WithViewer(ctx, viewer), &payload, nil
	}
}

// requestID gives every request an id, taken from X-Request-ID when the caller sends a sane one,
// echoed in the response and attached to logs and internal errors.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !saneRequestID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
