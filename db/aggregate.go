package db

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/uptrace/bun"
)

// Aggregates: every connection of participants, courses, enrollments and incentives can total and
// group the set its filter selects, under the same scope as its rows. A group's key is typed per
// connection (for example IncentiveGroupKey); its measures are count and, where there is money,
// amount and the like.

// Group sizes.
const (
	DefaultGroups = 100
	MaxGroups     = 1000
)

// GroupOrderField says what groups are ordered by.
type GroupOrderField string

// The group orderings.
const (
	GroupOrderKey   GroupOrderField = "KEY"
	GroupOrderCount GroupOrderField = "COUNT"
)

// dimension is one way to group a table: an SQL expression over the table's alias, a join it
// needs, and how its value lands in the typed key K. rollCols are the rollup key columns the
// expression reads (nil when no rollup can group by it), and rollExpr the expression over a
// rollup when it differs from expr (see rollup.go).
type dimension[K any] struct {
	expr     string
	join     string // a LEFT JOIN clause the expression needs, or ""
	set      func(k *K, v cell)
	rollCols []string
	rollExpr string
	// label, when set, names the key's entity (a wave's number) in the same statement, so that a
	// key answers wave { number } without a second one; setLabel stores the wave, with its id and
	// number, in the key (the key's id then points into the wave: one allocation, not two).
	label    *label
	setLabel func(k *K, w *Wave)
}

// label is a column of the wave a key is the id of, joined once per group after grouping. (Waves
// are the only entity keys are labelled with.)
type label struct {
	table, col string // waves, number
}

// measure is an aggregate expression over the group's rows, and the same measure over a rollup's
// rows (sums of their n and amount).
type measure struct {
	name string // the column alias and the GroupOrderField
	expr string
	roll string
}

// groupSpec describes how a table's filtered set aggregates.
type groupSpec[K any] struct {
	dims     map[string]dimension[K]
	measures []measure

	rolledOnce sync.Once
	rolled     *groupSpec[K] // the spec on a rollup (onRollup), built once
}

// GroupArgs are the arguments of a groups field.
type GroupArgs struct {
	By        []string
	First     *int
	OrderBy   GroupOrderField
	Direction OrderDirection
}

// Limit is how many groups args ask for: First, or DefaultGroups without it. It is not checked;
// grouping checks it.
func (a GroupArgs) Limit() int {
	if a.First != nil {
		return *a.First
	}
	return DefaultGroups
}

// Group is one group of an aggregate: its typed key and its measures.
type Group[K any] struct {
	Key      *K
	measures []measure // the spec's, aligned with values
	values   []float64
}

// Measure returns the value of the measure called name (0 when there is none).
func (g *Group[K]) Measure(name string) float64 {
	for i, m := range g.measures {
		if m.name == name {
			return g.values[i]
		}
	}
	return 0
}

// grouped adds the dimensions, joins, measures and GROUP BY of args to base, and returns the
// query, its key columns, the ORDER BY terms over its output columns, and the group limit.
// It fails with EINVALID on an unknown or repeated dimension, or a bad first or order.
func (g *groupSpec[K]) grouped(base *bun.SelectQuery, args GroupArgs) (*bun.SelectQuery, []string, []string, int, error) {
	if len(args.By) == 0 {
		return nil, nil, nil, 0, &Error{Code: EINVALID, Message: "groups needs at least one dimension in by", Field: []string{"by"}}
	}
	limit := args.Limit()
	if limit < 0 || limit > MaxGroups {
		return nil, nil, nil, 0, &Error{Code: EINVALID, Message: fmt.Sprintf("groups first must be between 0 and %d, got %d", MaxGroups, limit), Field: []string{"first"}}
	}
	seen := map[string]bool{}
	joins := map[string]bool{}
	q := base
	var keyCols []string
	for i, name := range args.By {
		d, ok := g.dims[name]
		if !ok || seen[name] {
			return nil, nil, nil, 0, &Error{Code: EINVALID, Message: fmt.Sprintf("cannot group by %s twice or at all here", name), Field: []string{"by"}}
		}
		seen[name] = true
		if d.join != "" && !joins[d.join] {
			joins[d.join] = true
			q = q.Join(d.join)
		}
		col := fmt.Sprintf("k%d", i)
		keyCols = append(keyCols, col)
		q = q.ColumnExpr(d.expr + " AS " + col)
	}
	for _, m := range g.measures {
		q = q.ColumnExpr(m.expr + " AS " + m.name)
	}
	q = q.GroupExpr(strings.Join(keyCols, ", "))

	dir := "ASC"
	if args.Direction == OrderDirectionDesc {
		dir = "DESC"
	}
	var order []string
	if args.OrderBy != "" && args.OrderBy != GroupOrderKey {
		found := false
		for _, m := range g.measures {
			if strings.EqualFold(m.name, string(args.OrderBy)) {
				order = append(order, m.name+" "+dir+" NULLS LAST")
				found = true
			}
		}
		if !found {
			return nil, nil, nil, 0, &Error{Code: EINVALID, Message: fmt.Sprintf("cannot order groups by %s", args.OrderBy), Field: []string{"orderBy"}}
		}
		dir = "ASC" // ties by key, ascending, so the order is deterministic
	}
	for _, c := range keyCols {
		order = append(order, c+" "+dir+" NULLS LAST")
	}
	return q, keyCols, order, limit, nil
}

