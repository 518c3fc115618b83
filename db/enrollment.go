package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// EnrollmentFilter selects enrollments (purchases of a training).
type EnrollmentFilter struct {
	ParticipantID *NodeID
	CourseID      *NodeID
	SessionID     *NodeID
	PlatformID    *NodeID
	ProviderID    *NodeID
	Status        []EnrollmentStatus
	ProvinceCode  []string
	Category      []string
	Mode          []DeliveryMode
	PurchasedFrom *time.Time
	PurchasedTo   *time.Time
}

// EnrollmentOrder orders enrollments.
type EnrollmentOrder struct {
	Field     EnrollmentOrderField
	Direction OrderDirection
}

// enrollmentCourse joins an enrollment's course.
const enrollmentCourse = "LEFT JOIN courses AS ec ON ec.id = e.course_id"

var enrollments = &listSpec[Enrollment, EnrollmentFilter]{
	name:  "enrollments",
	alias: "e",
	table: tableEnrollments,
	id:    func(e *Enrollment) int64 { return e.ID },
	// An enrollment's course, with its provider's name, read with the enrollment (Enrollment's
	// Course fields).
	joined: map[string]joinedColumn{
		"course_provider_id":   {joins: []string{enrollmentCourse}, expr: "ec.provider_id"},
		"course_title":         {joins: []string{enrollmentCourse}, expr: "ec.title"},
		"course_category":      {joins: []string{enrollmentCourse}, expr: "ec.category"},
		"course_mode":          {joins: []string{enrollmentCourse}, expr: "ec.mode"},
		"course_provider_name": {joins: []string{enrollmentCourse, "LEFT JOIN providers AS epr ON epr.id = ec.provider_id"}, expr: "epr.name"},
	},
	orders: map[string]sortKey[Enrollment]{
		"ID":           {"e.id", kindInt, func(e *Enrollment) any { return e.ID }},
		"PURCHASED_AT": {"e.purchased_at", kindTime, func(e *Enrollment) any { return e.PurchasedAt }},
		"PRICE":        {"e.price", kindInt, func(e *Enrollment) any { return e.Price }},
	},
	parents: map[Parent]func(*Enrollment) int64{
		ByParticipant: func(e *Enrollment) int64 { return e.ParticipantID },
		ByCourse:      func(e *Enrollment) int64 { return e.CourseID },
		BySession:     func(e *Enrollment) int64 { return deref(e.SessionID) },
		ByProvider:    func(e *Enrollment) int64 { return e.ProviderID },
		ByPlatform:    func(e *Enrollment) int64 { return e.PlatformID },
	},
	check: checkEnrollmentFilter,
	filter: func(q *bun.SelectQuery, f *EnrollmentFilter) (*bun.SelectQuery, error) {
		if err := checkEnrollmentFilter(f); err != nil {
			return nil, err
		}
		var err error
		for _, r := range enrollmentRefs(f) {
			if q, err = refFilter(q, r.col, r.id, r.typ, r.field); err != nil {
				return nil, err
			}
		}
		q = inList(q, "e.status", f.Status)
		q = inList(q, "e.province_code", f.ProvinceCode)
		q = inSubquery(q, "e.course_id", "SELECT id FROM courses WHERE category", f.Category)
		q = inSubquery(q, "e.course_id", "SELECT id FROM courses WHERE mode", f.Mode)
		return dayRange(q, "e.purchased_at", f.PurchasedFrom, f.PurchasedTo), nil
	},
}

// checkEnrollmentFilter fails on a bad EnrollmentFilter as the filter does, building nothing.
func checkEnrollmentFilter(f *EnrollmentFilter) error {
	if err := checkDayRange("purchasedFrom", f.PurchasedFrom, "purchasedTo", f.PurchasedTo); err != nil {
		return err
	}
	for _, r := range enrollmentRefs(f) {
		if err := checkRef(r.id, r.typ, r.field); err != nil {
			return err
		}
	}
	return nil
}

// enrollmentRefs lists the filter's references to other entities and the columns they restrict.
func enrollmentRefs(f *EnrollmentFilter) []enrollmentRef {
	return []enrollmentRef{
		{"e.participant_id", TypeParticipant, "participantId", f.ParticipantID},
		{"e.course_id", TypeCourse, "courseId", f.CourseID},
		{"e.session_id", TypeTrainingSession, "sessionId", f.SessionID},
		{"e.platform_id", TypePlatform, "platformId", f.PlatformID},
		{"e.provider_id", TypeProvider, "providerId", f.ProviderID},
	}
}

type enrollmentRef struct {
	col, typ, field string
	id              *NodeID
}

func enrollmentOrder(o *EnrollmentOrder) (string, OrderDirection) {
	if o == nil {
		return orderOf(EnrollmentOrderField(""), "", EnrollmentOrderFieldId)
	}
	return orderOf(o.Field, o.Direction, EnrollmentOrderFieldId)
}

// FindEnrollments returns a page of the enrollments that scope and f select.
func FindEnrollments(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter, o *EnrollmentOrder, page PageArgs) (*Page[Enrollment], error) {
	field, dir := enrollmentOrder(o)
	return enrollments.find(ctx, idb, scope, f, field, dir, page)
}

// CountEnrollments returns how many enrollments scope and f select.
func CountEnrollments(ctx context.Context, idb bun.IDB, scope Scope, f *EnrollmentFilter) (int, error) {
	return enrollments.count(ctx, idb, scope, f)
}

// FindEnrollmentsByIDs returns the visible enrollments among ids, keyed by id.
func FindEnrollmentsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Enrollment, error) {
	return enrollments.byIDs(ctx, idb, scope, ids)
}

// FindEnrollmentsByParents returns a page of enrollments per parent.
func FindEnrollmentsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *EnrollmentFilter, o *EnrollmentOrder, page PageArgs) (map[int64]*Page[Enrollment], error) {
	field, dir := enrollmentOrder(o)
	return enrollments.findPerParent(ctx, idb, scope, by, parents, f, field, dir, page)
}

// CountEnrollmentsByParents returns how many enrollments scope and f select per parent.
func CountEnrollmentsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *EnrollmentFilter) (map[int64]int, error) {
	return enrollments.countPerParent(ctx, idb, scope, by, parents, f)
}
