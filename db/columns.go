package db

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"sync"

	"github.com/uptrace/bun"
)

// Reading fewer columns. A caller that knows which fields of the rows it will read (the GraphQL
// fast path, which compiles the whole query before it fetches) names their columns with
// WithColumns; the list and lookup functions called with that context then read those columns,
// plus the ones they need themselves: the primary key (masks and loaders key on it), the parent
// column of per-parent pages and the columns of the sort key (cursors are made from them). The
// other fields of the rows stay zero, so such rows must not be shared with other readers.

type columnsKey struct{}

// WithColumns returns a context in which lists and lookups read only cols of their table (plus
// the columns they need). Names that are not columns of the table are ignored.
func WithColumns(ctx context.Context, cols []string) context.Context {
	return context.WithValue(ctx, columnsKey{}, cols)
}

// readColumns returns the columns of T's table to read in ctx: every column, unless the caller
// asked for some with WithColumns, then those, the primary key and need, once each, in the
// table's order.
func readColumns[T any](ctx context.Context, idb bun.IDB, need ...string) []string {
	table := idb.Dialect().Tables().Get(reflect.TypeFor[T]())
	asked, prune := ctx.Value(columnsKey{}).([]string)
	out := make([]string, 0, len(table.Fields))
	for _, f := range table.Fields {
		if !prune || f.IsPK || slices.Contains(asked, f.Name) || slices.Contains(need, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

var columnRef = regexp.MustCompile(`\b([a-z]+)\.([a-z_]+)\b`)

// sortColumnCache holds sortColumns' answers, by list, order and sort expression.
var sortColumnCache = struct {
	sync.RWMutex
	m map[[3]string][]string
}{m: map[[3]string][]string{}}

// sortColumns returns the columns of the table under alias that the sort key's expression names,
// and those its cursor reads beyond them. The answer is worked out once per list and order; the
// caller may append to it.
func (s *listSpec[T, F]) sortColumns(order string, key sortKey[T]) []string {
	k := [3]string{s.name, order, key.expr}
	sortColumnCache.RLock()
	c, ok := sortColumnCache.m[k]
	sortColumnCache.RUnlock()
	if ok {
		return slices.Clip(c)
	}
	var out []string
	for _, m := range columnRef.FindAllStringSubmatch(key.expr, -1) {
		if m[1] == s.alias {
			out = append(out, m[2])
		}
	}
	out = append(out, s.cursorColumns[order]...)
	sortColumnCache.Lock()
	sortColumnCache.m[k] = out
	sortColumnCache.Unlock()
	return slices.Clip(out)
}
