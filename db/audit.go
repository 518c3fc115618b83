package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// EntityNodeID is the global ID of the entity the event is about, or nil.
func (a *AuditEvent) EntityNodeID() *NodeID {
	if a.EntityID == nil || !nodeTypes[a.EntityType] {
		return nil
	}
	id := IntNodeID(a.EntityType, *a.EntityID)
	return &id
}

// AuditEventFilter selects audit events.
type AuditEventFilter struct {
	Action       []string
	EntityType   []string
	EntityID     *NodeID
	ActorSubject *string
	OccurredFrom *time.Time
	OccurredTo   *time.Time
}

// AuditEventOrder orders audit events.
type AuditEventOrder struct {
	Field     AuditEventOrderField
	Direction OrderDirection
}

var auditEvents = &listSpec[AuditEvent, AuditEventFilter]{
	name:  "auditEvents",
	alias: "ae",
	table: tableAudit,
	id:    func(a *AuditEvent) int64 { return a.ID },
	orders: map[string]sortKey[AuditEvent]{
		"ID":          {"ae.id", kindInt, func(a *AuditEvent) any { return a.ID }},
		"OCCURRED_AT": {"ae.occurred_at", kindTime, func(a *AuditEvent) any { return a.OccurredAt }},
	},
	filter: func(q *bun.SelectQuery, f *AuditEventFilter) (*bun.SelectQuery, error) {
		if err := checkDayRange("occurredFrom", f.OccurredFrom, "occurredTo", f.OccurredTo); err != nil {
			return nil, err
		}
		q = inList(q, "ae.action", f.Action)
		q = inList(q, "ae.entity_type", f.EntityType)
		if f.EntityID != nil {
			key, err := f.EntityID.Int(f.EntityID.Type)
			if err != nil {
				return nil, &Error{Code: EINVALID, Message: err.Error(), Field: []string{"filter", "entityId"}}
			}
			q = q.Where("ae.entity_type = ? AND ae.entity_id = ?", f.EntityID.Type, key)
		}
		if f.ActorSubject != nil {
			q = q.Where("ae.actor_subject = ?", *f.ActorSubject)
		}
		return dayRange(q, "ae.occurred_at", f.OccurredFrom, f.OccurredTo), nil
	},
}

// FindAuditEvents returns a page of the audit events f selects. Only an unrestricted scope may read
// them; others get EFORBIDDEN (EUNAUTHENTICATED when anonymous).
func FindAuditEvents(ctx context.Context, idb bun.IDB, scope Scope, f *AuditEventFilter, o *AuditEventOrder, page PageArgs) (*Page[AuditEvent], error) {
	field, dir := orderOf(AuditEventOrderField(""), "", AuditEventOrderFieldId)
	if o != nil {
		field, dir = orderOf(o.Field, o.Direction, AuditEventOrderFieldId)
	}
	return auditEvents.find(ctx, idb, scope, f, field, dir, page)
}

// CountAuditEvents returns how many audit events f selects.
func CountAuditEvents(ctx context.Context, idb bun.IDB, scope Scope, f *AuditEventFilter) (int, error) {
	return auditEvents.count(ctx, idb, scope, f)
}

// FindAuditEventsByIDs returns the visible audit events among ids, keyed by id.
func FindAuditEventsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*AuditEvent, error) {
	return auditEvents.byIDs(ctx, idb, scope, ids)
}
