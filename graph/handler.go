package graph

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/uptrace/bun"
	"github.com/vektah/gqlparser/v2/ast"

	"prakerja/graph/generated"
	"prakerja/graph/loader"
)

// Options tune the GraphQL handler. The zero value is a sane default.
type Options struct {
	// Introspection enables __schema queries (on in development).
	Introspection bool
	// LoaderWait is how long a dataloader collects keys before it runs its batch.
	LoaderWait time.Duration
	// QueryCacheSize bounds the cache of parsed and validated queries.
	QueryCacheSize int
}

// NewHandler returns the /graphql handler: explicit transports (GET for queries, POST), a query
// cache, the error presenter and recover function, and per-request dataloaders and request ids.
func NewHandler(bdb *bun.DB, logger *slog.Logger, opts Options) http.Handler {
	if opts.LoaderWait == 0 {
		opts.LoaderWait = loader.DefaultWait
	}
	if opts.QueryCacheSize == 0 {
		opts.QueryCacheSize = 1000
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{DB: bdb, Logger: logger},
	}))
	// Order matters: the first transport that supports a request serves it.
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](opts.QueryCacheSize))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetErrorPresenter(errorPresenter(logger))
	srv.SetRecoverFunc(recoverFunc(logger))

	var h http.Handler = srv
	h = loader.Middleware(func(r *http.Request) *loader.Loaders {
		return loader.New(bdb, scopeFor(r.Context()), opts.LoaderWait)
	})(h)
	return requestID(h)
}

// requestID gives every request an id, taken from X-Request-ID when the caller sends a sane one,
// echoed in the response and attached to logs and internal errors.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if len(id) == 0 || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}
