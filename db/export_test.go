package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// ScanModels lets the tests of package db_test scan a query directly, as the read paths do.
func ScanModels[T any](ctx context.Context, idb bun.IDB, q *bun.SelectQuery, rows *[]*T) error {
	return scanModels(ctx, idb, q, rows)
}

// Literals is literals for the tests of package db_test.
func Literals[V any](values []V) schema.QueryAppender { return literals[V](values) }

// DirectInts runs sql as a direct read (through the pipeline, when ctx has one, and the
// coalescer) and returns the first column of its rows. A non-nil scanned is called for each row
// before it is read.
func DirectInts(ctx context.Context, bdb *bun.DB, scanned func(), sql string, args ...any) ([]int64, error) {
	var out []int64
	err := runDirect(ctx, bdb, hubOf(bdb), sql, args, func(r pgx.Rows) error {
		for r.Next() {
			if scanned != nil {
				scanned()
			}
			var v int64
			if err := r.Scan(&v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return r.Err()
	})
	return out, err
}

// SetReadSlots sets the read slots of bdb's coalescer and how long statements wait for one, and
// returns a function that restores both.
func SetReadSlots(bdb *bun.DB, n int, wait time.Duration) (restore func()) {
	c := hubOf(bdb).coal
	c.mu.Lock()
	oldN, oldWait := c.slots, c.wait
	c.slots, c.wait = n, wait
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.slots, c.wait = oldN, oldWait
		c.mu.Unlock()
	}
}

// ReadSlotsState returns how many round trips of bdb's coalescer run and how many statements
// wait for a slot.
func ReadSlotsState(bdb *bun.DB) (inflight, queued int) {
	c := hubOf(bdb).coal
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inflight, len(c.queue)
}

// SetMeanRoundTrip sets the mean round trip of bdb's coalescer, as if its recent round trips had
// taken d.
func SetMeanRoundTrip(bdb *bun.DB, d time.Duration) {
	c := hubOf(bdb).coal
	c.mu.Lock()
	c.trip = d
	c.mu.Unlock()
}
