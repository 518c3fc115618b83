package db

import (
	"github.com/uptrace/bun"
)

// Scope says whose data a caller may read. Every read in this package takes a Scope and applies it
// through restrict, so that root fields, node lookups, nested relations, totals and aggregates all
// pass through this one point. Personal data in the rows a scope lets through is masked by mask,
// the same point's other half.
//
// The zero Scope is an anonymous caller: the public catalogue only.
type Scope struct {
	// Role is the caller's role; the empty role is an anonymous caller.
	Role Role
	// All grants every row of every table, unmasked (ADMIN, and trusted internal callers).
	All bool
	// ParticipantID, ProviderID and PlatformID identify what a scoped role owns.
	ParticipantID int64
	ProviderID    int64
	PlatformID    int64
}

// Unrestricted is the scope of an administrator or of internal code: every row, unmasked.
var Unrestricted = Scope{Role: RoleAdmin, All: true}

// The kinds of table a scope distinguishes. Each names which columns decide ownership.
const (
	tableCatalogue    = "catalogue"    // platforms, providers, courses, listings, sessions, waves: public
	tableParticipants = "participants" // the people themselves: alias.id
	tableEnrollments  = "enrollments"  // purchases: alias.participant_id, provider_id, platform_id
	tableByEnrollment = "byEnrollment" // certificates, reviews: alias.enrollment_id
	tablePersonal     = "personal"     // incentives, payout accounts, placements: alias.participant_id
	tablePayments     = "payments"     // payment attempts: alias.incentive_id
	tableAudit        = "audit"        // audit events: administrators only
)

// readsAll reports whether the scope sees every row (masked or not).
func (s Scope) readsAll() bool { return s.All || s.Role == RoleAnalyst }

// Unmasked reports whether personal data of participant id is shown in clear: to administrators
// and to the participant themself.
func (s Scope) Unmasked(participantID int64) bool {
	return s.All || (s.Role == RoleParticipant && s.ParticipantID == participantID && participantID != 0)
}

// restrict applies the scope to a query over a table of the given kind under alias.
func (s Scope) restrict(q *bun.SelectQuery, table, alias string) *bun.SelectQuery {
	if table == tableCatalogue || s.readsAll() {
		if table == tableAudit && !s.All {
			return q.Where("false")
		}
		return q
	}
	switch table {
	case tableParticipants:
		switch s.Role {
		case RoleParticipant:
			return q.Where(alias+".id = ?", s.ParticipantID)
		case RoleProvider:
			return q.Where(alias+".id IN (SELECT participant_id FROM enrollments WHERE provider_id = ?)", s.ProviderID)
		case RolePlatform:
			return q.Where(alias+".id IN (SELECT participant_id FROM enrollments WHERE platform_id = ?)", s.PlatformID)
		}
	case tableEnrollments:
		if col, id := s.enrollmentOwner(); col != "" {
			return q.Where(alias+"."+col+" = ?", id)
		}
	case tableByEnrollment:
		if col, id := s.enrollmentOwner(); col != "" {
			return q.Where(alias+".enrollment_id IN (SELECT id FROM enrollments WHERE "+col+" = ?)", id)
		}
	case tablePersonal:
		if s.Role == RoleParticipant {
			return q.Where(alias+".participant_id = ?", s.ParticipantID)
		}
	case tablePayments:
		if s.Role == RoleParticipant {
			return q.Where(alias+".incentive_id IN (SELECT id FROM incentives WHERE participant_id = ?)", s.ParticipantID)
		}
	}
	return q.Where("false")
}

// enrollmentOwner returns the enrollments column that names what the scope owns, and its value.
func (s Scope) enrollmentOwner() (string, int64) {
	switch s.Role {
	case RoleParticipant:
		return "participant_id", s.ParticipantID
	case RoleProvider:
		return "provider_id", s.ProviderID
	case RolePlatform:
		return "platform_id", s.PlatformID
	}
	return "", 0
}

// checkList decides whether the scope may list a table at all. A caller who could see no row of it
// gets an error rather than an empty list: EUNAUTHENTICATED when anonymous, EFORBIDDEN otherwise.
func (s Scope) checkList(table, name string) error {
	if table == tableCatalogue || s.readsAll() && (table != tableAudit || s.All) {
		return nil
	}
	if s.Role == "" {
		return Errorf(EUNAUTHENTICATED, "sign in to read %s: send an Authorization: Bearer token", name)
	}
	switch table {
	case tableParticipants, tableEnrollments, tableByEnrollment:
		return nil
	case tablePersonal, tablePayments:
		if s.Role == RoleParticipant {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "the %s role may not read %s", s.Role, name)
}
