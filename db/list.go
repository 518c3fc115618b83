package db

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Page sizes of connections.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// PageArgs are the Relay arguments of a connection.
type PageArgs struct {
	First  *int
	After  *string
	Last   *int
	Before *string
	// SkipRows validates the arguments but reads no rows, for a client that asked only for totals.
	SkipRows bool `json:",omitempty"`
}

// Page is one page of a connection: its rows in order, a cursor for each row, and whether more
// rows lie beyond either end. Cursors are encoded when asked for: most pages show only the last.
type Page[T any] struct {
	Rows            []*T
	HasNextPage     bool
	HasPreviousPage bool
	cursor          func(*T) string
}

// Cursor returns the cursor of row i.
func (p *Page[T]) Cursor(i int) string { return p.cursor(p.Rows[i]) }

// StartCursor is the cursor of the first row, or nil on an empty page.
func (p *Page[T]) StartCursor() *string {
	if len(p.Rows) == 0 {
		return nil
	}
	c := p.Cursor(0)
	return &c
}

// EndCursor is the cursor of the last row, or nil on an empty page.
func (p *Page[T]) EndCursor() *string {
	if len(p.Rows) == 0 {
		return nil
	}
	c := p.Cursor(len(p.Rows) - 1)
	return &c
}

// valueKind says how a sort key travels in a cursor and is cast back in SQL.
type valueKind int

const (
	kindInt valueKind = iota
	kindText
	kindTime
	kindDate
	kindNumeric
)

func (k valueKind) cast() string {
	switch k {
	case kindInt:
		return "bigint"
	case kindText:
		return "text"
	case kindTime:
		return "timestamptz"
	case kindDate:
		return "date"
	default:
		return "numeric"
	}
}

// sortKey is one way to order a table: an SQL expression over the table alias and how to read that
// expression's value from a row, for the row's cursor. The primary key breaks ties.
type sortKey[T any] struct {
	expr  string
	kind  valueKind
	value func(*T) any
}

// listSpec describes a table that connections page over.
type listSpec[T any, F any] struct {
	name   string // cursor namespace, e.g. "participants"
	alias  string // the model's table alias
	table  string // the scope's table name
	id     func(*T) int64
	orders map[string]sortKey[T]
	filter func(q *bun.SelectQuery, f *F) (*bun.SelectQuery, error)
	// check, when set, fails on f exactly as filter would, without building a query: filter
	// calls it first. A page that reads no rows, and a total read from a rollup, check f with it.
	check func(f *F) error
	// mask hides the personal data of a row from a scope that may see the row but not the data.
	mask func(row *T, scope Scope)
	// parents maps each column that nested connections group by to its value in a row.
	parents map[Parent]func(*T) int64
	// cursorColumns lists, per order, the columns a cursor's value reads that the sort key's
	// expression does not name (see WithColumns).
	cursorColumns map[string][]string
	// joined are columns of another table that a row can carry (a scan-only field of T), read
	// through a join when WithColumns asks for them by name (see withJoined).
	joined map[string]joinedColumn
}

// joinedColumn is a column that a page (find, findPerParent) or a lookup by key (byColumn) reads
// from another table: joins are the JOIN clauses it needs, in order, and expr what it selects.
// Columns that name the same JOIN clause share it.
type joinedColumn struct {
	joins []string
	expr  string
}

// withJoined adds to q the joined columns that ctx asks for (WithColumns), each JOIN clause once.
// Only catalogue tables are joined, with LEFT JOINs: they are public, so the join shows nothing
// that a scope would hide, and it keeps every row.
func (s *listSpec[T, F]) withJoined(ctx context.Context, q *bun.SelectQuery) *bun.SelectQuery {
	if len(s.joined) == 0 {
		return q
	}
	asked, _ := ctx.Value(columnsKey{}).([]string)
	var joins []string
	for _, name := range asked {
		j, ok := s.joined[name]
		if !ok {
			continue
		}
		for _, join := range j.joins {
			if !slices.Contains(joins, join) {
				joins = append(joins, join)
				q = q.Join(join)
			}
		}
		q = q.ColumnExpr(j.expr + " AS " + name)
	}
	return q
}

