package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// WaveFilter selects waves.
type WaveFilter struct {
	Status    []WaveStatus
	Scheme    []SchemeCode
	OpensFrom *time.Time
	OpensTo   *time.Time
}

// WaveOrder orders waves.
type WaveOrder struct {
	Field     WaveOrderField
	Direction OrderDirection
}

var waves = &listSpec[Wave, WaveFilter]{
	name:  "waves",
	alias: "w",
	table: tableCatalogue, // waves, their quotas and dates are public information
	id:    func(w *Wave) int64 { return w.ID },
	orders: map[string]sortKey[Wave]{
		"NUMBER":   {"w.number", kindInt, func(w *Wave) any { return w.Number }},
		"OPENS_AT": {"w.opens_at", kindTime, func(w *Wave) any { return w.OpensAt }},
	},
	filter: func(q *bun.SelectQuery, f *WaveFilter) (*bun.SelectQuery, error) {
		if err := checkDayRange("opensFrom", f.OpensFrom, "opensTo", f.OpensTo); err != nil {
			return nil, err
		}
		q = inList(q, "w.status", f.Status)
		q = inList(q, "w.scheme_code", f.Scheme)
		return dayRange(q, "w.opens_at", f.OpensFrom, f.OpensTo), nil
	},
}

// FindWaves returns a page of the waves that f selects.
// It fails with EINVALID on bad arguments.
func FindWaves(ctx context.Context, idb bun.IDB, scope Scope, f *WaveFilter, o *WaveOrder, page PageArgs) (*Page[Wave], error) {
	field, dir := orderOf(WaveOrderField(""), "", WaveOrderFieldNumber)
	if o != nil {
		field, dir = orderOf(o.Field, o.Direction, WaveOrderFieldNumber)
	}
	return waves.find(ctx, idb, scope, f, field, dir, page)
}

// CountWaves returns how many waves f selects.
func CountWaves(ctx context.Context, idb bun.IDB, scope Scope, f *WaveFilter) (int, error) {
	return waves.count(ctx, idb, scope, f)
}

// FindWavesByIDs returns the waves among ids, keyed by id.
func FindWavesByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Wave, error) {
	return waves.byIDs(ctx, idb, scope, ids)
}

// FindWavesByNumbers returns the waves among numbers, keyed by number.
func FindWavesByNumbers(ctx context.Context, idb bun.IDB, scope Scope, numbers []int64) (map[int64]*Wave, error) {
	return waves.byColumn(ctx, idb, scope, "number", func(w *Wave) int64 { return int64(w.Number) }, numbers)
}

// FindProvinceQuotasByWaves returns the province quotas of each wave, in province order.
func FindProvinceQuotasByWaves(ctx context.Context, idb bun.IDB, scope Scope, waveIDs []int64) (map[int64][]*ProvinceQuota, error) {
	out := make(map[int64][]*ProvinceQuota, len(waveIDs))
	if len(waveIDs) == 0 {
		return out, nil
	}
	var rows []*ProvinceQuota
	q := scope.restrict(idb.NewSelect().Model(&rows), tableCatalogue, "").
		Where("wpq.wave_id IN (?)", bun.In(waveIDs)).OrderExpr("wpq.wave_id, wpq.province_code")
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("find province quotas: %w", err)
	}
	for _, r := range rows {
		out[r.WaveID] = append(out[r.WaveID], r)
	}
	return out, nil
}

// FindBenefitSchemes returns every benefit scheme, oldest first.
func FindBenefitSchemes(ctx context.Context, idb bun.IDB) ([]*BenefitScheme, error) {
	var rows []*BenefitScheme
	if err := idb.NewSelect().Model(&rows).OrderExpr("bs.first_wave").Scan(ctx); err != nil {
		return nil, fmt.Errorf("find benefit schemes: %w", err)
	}
	return rows, nil
}

// FindBenefitScheme returns the scheme with the given code, or nil.
func FindBenefitScheme(ctx context.Context, idb bun.IDB, code SchemeCode) (*BenefitScheme, error) {
	var s BenefitScheme
	err := idb.NewSelect().Model(&s).Where("bs.code = ?", code).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find benefit scheme: %w", err)
	}
	return &s, nil
}

// FindProvinces returns the 38 provinces in code order.
func FindProvinces(ctx context.Context, idb bun.IDB) ([]*Province, error) {
	var rows []*Province
	if err := idb.NewSelect().Model(&rows).OrderExpr("pv.code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("find provinces: %w", err)
	}
	return rows, nil
}
