package db

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Rollups: dashboard totals and groups over all participants, enrollments or incentives read small
// summary tables instead of millions of rows. Migrations 7 and 9 create them (rollup_defs() lists
// them); statement-level triggers keep each one exact in the transaction of every write, so a
// rollup is never stale.
//
// A rollup names its key columns as its source table does, and is read under the table's alias
// (i, e, p), so that the table's filter and dimension SQL runs on it unchanged. Its measures are
// n (the number of rows) and amount (their money). Dates are kept as months in Asia/Jakarta
// (due_month, paid_month, purchased_month, registered_month): a date filter reads a rollup only
// when it covers whole months.
//
// A query reads a rollup when the caller reads every row (Scope.readsAll: no row restriction), and
// every filter field and group dimension it uses is a key column of that rollup; otherwise, and
// under WithoutRollups, it reads the table. Either way the result is the same.

// rollup is one summary table and its key columns.
type rollup struct {
	table string
	cols  []string
}

// The rollups of each table, smallest first: a query reads the first that has every column it needs.
// The compact ones of migration 9 (the first of each list) also key a shard, which no query reads.
var (
	incentiveRollups = []rollup{
		{"incentive_status_rollup", []string{"kind", "status"}},
		{"incentive_month_rollup", []string{"kind", "status", "province_code", "due_month", "paid_month"}},
		{"incentive_rollup", []string{"kind", "status", "channel", "province_code", "wave_id"}},
	}
	enrollmentRollups = []rollup{
		{"enrollment_status_rollup", []string{"status"}},
		{"enrollment_month_rollup", []string{"province_code", "status", "purchased_month"}},
		{"enrollment_rollup", []string{"course_id", "provider_id", "platform_id", "status"}},
	}
	participantRollups = []rollup{
		{"participant_wave_rollup", []string{"wave_id", "status"}},
		{"participant_rollup", []string{"wave_id", "status", "province_code", "gender"}},
		{"participant_profile_rollup", []string{"education", "employment_status", "gender", "status", "registered_month"}},
	}
)

type noRollupsKey struct{}

// WithoutRollups returns a context in which totals and groups read the base tables, never a
// rollup: for checking a rollup against its source, or for measuring the difference.
func WithoutRollups(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRollupsKey{}, true)
}

// needs collects the rollup columns a query reads; ok turns false when something it reads is in no
// rollup.
type needs struct {
	cols []string
	ok   bool
}

// col notes that the query reads column c when set.
func (n *needs) col(set bool, c ...string) {
	if set {
		n.cols = append(n.cols, c...)
	}
}

// never notes that the query reads something no rollup has, when set.
func (n *needs) never(set bool) {
	if set {
		n.ok = false
	}
}

// months notes a day range over a month column: a rollup answers it only when it starts on the
// first of a month and ends on the last day of one.
func (n *needs) months(col string, from, to *time.Time) {
	n.col(from != nil || to != nil, col)
	n.never(from != nil && from.Day() != 1)
	n.never(to != nil && to.AddDate(0, 0, 1).Day() != 1)
}

// pickRollup returns the first of rs whose key columns include every column n needs.
func pickRollup(ctx context.Context, scope Scope, rs []rollup, n needs) (rollup, bool) {
	if !n.ok || !scope.readsAll() || ctx.Value(noRollupsKey{}) != nil {
		return rollup{}, false
	}
	for _, r := range rs {
		if !slices.ContainsFunc(n.cols, func(c string) bool { return !slices.Contains(r.cols, c) }) {
			return r, true
		}
	}
	return rollup{}, false
}

// from starts a query over rollup r under the table's alias.
func (r rollup) from(idb bun.IDB, alias string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("? AS ?", bun.Ident(r.table), bun.Ident(alias))
}

// dimNeeds adds the rollup columns of the dimensions by to n; an unknown dimension, or one no
// rollup has, needs the table (which reports the unknown one).
func (g *groupSpec[K]) dimNeeds(n *needs, by []string) {
	for _, name := range by {
		d, ok := g.dims[name]
		n.never(!ok || d.rollCols == nil)
		n.col(ok, d.rollCols...)
	}
}

