package dbtest

import (
	"context"
	"sync"

	"github.com/uptrace/bun"

	"prakerja/db"
)

// QueryCounter counts the SQL statements a database runs, through a bun query hook.
type QueryCounter struct {
	mu      sync.Mutex
	queries []string
}

// CountQueries installs a counter on bdb. Every statement bdb runs from now on is recorded.
func CountQueries(bdb *bun.DB) *QueryCounter {
	c := &QueryCounter{}
	db.AddQueryHook(bdb, c)
	return c
}

// BeforeQuery implements bun.QueryHook.
func (c *QueryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

// AfterQuery implements bun.QueryHook.
func (c *QueryCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries = append(c.queries, e.Query)
}

// Reset forgets the statements counted so far.
func (c *QueryCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queries = nil
}

// Count returns how many statements ran since the last Reset.
func (c *QueryCounter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queries)
}

// Queries returns the statements that ran since the last Reset, for failure messages.
func (c *QueryCounter) Queries() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.queries...)
}