// Parent names the foreign key that a nested connection groups rows by.
type Parent string

// The parents of nested connections.
const (
	ByParticipant Parent = "participant_id"
	ByCourse      Parent = "course_id"
	BySession     Parent = "session_id"
	ByProvider    Parent = "provider_id"
	ByPlatform    Parent = "platform_id"
	ByWave        Parent = "wave_id"
)

func (s *listSpec[T, F]) parent(p Parent) (func(*T) int64, error) {
	f, ok := s.parents[p]
	if !ok {
		return nil, fmt.Errorf("%s cannot be grouped by %s", s.name, p)
	}
	return f, nil
}

// cursor is the decoded form of an opaque cursor: the order it belongs to, the sort key's value and
// the row's primary key.
type cursor struct {
	Order string          `json:"o"`
	Value json.RawMessage `json:"v"`
	ID    int64           `json:"i"`
}

func (s *listSpec[T, F]) encodeCursor(order string, key sortKey[T], row *T) string {
	v, _ := json.Marshal(key.value(row))
	b, _ := json.Marshal(cursor{Order: s.name + "." + order, Value: v, ID: s.id(row)})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the sort value (as text, ready to be cast in SQL) and the primary key of
// cursor c, checking that it belongs to this ordering. It fails with EINVALID.
func (s *listSpec[T, F]) decodeCursor(c, order string, key sortKey[T]) (string, int64, error) {
	bad := Errorf(EINVALID, "malformed cursor %q", truncate(c, 40))
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c, "="))
	if err != nil || len(c) > 500 {
		return "", 0, bad
	}
	var cur cursor
	if err := json.Unmarshal(raw, &cur); err != nil || cur.ID <= 0 {
		return "", 0, bad
	}
	if cur.Order != s.name+"."+order {
		return "", 0, Errorf(EINVALID, "cursor %q belongs to another list or ordering", truncate(c, 40))
	}
	var text string
	switch key.kind {
	case kindText:
		if json.Unmarshal(cur.Value, &text) != nil {
			return "", 0, bad
		}
	case kindInt:
		var n int64
		if json.Unmarshal(cur.Value, &n) != nil {
			return "", 0, bad
		}
		text = strconv.FormatInt(n, 10)
	case kindNumeric:
		var f float64
		if json.Unmarshal(cur.Value, &f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", 0, bad
		}
		text = strconv.FormatFloat(f, 'f', -1, 64)
	case kindTime, kindDate:
		var t time.Time
		if json.Unmarshal(cur.Value, &t) != nil {
			return "", 0, bad
		}
		text = t.Format(time.RFC3339Nano)
		if key.kind == kindDate {
			text = t.Format(time.DateOnly)
		}
	}
	return text, cur.ID, nil
}

// pagePlan is a validated request for one page.
type pagePlan struct {
	limit    int
	backward bool
	desc     bool // the requested direction
	after    *[2]any
	before   *[2]any
}

func (s *listSpec[T, F]) plan(order string, dir OrderDirection, args PageArgs) (sortKey[T], *pagePlan, error) {
	key, ok := s.orders[order]
	if !ok {
		return key, nil, Errorf(EINVALID, "cannot order %s by %s", s.name, order)
	}
	if args.First != nil && args.Last != nil {
		return key, nil, &Error{Code: EINVALID, Message: "pass either first or last, not both", Field: []string{"last"}}
	}
	p := &pagePlan{limit: DefaultPageSize, desc: dir == OrderDirectionDesc}
	for _, a := range []struct {
		name string
		v    *int
	}{{"first", args.First}, {"last", args.Last}} {
		if a.v == nil {
			continue
		}
		if *a.v < 0 || *a.v > MaxPageSize {
			return key, nil, &Error{Code: EINVALID, Message: fmt.Sprintf("%s must be between 0 and %d, got %d", a.name, MaxPageSize, *a.v), Field: []string{a.name}}
		}
		p.limit = *a.v
	}
	p.backward = args.Last != nil || (args.First == nil && args.Before != nil && args.After == nil)
	for _, c := range []struct {
		v   *string
		dst **[2]any
	}{{args.After, &p.after}, {args.Before, &p.before}} {
		if c.v == nil {
			continue
		}
		v, id, err := s.decodeCursor(*c.v, order, key)
		if err != nil {
			return key, nil, err
		}
		*c.dst = &[2]any{v, id}
	}
	return key, p, nil
}

