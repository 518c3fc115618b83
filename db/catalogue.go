package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// FindPlatforms returns every platform, in the order they joined the program.
func FindPlatforms(ctx context.Context, idb bun.IDB, scope Scope) ([]*Platform, error) {
	var rows []*Platform
	q := scope.restrict(idb.NewSelect().Model(&rows), tableCatalogue, "").OrderExpr("pf.joined_on, pf.id")
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("find platforms: %w", err)
	}
	return rows, nil
}

var platforms = &listSpec[Platform, struct{}]{
	name:  "platforms",
	alias: "pf",
	table: tableCatalogue,
	id:    func(p *Platform) int64 { return p.ID },
}

// FindPlatformsByIDs returns the platforms among ids, keyed by id.
func FindPlatformsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Platform, error) {
	return platforms.byIDs(ctx, idb, scope, ids)
}

// ProviderFilter selects providers.
type ProviderFilter struct {
	Search       *string
	Kind         []ProviderKind
	ProvinceCode []string
}

// ProviderOrder orders providers.
type ProviderOrder struct {
	Field     ProviderOrderField
	Direction OrderDirection
}

var providers = &listSpec[Provider, ProviderFilter]{
	name:  "providers",
	alias: "pr",
	table: tableCatalogue,
	id:    func(p *Provider) int64 { return p.ID },
	orders: map[string]sortKey[Provider]{
		"ID":         {"pr.id", kindInt, func(p *Provider) any { return p.ID }},
		"NAME":       {"pr.name", kindText, func(p *Provider) any { return p.Name }},
		"CREATED_AT": {"pr.created_at", kindTime, func(p *Provider) any { return p.CreatedAt }},
	},
	filter: func(q *bun.SelectQuery, f *ProviderFilter) (*bun.SelectQuery, error) {
		q = inList(q, "pr.kind", f.Kind)
		q = inList(q, "pr.province_code", f.ProvinceCode)
		if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
			q = q.Where("lower(pr.name) LIKE lower(?)", likeContains(strings.TrimSpace(*f.Search)))
		}
		return q, nil
	},
}

// FindProviders returns a page of the providers that f selects.
func FindProviders(ctx context.Context, idb bun.IDB, scope Scope, f *ProviderFilter, o *ProviderOrder, page PageArgs) (*Page[Provider], error) {
	field, dir := orderOf(ProviderOrderField(""), "", ProviderOrderFieldId)
	if o != nil {
		field, dir = orderOf(o.Field, o.Direction, ProviderOrderFieldId)
	}
	return providers.find(ctx, idb, scope, f, field, dir, page)
}

// CountProviders returns how many providers f selects.
func CountProviders(ctx context.Context, idb bun.IDB, scope Scope, f *ProviderFilter) (int, error) {
	return providers.count(ctx, idb, scope, f)
}

// FindProvidersByIDs returns the providers among ids, keyed by id.
func FindProvidersByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Provider, error) {
	return providers.byIDs(ctx, idb, scope, ids)
}

// CourseFilter selects courses.
type CourseFilter struct {
	Search     *string
	Category   []string
	Mode       []DeliveryMode
	ProviderID *NodeID
	PlatformID *NodeID
	MinPrice   *int64
	MaxPrice   *int64
	MinRating  *float64
}

// CourseOrder orders courses.
type CourseOrder struct {
	Field     CourseOrderField
	Direction OrderDirection
}