// onRollup returns the spec as it reads on a rollup: each dimension's rollup expression, and each
// measure's sum of the rollup's measures.
func (g *groupSpec[K]) onRollup() *groupSpec[K] {
	g.rolledOnce.Do(func() { g.rolled = g.buildOnRollup() })
	return g.rolled
}

func (g *groupSpec[K]) buildOnRollup() *groupSpec[K] {
	out := &groupSpec[K]{dims: map[string]dimension[K]{}}
	for name, d := range g.dims {
		if d.rollExpr != "" {
			d.expr = d.rollExpr
		}
		out.dims[name] = d
	}
	for _, m := range g.measures {
		out.measures = append(out.measures, measure{name: m.name, expr: m.roll})
	}
	return out
}

// aggregateSource returns what an aggregate of the rows that scope and f select, grouped by by,
// reads: the rollup that roll picks (rolled true), or else s's table. It checks f first, as the
// table's filter would, so that a bad filter fails the same way whichever it reads, and it builds
// the table's query only when no rollup answers.
func aggregateSource[T, F any](ctx context.Context, idb bun.IDB, s *listSpec[T, F], scope Scope, f *F, by []string,
	roll func(context.Context, bun.IDB, Scope, *F, []string) (*bun.SelectQuery, bool, error)) (q *bun.SelectQuery, rolled bool, err error) {
	if err := s.checkFilter(idb, scope, f); err != nil {
		return nil, false, err
	}
	if q, ok, err := roll(ctx, idb, scope, f, by); err != nil || ok {
		return q, ok, err
	}
	q, err = s.base(idb.NewSelect().Model((*T)(nil)), scope, f)
	return q, false, err
}

// incentiveRollup returns the query over the rollup that answers the incentives f selects,
// grouped by by, or false when none does. The caller has checked f (aggregateSource).
func incentiveRollup(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter, by []string) (*bun.SelectQuery, bool, error) {
	n := needs{ok: true}
	incentiveGroups.dimNeeds(&n, by)
	var g IncentiveFilter
	if f != nil {
		g = *f
	}
	n.never(g.ParticipantID != nil)
	n.col(g.WaveNumber != nil || g.Scheme != nil, "wave_id")
	n.col(g.ProvinceCode != nil, "province_code")
	n.col(g.Kind != nil, "kind")
	n.col(g.Status != nil, "status")
	n.col(g.Channel != nil, "channel")
	n.months("due_month", g.DueFrom, g.DueTo)
	n.months("paid_month", g.PaidFrom, g.PaidTo)
	r, ok := pickRollup(ctx, scope, incentiveRollups, n)
	if !ok {
		return nil, false, nil
	}
	// The table's filter runs on the rollup's like-named columns; its dates are months here.
	dates := g
	g.DueFrom, g.DueTo, g.PaidFrom, g.PaidTo = nil, nil, nil, nil
	q, err := incentives.filter(r.from(idb, "i"), &g)
	if err != nil {
		return nil, false, err
	}
	q = dayRange(q, "i.due_month", dates.DueFrom, dates.DueTo)
	return dayRange(q, "i.paid_month", dates.PaidFrom, dates.PaidTo), true, nil
}

// enrollmentRollup returns the query over the rollup that answers the enrollments f selects,
// grouped by by, or false when none does. The caller has checked f (aggregateSource).
func enrollmentRollup(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter, by []string) (*bun.SelectQuery, bool, error) {
	n := needs{ok: true}
	enrollmentGroups.dimNeeds(&n, by)
	var g EnrollmentFilter
	if f != nil {
		g = *f
	}
	n.never(g.ParticipantID != nil || g.SessionID != nil)
	n.col(g.CourseID != nil || g.Category != nil || g.Mode != nil, "course_id")
	n.col(g.PlatformID != nil, "platform_id")
	n.col(g.ProviderID != nil, "provider_id")
	n.col(g.Status != nil, "status")
	n.col(g.ProvinceCode != nil, "province_code")
	n.months("purchased_month", g.PurchasedFrom, g.PurchasedTo)
	r, ok := pickRollup(ctx, scope, enrollmentRollups, n)
	if !ok {
		return nil, false, nil
	}
	from, to := g.PurchasedFrom, g.PurchasedTo
	g.PurchasedFrom, g.PurchasedTo = nil, nil
	q, err := enrollments.filter(r.from(idb, "e"), &g)
	if err != nil {
		return nil, false, err
	}
	return dayRange(q, "e.purchased_month", from, to), true, nil
}