// keyset adds the cursor bounds, the order and the limit of a page to q.
func (s *listSpec[T, F]) keyset(q *bun.SelectQuery, key sortKey[T], p *pagePlan) *bun.SelectQuery {
	row := "(" + key.expr + ", " + s.alias + ".id)"
	bound := "(CAST(? AS " + key.kind.cast() + "), ?::bigint)"
	gt, lt := ">", "<"
	if p.desc {
		gt, lt = lt, gt
	}
	if p.after != nil {
		q = q.Where(row+" "+gt+" "+bound, p.after[0], p.after[1])
	}
	if p.before != nil {
		q = q.Where(row+" "+lt+" "+bound, p.before[0], p.before[1])
	}
	return q.OrderExpr(s.orderBy(key, p)).Limit(int64(p.limit + 1))
}

func (s *listSpec[T, F]) orderBy(key sortKey[T], p *pagePlan) string {
	return s.orderOn(key.expr, key, p)
}

// orderOn orders by expr, which holds the value of the sort key, then by the primary key.
func (s *listSpec[T, F]) orderOn(expr string, key sortKey[T], p *pagePlan) string {
	dir := "ASC"
	if p.desc != p.backward {
		dir = "DESC"
	}
	if key.expr == s.alias+".id" {
		return key.expr + " " + dir
	}
	return expr + " " + dir + ", " + s.alias + ".id " + dir
}

// base returns the scoped, filtered query over the table: the set a connection pages over and
// aggregates. It fails with EINVALID on a bad filter.
func (s *listSpec[T, F]) base(q *bun.SelectQuery, scope Scope, f *F) (*bun.SelectQuery, error) {
	q = scope.restrict(q, s.table, s.alias)
	if f == nil || s.filter == nil {
		return q, nil
	}
	return s.filter(q, f)
}

// checkFilter fails as base fails with scope and f, building no query when the spec has a check.
func (s *listSpec[T, F]) checkFilter(idb bun.IDB, scope Scope, f *F) error {
	if f == nil || s.filter == nil {
		return nil
	}
	if s.check != nil {
		return s.check(f)
	}
	_, err := s.base(idb.NewSelect(), scope, f)
	return err
}

// masked applies the spec's mask to rows for scope, and returns them.
func (s *listSpec[T, F]) masked(scope Scope, rows []*T) []*T {
	if s.mask != nil && !scope.All {
		for _, r := range rows {
			s.mask(r, scope)
		}
	}
	return rows
}

// finish trims the extra row, restores the requested order and computes the cursors.
func (s *listSpec[T, F]) finish(rows []*T, order string, key sortKey[T], p *pagePlan) *Page[T] {
	page := &Page[T]{}
	s.fill(page, rows, func(r *T) string { return s.encodeCursor(order, key, r) }, p)
	return page
}

// fill makes page the page of rows, as finish does, with cursor as the cursor of a row (pages of
// one statement share it).
func (s *listSpec[T, F]) fill(page *Page[T], rows []*T, cursor func(*T) string, p *pagePlan) {
	more := len(rows) > p.limit
	if more {
		rows = rows[:p.limit]
	}
	if p.backward {
		slices.Reverse(rows)
		page.HasPreviousPage = more
		page.HasNextPage = p.before != nil
	} else {
		page.HasNextPage = more
		page.HasPreviousPage = p.after != nil
	}
	page.Rows = rows
	page.cursor = cursor
}