var courses = &listSpec[Course, CourseFilter]{
	name:  "courses",
	alias: "c",
	table: tableCatalogue,
	// A course's provider's name, read with the course (a page's enrollments' courses with their
	// providers' names: one statement instead of two one after the other).
	joined: map[string]joinedColumn{
		"provider_name": {joins: []string{"LEFT JOIN providers AS cpr ON cpr.id = c.provider_id"}, expr: "cpr.name"},
	},
	id: func(c *Course) int64 { return c.ID },
	orders: map[string]sortKey[Course]{
		"ID":               {"c.id", kindInt, func(c *Course) any { return c.ID }},
		"TITLE":            {"c.title", kindText, func(c *Course) any { return c.Title }},
		"PRICE":            {"c.min_price", kindInt, func(c *Course) any { return c.MinPrice }},
		"RATING":           {"coalesce(c.rating, 0)", kindNumeric, func(c *Course) any { return deref(c.Rating()) }},
		"ENROLLMENT_COUNT": {"c.enrollment_count", kindInt, func(c *Course) any { return c.EnrollmentCount }},
		"CREATED_AT":       {"c.created_at", kindTime, func(c *Course) any { return c.CreatedAt }},
	},
	parents: map[Parent]func(*Course) int64{
		ByProvider: func(c *Course) int64 { return c.ProviderID },
	},
	cursorColumns: map[string][]string{"RATING": {"review_count", "rating_sum"}},
	filter: func(q *bun.SelectQuery, f *CourseFilter) (*bun.SelectQuery, error) {
		if err := nonNegative("minPrice", f.MinPrice); err != nil {
			return nil, err
		}
		if err := nonNegative("maxPrice", f.MaxPrice); err != nil {
			return nil, err
		}
		if f.MinRating != nil && (*f.MinRating < 0 || *f.MinRating > 5) {
			return nil, &Error{Code: EINVALID, Message: "minRating must be between 0 and 5", Field: []string{"filter", "minRating"}}
		}
		q = inList(q, "c.category", f.Category)
		q = inList(q, "c.mode", f.Mode)
		q, err := refFilter(q, "c.provider_id", f.ProviderID, TypeProvider, "providerId")
		if err != nil {
			return nil, err
		}
		if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
			q = q.Where("lower(c.title) LIKE lower(?)", likeContains(strings.TrimSpace(*f.Search)))
		}
		if f.MinRating != nil {
			q = q.Where("c.rating >= ?", *f.MinRating)
		}
		// Platform and price constrain the listings: a course matches when one of its listings is
		// on that platform and within that price range.
		if f.PlatformID != nil || f.MinPrice != nil || f.MaxPrice != nil {
			sub := q.DB().NewSelect().Table("course_listings").ColumnExpr("1").Where("course_listings.course_id = c.id")
			if f.PlatformID != nil {
				id, err := f.PlatformID.Int(TypePlatform)
				if err != nil {
					return nil, &Error{Code: EINVALID, Message: err.Error(), Field: []string{"filter", "platformId"}}
				}
				sub = sub.Where("course_listings.platform_id = ?", id)
			}
			if f.MinPrice != nil {
				sub = sub.Where("course_listings.price >= ?", *f.MinPrice)
			}
			if f.MaxPrice != nil {
				sub = sub.Where("course_listings.price <= ?", *f.MaxPrice)
			}
			q = q.Where("EXISTS (?)", sub)
		}
		return q, nil
	},
}

// FindCourses returns a page of the courses that f selects.
func FindCourses(ctx context.Context, idb bun.IDB, scope Scope, f *CourseFilter, o *CourseOrder, page PageArgs) (*Page[Course], error) {
	field, dir := courseOrder(o)
	return courses.find(ctx, idb, scope, f, field, dir, page)
}

func courseOrder(o *CourseOrder) (string, OrderDirection) {
	if o == nil {
		return orderOf(CourseOrderField(""), "", CourseOrderFieldId)
	}
	return orderOf(o.Field, o.Direction, CourseOrderFieldId)
}

// CountCourses returns how many courses f selects.
func CountCourses(ctx context.Context, idb bun.IDB, scope Scope, f *CourseFilter) (int, error) {
	return courses.count(ctx, idb, scope, f)
}

// FindCoursesByIDs returns the courses among ids, keyed by id.
func FindCoursesByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Course, error) {
	return courses.byIDs(ctx, idb, scope, ids)
}

// FindCoursesByParents returns a page of courses per parent (a provider).
func FindCoursesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *CourseFilter, o *CourseOrder, page PageArgs) (map[int64]*Page[Course], error) {
	field, dir := courseOrder(o)
	return courses.findPerParent(ctx, idb, scope, by, parents, f, field, dir, page)
}

// CountCoursesByParents returns how many courses f selects per parent.
func CountCoursesByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *CourseFilter) (map[int64]int, error) {
	return courses.countPerParent(ctx, idb, scope, by, parents, f)
}

// FindCourseCategories returns the distinct course categories, sorted.
func FindCourseCategories(ctx context.Context, idb bun.IDB, scope Scope) ([]string, error) {
	var cats []string
	q := scope.restrict(idb.NewSelect().Model((*Course)(nil)), tableCatalogue, "c").
		ColumnExpr("DISTINCT c.category").OrderExpr("c.category")
	if err := q.Scan(ctx, &cats); err != nil {
		return nil, fmt.Errorf("find course categories: %w", err)
	}
	return cats, nil
}

var listings = &listSpec[Listing, struct{}]{
	name:  "listings",
	alias: "cl",
	table: tableCatalogue,
	id:    func(l *Listing) int64 { return l.ID },
}

// FindListingsByCourses returns each course's listings, in listing order.
func FindListingsByCourses(ctx context.Context, idb bun.IDB, scope Scope, courseIDs []int64) (map[int64][]*Listing, error) {
	return listings.listByColumn(ctx, idb, scope, "course_id", func(l *Listing) int64 { return l.CourseID }, courseIDs)
}

