package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ParticipantFilter selects participants. Nil fields do not restrict; list fields match any value.
type ParticipantFilter struct {
	Status           []ParticipantStatus
	WaveNumber       []int
	Scheme           []SchemeCode
	ProvinceCode     []string
	Gender           []Gender
	Education        []Education
	EmploymentStatus []EmploymentStatus
	Search           *string
	RegisteredFrom   *time.Time
	RegisteredTo     *time.Time
}

// ParticipantOrder orders participants.
type ParticipantOrder struct {
	Field     ParticipantOrderField
	Direction OrderDirection
}

var participants = &listSpec[Participant, ParticipantFilter]{
	name:  "participants",
	alias: "p",
	table: tableParticipants,
	mask:  maskParticipant,
	id:    func(p *Participant) int64 { return p.ID },
	orders: map[string]sortKey[Participant]{
		"ID":            {"p.id", kindInt, func(p *Participant) any { return p.ID }},
		"REGISTERED_AT": {"p.registered_at", kindTime, func(p *Participant) any { return p.RegisteredAt }},
		"FULL_NAME":     {"p.full_name", kindText, func(p *Participant) any { return p.FullName }},
		"BIRTH_DATE":    {"p.birth_date", kindDate, func(p *Participant) any { return p.BirthDate }},
		"BALANCE":       {"p.balance", kindInt, func(p *Participant) any { return p.Balance }},
	},
	parents: map[Parent]func(*Participant) int64{
		ByWave: func(p *Participant) int64 { return deref(p.WaveID) },
	},
	check: checkParticipantFilter,
	filter: func(q *bun.SelectQuery, f *ParticipantFilter) (*bun.SelectQuery, error) {
		if err := checkParticipantFilter(f); err != nil {
			return nil, err
		}
		q = inList(q, "p.status", f.Status)
		q = inList(q, "p.province_code", f.ProvinceCode)
		q = inList(q, "p.gender", f.Gender)
		q = inList(q, "p.education", f.Education)
		q = inList(q, "p.employment_status", f.EmploymentStatus)
		q = inSubquery(q, "p.wave_id", "SELECT id FROM waves WHERE number", f.WaveNumber)
		q = inSubquery(q, "p.wave_id", "SELECT id FROM waves WHERE scheme_code", f.Scheme)
		if f.Search != nil {
			s := strings.TrimSpace(*f.Search)
			switch {
			case s == "":
			case isDigits(s):
				q = q.Where("p.nik LIKE ?", likePrefix(s))
			default:
				q = q.Where("lower(p.full_name) LIKE lower(?)", likePrefix(s))
			}
		}
		return dayRange(q, "p.registered_at", f.RegisteredFrom, f.RegisteredTo), nil
	},
}

// checkParticipantFilter fails on a bad ParticipantFilter as the filter does, building nothing.
func checkParticipantFilter(f *ParticipantFilter) error {
	return checkDayRange("registeredFrom", f.RegisteredFrom, "registeredTo", f.RegisteredTo)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// FindParticipants returns a page of the participants that scope and f select.
// It fails with EINVALID on bad arguments.
func FindParticipants(ctx context.Context, idb bun.IDB, scope Scope, f *ParticipantFilter, o *ParticipantOrder, page PageArgs) (*Page[Participant], error) {
	field, dir := orderOf(ParticipantOrderField(""), "", ParticipantOrderFieldId)
	if o != nil {
		field, dir = orderOf(o.Field, o.Direction, ParticipantOrderFieldId)
	}
	return participants.find(ctx, idb, scope, f, field, dir, page)
}

// CountParticipants returns how many participants scope and f select.
func CountParticipants(ctx context.Context, idb bun.IDB, scope Scope, f *ParticipantFilter) (int, error) {
	return participants.count(ctx, idb, scope, f)
}

// FindParticipantsByIDs returns the visible participants among ids, keyed by id.
func FindParticipantsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Participant, error) {
	return participants.byIDs(ctx, idb, scope, ids)
}

// FindParticipantByNIK returns the participant with the given NIK, or nil when there is none or the
// scope hides it.
func FindParticipantByNIK(ctx context.Context, idb bun.IDB, scope Scope, nik string) (*Participant, error) {
	if err := scope.checkList(participants.table, "participants"); err != nil {
		return nil, err
	}
	var p Participant
	q := scope.restrict(idb.NewSelect().Model(&p), participants.table, participants.alias).Where("p.nik = ?", nik)
	if err := q.Scan(ctx); errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find participant by NIK: %w", err)
	}
	return participants.masked(scope, []*Participant{&p})[0], nil
}