// participantRollup returns the query over the rollup that answers the participants f selects,
// grouped by by, or false when none does. The caller has checked f (aggregateSource).
func participantRollup(ctx context.Context, idb bun.IDB, scope Scope, f *ParticipantFilter, by []string) (*bun.SelectQuery, bool, error) {
	n := needs{ok: true}
	participantGroups.dimNeeds(&n, by)
	var g ParticipantFilter
	if f != nil {
		g = *f
	}
	n.never(g.Search != nil && strings.TrimSpace(*g.Search) != "")
	n.col(g.Status != nil, "status")
	n.col(g.ProvinceCode != nil, "province_code")
	n.col(g.Gender != nil, "gender")
	n.col(g.Education != nil, "education")
	n.col(g.EmploymentStatus != nil, "employment_status")
	n.col(g.WaveNumber != nil || g.Scheme != nil, "wave_id")
	n.months("registered_month", g.RegisteredFrom, g.RegisteredTo)
	r, ok := pickRollup(ctx, scope, participantRollups, n)
	if !ok {
		return nil, false, nil
	}
	from, to := g.RegisteredFrom, g.RegisteredTo
	g.RegisteredFrom, g.RegisteredTo, g.Search = nil, nil, nil
	q, err := participants.filter(r.from(idb, "p"), &g)
	if err != nil {
		return nil, false, err
	}
	return dayRange(q, "p.registered_month", from, to), true, nil
}

// rollupTotals sums n and amount over q, a query over a rollup.
func rollupTotals(ctx context.Context, idb bun.IDB, q *bun.SelectQuery, alias string) (int, int64, error) {
	var n, sum int64
	if err := scanRow(ctx, idb, q.ColumnExpr("coalesce(sum(?.n), 0)::bigint, coalesce(sum(?.amount), 0)::bigint", bun.Ident(alias), bun.Ident(alias)), &n, &sum); err != nil {
		return 0, 0, fmt.Errorf("rollup totals: %w", err)
	}
	return int(n), sum, nil
}

// Drift is one difference between a rollup and a recomputation from its source table.
type Drift struct {
	Rollup string
	Side   string // "stored" (the rollup's row) or "actual" (the recomputed row)
	Row    string // the row as JSON
}

// RollupDrift recomputes every rollup from its source table in one snapshot and returns where the
// stored rollups differ: nothing when they are exact. It reads every big table whole, so it is for
// tests and operators, not for requests. It returns a wrapped database error.
func RollupDrift(ctx context.Context, idb bun.IDB) ([]Drift, error) {
	var out []Drift
	rows, err := idb.QueryContext(ctx, "SELECT name, side, row_data::text FROM rollup_drift() ORDER BY 1, 3, 2")
	if err != nil {
		return nil, fmt.Errorf("rollup drift: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Drift
		if err := rows.Scan(&d.Rollup, &d.Side, &d.Row); err != nil {
			return nil, fmt.Errorf("rollup drift: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rollup drift: %w", err)
	}
	return out, nil
}

// RebuildRollups recomputes every rollup from its source table, set-based, holding a SHARE lock on
// the sources until idb's transaction ends. The migration and the seed use it; an operator may run
// it to repair a rollup (RollupDrift says whether one needs it). It returns a wrapped database error.
func RebuildRollups(ctx context.Context, idb bun.IDB) error {
	if _, err := idb.ExecContext(ctx, "SELECT rollup_rebuild()"); err != nil {
		return fmt.Errorf("rebuild rollups: %w", err)
	}
	return nil
}
