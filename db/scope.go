package db

import "github.com/uptrace/bun"

// Scope says whose data a caller may read. Every read in this package takes a Scope and applies it
// through the table's scope function, so that root fields, node lookups, nested relations, totals
// and aggregates all pass through the same point.
//
// The zero Scope sees nothing: access must be granted explicitly.
type Scope struct {
	// Role is the caller's role; the empty role is an anonymous caller.
	Role Role
	// All grants every row of every table (ADMIN, and trusted internal callers such as the seed).
	All bool
	// ParticipantID, ProviderID and PlatformID identify what a scoped role owns.
	ParticipantID int64
	ProviderID    int64
	PlatformID    int64
}

// Unrestricted is the scope of an administrator or of internal code: every row.
var Unrestricted = Scope{Role: RoleAdmin, All: true}

// Table names that scope functions recognize.
const (
	tableCatalogue = "catalogue" // platforms, providers, courses, listings, sessions: public
)

// restrict applies the scope to a query over table alias. The catalogue is public; everything else
// needs All until per-role rules are defined, so an unprivileged caller sees no rows rather than
// every row.
func (s Scope) restrict(q *bun.SelectQuery, table string) *bun.SelectQuery {
	if s.All || table == tableCatalogue {
		return q
	}
	return q.Where("false")
}
