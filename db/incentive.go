package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// IncentiveFilter selects incentives (installments and survey incentives).
type IncentiveFilter struct {
	ParticipantID *NodeID
	WaveNumber    []int
	Scheme        []SchemeCode
	ProvinceCode  []string
	Kind          []IncentiveKind
	Status        []IncentiveStatus
	Channel       []PayoutChannel
	DueFrom       *time.Time
	DueTo         *time.Time
	PaidFrom      *time.Time
	PaidTo        *time.Time
}

// IncentiveOrder orders incentives.
type IncentiveOrder struct {
	Field     IncentiveOrderField
	Direction OrderDirection
}

var incentives = &listSpec[Incentive, IncentiveFilter]{
	name:  "incentives",
	alias: "i",
	table: tablePersonal,
	id:    func(i *Incentive) int64 { return i.ID },
	orders: map[string]sortKey[Incentive]{
		"ID":     {"i.id", kindInt, func(i *Incentive) any { return i.ID }},
		"DUE_ON": {"i.due_on", kindDate, func(i *Incentive) any { return i.DueOn }},
		"AMOUNT": {"i.amount", kindInt, func(i *Incentive) any { return i.Amount }},
	},
	parents: map[Parent]func(*Incentive) int64{
		ByParticipant: func(i *Incentive) int64 { return i.ParticipantID },
		ByWave:        func(i *Incentive) int64 { return i.WaveID },
	},
	check: checkIncentiveFilter,
	filter: func(q *bun.SelectQuery, f *IncentiveFilter) (*bun.SelectQuery, error) {
		if err := checkIncentiveFilter(f); err != nil {
			return nil, err
		}
		q, err := refFilter(q, "i.participant_id", f.ParticipantID, TypeParticipant, "participantId")
		if err != nil {
			return nil, err
		}
		q = inSubquery(q, "i.wave_id", "SELECT id FROM waves WHERE number", f.WaveNumber)
		q = inSubquery(q, "i.wave_id", "SELECT id FROM waves WHERE scheme_code", f.Scheme)
		q = inList(q, "i.province_code", f.ProvinceCode)
		q = inList(q, "i.kind", f.Kind)
		q = inList(q, "i.status", f.Status)
		q = inList(q, "i.channel", f.Channel)
		q = dayRange(q, "i.due_on", f.DueFrom, f.DueTo)
		return dayRange(q, "i.paid_at", f.PaidFrom, f.PaidTo), nil
	},
}

// checkIncentiveFilter fails on a bad IncentiveFilter as the filter does, building nothing.
func checkIncentiveFilter(f *IncentiveFilter) error {
	if err := checkDayRange("dueFrom", f.DueFrom, "dueTo", f.DueTo); err != nil {
		return err
	}
	if err := checkDayRange("paidFrom", f.PaidFrom, "paidTo", f.PaidTo); err != nil {
		return err
	}
	return checkRef(f.ParticipantID, TypeParticipant, "participantId")
}

func incentiveOrder(o *IncentiveOrder) (string, OrderDirection) {
	if o == nil {
		return orderOf(IncentiveOrderField(""), "", IncentiveOrderFieldId)
	}
	return orderOf(o.Field, o.Direction, IncentiveOrderFieldId)
}

// FindIncentives returns a page of the incentives that scope and f select.
func FindIncentives(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter, o *IncentiveOrder, page PageArgs) (*Page[Incentive], error) {
	field, dir := incentiveOrder(o)
	return incentives.find(ctx, idb, scope, f, field, dir, page)
}

// CountIncentives returns how many incentives scope and f select.
func CountIncentives(ctx context.Context, idb bun.IDB, scope Scope, f *IncentiveFilter) (int, error) {
	return incentives.count(ctx, idb, scope, f)
}

// FindIncentivesByIDs returns the visible incentives among ids, keyed by id.
func FindIncentivesByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Incentive, error) {
	return incentives.byIDs(ctx, idb, scope, ids)
}

// FindIncentivesByParents returns a page of incentives per parent.
func FindIncentivesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *IncentiveFilter, o *IncentiveOrder, page PageArgs) (map[int64]*Page[Incentive], error) {
	field, dir := incentiveOrder(o)
	return incentives.findPerParent(ctx, idb, scope, by, parents, f, field, dir, page)
}

// CountIncentivesByParents returns how many incentives scope and f select per parent.
func CountIncentivesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *IncentiveFilter) (map[int64]int, error) {
	return incentives.countPerParent(ctx, idb, scope, by, parents, f)
}