// withLabels joins to q, a query over the groups aliased src, the entity of each key that has a
// label, and reads the label as l<i>: once per group, after grouping and limiting.
func (g *groupSpec[K]) withLabels(q *bun.SelectQuery, src string, by []string) *bun.SelectQuery {
	for i, name := range by {
		if l := g.dims[name].label; l != nil {
			t := "gl" + strconv.Itoa(i)
			q = q.Join("LEFT JOIN " + l.table + " AS " + t + " ON " + t + ".id = " + src + ".k" + strconv.Itoa(i)).
				ColumnExpr(t + "." + l.col + " AS " + labelCol(i))
		}
	}
	return q
}

// labelled reports whether a key of by has a label.
func (g *groupSpec[K]) labelled(by []string) bool {
	return slices.ContainsFunc(by, func(name string) bool { return g.dims[name].label != nil })
}

// groups runs one GROUP BY over base (the scoped, filtered query of a connection).
// It fails with EINVALID on bad arguments.
func (g *groupSpec[K]) groups(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, args GroupArgs) ([]*Group[K], error) {
	q, keyCols, order, limit, err := g.grouped(base, args)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		return []*Group[K]{}, nil
	}
	q = q.OrderExpr(strings.Join(order, ", ")).Limit(int64(limit))
	if g.labelled(args.By) {
		for i := range order {
			order[i] = "g." + order[i]
		}
		q = g.withLabels(idb.NewSelect().TableExpr("(?) AS g", q).ColumnExpr("g.*"), "g", args.By).OrderExpr(strings.Join(order, ", "))
	}
	cols, rows, err := queryCells(ctx, idb, q)
	if err != nil {
		return nil, fmt.Errorf("group: %w", err)
	}
	return g.read(rows, args, g.columns(cols, keyCols)), nil
}

// groupsPerParent groups each parent's rows separately in one statement: the rows of base whose
// parentCol is one of parents, the first groups of each parent in order.
func (g *groupSpec[K]) groupsPerParent(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, parentCol string, parents []int64, args GroupArgs) (map[int64][]*Group[K], error) {
	q, keyCols, order, limit, err := g.grouped(base, args)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]*Group[K], len(parents))
	for _, p := range parents {
		out[p] = []*Group[K]{}
	}
	if limit == 0 || len(parents) == 0 {
		return out, nil
	}
	keys := keysOf(ctx, idb, sortedKeys(parents))
	q = q.ColumnExpr(parentCol+" AS gp").Where(parentCol+" = ANY(?::bigint[])", keys.frag).GroupExpr(parentCol)
	ranked := idb.NewSelect().TableExpr("(?) AS g", q).
		ColumnExpr("g.*, row_number() OVER (PARTITION BY g.gp ORDER BY " + strings.Join(order, ", ") + ") AS rn")
	top := idb.NewSelect().TableExpr("(?) AS r", ranked).ColumnExpr("r.*").Where("r.rn <= ?", limit).OrderExpr("r.gp, r.rn")
	cols, rows, err := queryCells(ctx, idb, g.withLabels(top, "r", args.By), keys.args...)
	if err != nil {
		return nil, fmt.Errorf("group per parent: %w", err)
	}
	at := g.columns(cols, keyCols)
	for i, grp := range g.read(rows, args, at) {
		p := rows[i][at.parent].int64()
		out[p] = append(out[p], grp)
	}
	return out, nil
}

// groupColumns are the positions of a group query's columns: its keys, their labels (-1 where a
// key has none), its measures, and the parent of per-parent groups (-1 when there is none).
type groupColumns struct {
	keys, labels, measures []int
	parent                 int
}

// labelCol names the column of the label of the i-th key.
func labelCol(i int) string { return "l" + strconv.Itoa(i) }

