package db

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// ScanModels lets the tests of package db_test scan a query directly, as the read paths do.
func ScanModels[T any](ctx context.Context, idb bun.IDB, q *bun.SelectQuery, rows *[]*T) error {
	return scanModels(ctx, idb, q, rows)
}

// Literals is literals for the tests of package db_test.
func Literals[V any](values []V) schema.QueryAppender { return literals[V](values) }
