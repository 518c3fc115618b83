package db

import (
	"context"

	"github.com/uptrace/bun"
)

// ScanModels lets the tests of package db_test scan a query directly, as the read paths do.
func ScanModels[T any](ctx context.Context, idb bun.IDB, q *bun.SelectQuery, rows *[]*T) error {
	return scanModels(ctx, idb, q, rows)
}