func (g *groupSpec[K]) columns(cols, keyCols []string) groupColumns {
	at := groupColumns{parent: slices.Index(cols, "gp")}
	for i, c := range keyCols {
		at.keys = append(at.keys, slices.Index(cols, c))
		at.labels = append(at.labels, slices.Index(cols, labelCol(i)))
	}
	for _, m := range g.measures {
		at.measures = append(at.measures, slices.Index(cols, m.name))
	}
	return at
}

// read turns rows into groups, which share one allocation for all groups, one for their keys and
// one for their measures. Adjacent groups of one wave share its Wave (labels), and the Waves are
// allocated a few at a time: groups ordered by their keys, wave first, take one per wave.
func (g *groupSpec[K]) read(rows [][]cell, args GroupArgs, at groupColumns) []*Group[K] {
	n, nm := len(rows), len(g.measures)
	out := make([]*Group[K], n)
	groups, keys, values := make([]Group[K], n), make([]K, n), make([]float64, n*nm)
	dims := make([]dimension[K], len(args.By))
	for j, name := range args.By {
		dims[j] = g.dims[name]
	}
	var waves []Wave // allocated, not yet used
	var wave *Wave   // the last group's
	for i, r := range rows {
		grp := &groups[i]
		grp.Key, grp.measures, grp.values = &keys[i], g.measures, values[i*nm:(i+1)*nm:(i+1)*nm]
		for j, d := range dims {
			v := r[at.keys[j]]
			switch l := at.labels[j]; {
			case v.null:
			case l >= 0 && !r[l].null:
				if id := v.int64(); wave == nil || wave.ID != id {
					if len(waves) == 0 {
						waves = make([]Wave, min(n-i, 32))
					}
					wave, waves = &waves[0], waves[1:]
					wave.ID, wave.Number = id, int(r[l].int64())
				}
				d.setLabel(grp.Key, wave)
			default:
				d.set(grp.Key, v)
			}
		}
		for k, c := range at.measures {
			grp.values[k] = r[c].num
		}
		out[i] = grp
	}
	return out
}

// countAndSum counts base's rows and sums col over them in one statement.
func countAndSum(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, col string) (int, int64, error) {
	var n, sum int64
	if err := scanRow(ctx, idb, base.ColumnExpr("count(*), coalesce(sum("+col+"), 0)::bigint"), &n, &sum); err != nil {
		return 0, 0, fmt.Errorf("count and sum: %w", err)
	}
	return int(n), sum, nil
}

// totalPerParent runs one aggregate expression per parent over base.
func totalPerParent(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, parentCol string, parents []int64, expr string) (map[int64]int64, error) {
	out, err := aggregatePerParent(ctx, idb, base, parentCol, parents, "coalesce("+expr+", 0)::bigint")
	if err != nil {
		return nil, fmt.Errorf("total per parent: %w", err)
	}
	return out, nil
}

// aggregatePerParent runs one aggregate expression per parent over base, in one statement whose
// text is the same for any parents (they are its argument, keysOf). Parents without rows map to 0.
func aggregatePerParent(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, parentCol string, parents []int64, expr string) (map[int64]int64, error) {
	out := make(map[int64]int64, len(parents))
	for _, p := range parents {
		out[p] = 0
	}
	if len(parents) == 0 {
		return out, nil
	}
	keys := keysOf(ctx, idb, sortedKeys(parents))
	_, rows, err := queryCells(ctx, idb, base.ColumnExpr(parentCol+" AS parent, "+expr+" AS total").
		Where(parentCol+" = ANY(?::bigint[])", keys.frag).GroupExpr(parentCol), keys.args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r[0].int64()] = r[1].int64()
	}
	return out, nil
}

// total runs one aggregate expression over base, for totals such as totalAmount.
func total(ctx context.Context, idb bun.IDB, base *bun.SelectQuery, expr string) (int64, error) {
	var n int64
	if err := scanRow(ctx, idb, base.ColumnExpr("coalesce("+expr+", 0)::bigint"), &n); err != nil {
		return 0, fmt.Errorf("total: %w", err)
	}
	return n, nil
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case int32:
		return float64(n)
	case int:
		return float64(n)
	case float64:
		return n
	case float32:
		return float64(n)
	case string: // numeric arrives as text
		f, _ := strconv.ParseFloat(n, 64)
		return f
	case []byte:
		f, _ := strconv.ParseFloat(string(n), 64)
		return f
	case pgtype.Numeric: // numeric scanned directly
		f, _ := n.Float64Value()
		return f.Float64
	}
	return 0
}

func ptr[T any](v T) *T { return &v }

// monthExpr buckets a timestamp or date expression by month, as YYYY-MM, in the session's zone.
func monthExpr(col string) string { return "to_char(" + col + ", 'YYYY-MM')" }
