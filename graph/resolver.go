package graph

//go:generate go tool gqlgen generate

import (
	"log/slog"

	"github.com/uptrace/bun"
)

// Resolver holds the dependencies of every resolver. It is created once by NewHandler; per-request
// state (the viewer, the loaders) travels in the context.
type Resolver struct {
	DB     *bun.DB
	Logger *slog.Logger
}