// FindListingsByIDs returns the listings among ids, keyed by id.
func FindListingsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*Listing, error) {
	return listings.byIDs(ctx, idb, scope, ids)
}

// TrainingSessionFilter selects training sessions.
type TrainingSessionFilter struct {
	CourseID     *NodeID
	ProviderID   *NodeID
	Mode         []DeliveryMode
	VenueType    []VenueType
	ProvinceCode []string
	Status       []TrainingSessionStatus
	StartsFrom   *time.Time
	StartsTo     *time.Time
	HasSeatsLeft *bool
}

// TrainingSessionOrder orders training sessions.
type TrainingSessionOrder struct {
	Field     TrainingSessionOrderField
	Direction OrderDirection
}

var sessions = &listSpec[TrainingSession, TrainingSessionFilter]{
	name:  "trainingSessions",
	alias: "ts",
	table: tableCatalogue,
	id:    func(s *TrainingSession) int64 { return s.ID },
	orders: map[string]sortKey[TrainingSession]{
		"ID":        {"ts.id", kindInt, func(s *TrainingSession) any { return s.ID }},
		"STARTS_AT": {"ts.starts_at", kindTime, func(s *TrainingSession) any { return s.StartsAt }},
	},
	parents: map[Parent]func(*TrainingSession) int64{
		ByCourse: func(s *TrainingSession) int64 { return s.CourseID },
	},
	filter: func(q *bun.SelectQuery, f *TrainingSessionFilter) (*bun.SelectQuery, error) {
		if err := checkDayRange("startsFrom", f.StartsFrom, "startsTo", f.StartsTo); err != nil {
			return nil, err
		}
		q, err := refFilter(q, "ts.course_id", f.CourseID, TypeCourse, "courseId")
		if err != nil {
			return nil, err
		}
		if f.ProviderID != nil {
			id, err := f.ProviderID.Int(TypeProvider)
			if err != nil {
				return nil, &Error{Code: EINVALID, Message: err.Error(), Field: []string{"filter", "providerId"}}
			}
			q = q.Where("ts.course_id IN (SELECT id FROM courses WHERE provider_id = ?)", id)
		}
		q = inSubquery(q, "ts.course_id", "SELECT id FROM courses WHERE mode", f.Mode)
		q = inList(q, "ts.venue_type", f.VenueType)
		q = inList(q, "ts.venue_province_code", f.ProvinceCode)
		q = inList(q, "ts.status", f.Status)
		if f.HasSeatsLeft != nil {
			if *f.HasSeatsLeft {
				q = q.Where("ts.seats_taken < ts.capacity")
			} else {
				q = q.Where("ts.seats_taken >= ts.capacity")
			}
		}
		return dayRange(q, "ts.starts_at", f.StartsFrom, f.StartsTo), nil
	},
}

func sessionOrder(o *TrainingSessionOrder) (string, OrderDirection) {
	if o == nil {
		return orderOf(TrainingSessionOrderField(""), "", TrainingSessionOrderFieldStartsAt)
	}
	return orderOf(o.Field, o.Direction, TrainingSessionOrderFieldStartsAt)
}

// FindTrainingSessions returns a page of the sessions that f selects.
func FindTrainingSessions(ctx context.Context, idb bun.IDB, scope Scope, f *TrainingSessionFilter, o *TrainingSessionOrder, page PageArgs) (*Page[TrainingSession], error) {
	field, dir := sessionOrder(o)
	return sessions.find(ctx, idb, scope, f, field, dir, page)
}

// CountTrainingSessions returns how many sessions f selects.
func CountTrainingSessions(ctx context.Context, idb bun.IDB, scope Scope, f *TrainingSessionFilter) (int, error) {
	return sessions.count(ctx, idb, scope, f)
}

// FindTrainingSessionsByIDs returns the sessions among ids, keyed by id.
func FindTrainingSessionsByIDs(ctx context.Context, idb bun.IDB, scope Scope, ids []int64) (map[int64]*TrainingSession, error) {
	return sessions.byIDs(ctx, idb, scope, ids)
}

// FindTrainingSessionsByParents returns a page of sessions per parent (a course).
func FindTrainingSessionsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *TrainingSessionFilter, o *TrainingSessionOrder, page PageArgs) (map[int64]*Page[TrainingSession], error) {
	field, dir := sessionOrder(o)
	return sessions.findPerParent(ctx, idb, scope, by, parents, f, field, dir, page)
}

// CountTrainingSessionsByParents returns how many sessions f selects per parent.
func CountTrainingSessionsByParents(ctx context.Context, idb bun.IDB, scope Scope, by Parent, parents []int64, f *TrainingSessionFilter) (map[int64]int, error) {
	return sessions.countPerParent(ctx, idb, scope, by, parents, f)
}