// find returns one page of the rows that scope and f select, in the given order.
// It fails with EINVALID on bad arguments, cursors or filters.
func (s *listSpec[T, F]) find(ctx context.Context, idb bun.IDB, scope Scope, f *F, order string, dir OrderDirection, args PageArgs) (*Page[T], error) {
	if err := scope.checkList(s.table, s.name); err != nil {
		return nil, err
	}
	key, p, err := s.plan(order, dir, args)
	if err != nil {
		return nil, err
	}
	if p.limit == 0 || args.SkipRows {
		if err := s.checkFilter(idb, scope, f); err != nil {
			return nil, err
		}
		return &Page[T]{HasPreviousPage: p.after != nil, HasNextPage: p.before != nil}, nil
	}
	var rows []*T
	cols := readColumns[T](ctx, idb, s.sortColumns(order, key)...)
	q, err := s.base(idb.NewSelect().Model(&rows).Column(cols...), scope, f)
	if err != nil {
		return nil, err
	}
	if err := scanModels(ctx, idb, s.withJoined(ctx, s.keyset(q, key, p)), &rows); err != nil {
		return nil, fmt.Errorf("list %s: %w", s.name, err)
	}
	return s.finish(s.masked(scope, rows), order, key, p), nil
}

// findPerParent returns one page per parent: the rows whose parentCol is that parent, each page
// paged as find pages. It runs one statement for all parents (a LATERAL join that reads the first
// N rows of each parent from an index), so that a nested connection costs one query per request.
func (s *listSpec[T, F]) findPerParent(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *F, order string, dir OrderDirection, args PageArgs) (map[int64]*Page[T], error) {
	parentOf, err := s.parent(by)
	if err != nil {
		return nil, err
	}
	parentCol := string(by)
	key, p, err := s.plan(order, dir, args)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Page[T], len(parents))
	if p.limit == 0 || len(parents) == 0 || args.SkipRows {
		for _, id := range parents {
			out[id] = &Page[T]{HasPreviousPage: p.after != nil, HasNextPage: p.before != nil}
		}
		return out, nil
	}
	// The inner query reads each parent's page; the outer one puts the pages in the parents' order
	// and each page in the page's order, by the sort key the inner query passes out as sort_key.
	cols := readColumns[T](ctx, idb, append(s.sortColumns(order, key), parentCol)...)
	inner, err := s.base(idb.NewSelect().Model((*T)(nil)).Column(cols...), scope, f)
	if err != nil {
		return nil, err
	}
	outerOrder := s.orderBy(key, p)
	if key.expr != s.alias+".id" {
		inner = inner.ColumnExpr(key.expr + " AS sort_key")
		outerOrder = s.orderOn(s.alias+".sort_key", key, p)
	}
	inner = s.keyset(inner.Where(s.alias+"."+parentCol+" = parent.id"), key, p)
	var rows []*T
	keys := keysOf(ctx, idb, sortedKeys(parents))
	outer := idb.NewSelect().Model(&rows).Column(cols...).
		ModelTableExpr("unnest(?::bigint[]) WITH ORDINALITY AS parent(id, ord) CROSS JOIN LATERAL (?) AS "+s.alias, keys.frag, inner).
		OrderExpr("parent.ord, " + outerOrder)
	// Joined columns join the pages' rows, outside the inner query: only the rows of the pages.
	err = scanModels(ctx, idb, s.withJoined(ctx, outer), &rows, keys.args...)
	if err != nil {
		return nil, fmt.Errorf("list %s per %s: %w", s.name, parentCol, err)
	}
	rows = s.masked(scope, rows)
	// The statement returns each parent's rows together (ORDER BY parent.ord first): each page
	// is a run of rows, sliced in place (capped, so that no page reaches into the next). The
	// pages share one allocation and one cursor function.
	pages := make([]Page[T], len(parents))
	cursor := func(r *T) string { return s.encodeCursor(order, key, r) }
	n := 0
	for i := 0; i < len(rows); {
		id, j := parentOf(rows[i]), i+1
		for j < len(rows) && parentOf(rows[j]) == id {
			j++
		}
		if _, twice := out[id]; twice || n == len(pages) {
			return nil, fmt.Errorf("list %s per %s: the rows of parent %d are not together", s.name, parentCol, id)
		}
		s.fill(&pages[n], rows[i:j:j], cursor, p)
		out[id] = &pages[n]
		n++
		i = j
	}
	// The parents without rows get empty pages: there are at most as many distinct parents as
	// pages, so they fit.
	for _, id := range parents {
		if _, ok := out[id]; !ok {
			s.fill(&pages[n], nil, cursor, p)
			out[id] = &pages[n]
			n++
		}
	}
	return out, nil
}

// count returns how many rows scope and f select.
func (s *listSpec[T, F]) count(ctx context.Context, idb bun.IDB, scope Scope, f *F) (int, error) {
	q, err := s.base(idb.NewSelect().Model((*T)(nil)), scope, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = scanRow(ctx, idb, q.ColumnExpr("count(*)"), &n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", s.name, err)
	}
	return int(n), nil
}

// countPerParent returns, per parent, how many rows scope and f select; parents without rows map
// to zero.
func (s *listSpec[T, F]) countPerParent(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *F) (map[int64]int, error) {
	if _, err := s.parent(by); err != nil {
		return nil, err
	}
	parentCol := string(by)
	if len(parents) == 0 {
		return map[int64]int{}, nil
	}
	q, err := s.base(idb.NewSelect().Model((*T)(nil)), scope, f)
	if err != nil {
		return nil, err
	}
	counts, err := aggregatePerParent(ctx, idb, q, s.alias+"."+parentCol, parents, "count(*)")
	if err != nil {
		return nil, fmt.Errorf("count %s per %s: %w", s.name, parentCol, err)
	}
	out := make(map[int64]int, len(counts))
	for p, n := range counts {
		out[p] = int(n)
	}
	return out, nil
}

// byIDs returns the rows with the given primary keys that scope lets the caller see.
func (s *listSpec[T, F]) byIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*T, error) {
	return s.byColumn(ctx, idb, scope, "id", s.id, ids)
}

// byColumn returns the rows whose integer column col holds one of keys, keyed by that column;
// a key with several rows keeps the last.
func (s *listSpec[T, F]) byColumn(ctx context.Context, idb bun.IDB, scope Scope, col string, keyOf func(*T) int64, keys []int64) (map[int64]*T, error) {
	out := make(map[int64]*T, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var rows []*T
	list := keysOf(ctx, idb, sortedKeys(keys))
	q := scope.restrict(idb.NewSelect().Model(&rows).Column(readColumns[T](ctx, idb, col)...), s.table, s.alias).
		Where(s.alias+"."+col+" = ANY(?::bigint[])", list.frag)
	if err := scanModels(ctx, idb, s.withJoined(ctx, q), &rows, list.args...); err != nil {
		return nil, fmt.Errorf("find %s by %s: %w", s.name, col, err)
	}
	for _, r := range s.masked(scope, rows) {
		out[keyOf(r)] = r
	}
	return out, nil
}

// listByColumn returns every row whose integer column col holds one of keys, grouped by it and in
// primary key order. It is for small closed sets such as a course's listings.
func (s *listSpec[T, F]) listByColumn(ctx context.Context, idb bun.IDB, scope Scope, col string, keyOf func(*T) int64, keys []int64) (map[int64][]*T, error) {
	out := make(map[int64][]*T, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var rows []*T
	list := keysOf(ctx, idb, sortedKeys(keys))
	q := scope.restrict(idb.NewSelect().Model(&rows), s.table, s.alias).
		Where(s.alias+"."+col+" = ANY(?::bigint[])", list.frag).
		OrderExpr(s.alias + ".id")
	if err := scanModels(ctx, idb, q, &rows, list.args...); err != nil {
		return nil, fmt.Errorf("list %s by %s: %w", s.name, col, err)
	}
	for _, r := range s.masked(scope, rows) {
		out[keyOf(r)] = append(out[keyOf(r)], r)
	}
	return out, nil
}

// sortedKeys returns keys in ascending order, each once (a sorted copy when they are not).
// Statements that name a set of keys name them sorted: callers often collect keys through maps,
// and the same set in another order would be another statement text, which pgx prepares and
// caches anew on every request (and which pushes the recurring statements out of its cache). A
// per-parent statement returns one run of rows per key (findPerParent).
func sortedKeys(keys []int64) []int64 {
	sorted := true
	for i := 1; i < len(keys) && sorted; i++ {
		sorted = keys[i-1] < keys[i]
	}
	if sorted {
		return keys
	}
	out := slices.Clone(keys)
	slices.Sort(out)
	return slices.Compact(out)
}
