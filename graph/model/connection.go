package model

import (
	"context"
	"sync"

	"prakerja/db"
)

// Node is an entity with a global ID. Every db entity implements it.
type Node interface {
	NodeID() db.NodeID
}

// PageInfo says where a page lies in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// CountFunc counts the whole set a connection pages over. It runs only when a client asks for
// totalCount, and nested connections count through a loader.
type CountFunc func(ctx context.Context) (int, error)

// Connection is a page of T plus the means to count (and later aggregate) the filtered set.
type Connection[T any] struct {
	page  *db.Page[T]
	count CountFunc
}

// NewConnection returns a connection over page whose totals come from count.
func NewConnection[T any](page *db.Page[T], count CountFunc) Connection[T] {
	return Connection[T]{page: page, count: count}
}

// Nodes returns the rows of the page.
func (c *Connection[T]) Nodes() []*T { return c.page.Rows }

// PageInfo describes the page.
func (c *Connection[T]) PageInfo() *PageInfo {
	return &PageInfo{
		HasNextPage:     c.page.HasNextPage,
		HasPreviousPage: c.page.HasPreviousPage,
		StartCursor:     c.page.StartCursor(),
		EndCursor:       c.page.EndCursor(),
	}
}

// Cursor returns the cursor of the page's row i.
func (c *Connection[T]) Cursor(i int) string { return c.page.Cursor(i) }

// TotalCount counts the filtered set across all pages.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

func edges[T any, E any](c *Connection[T], edge func(cursor string, node *T) E) []E {
	out := make([]E, len(c.page.Rows))
	for i, r := range c.page.Rows {
		out[i] = edge(c.page.Cursor(i), r)
	}
	return out
}

// WaveConnection is a page of waves.
type WaveConnection struct{ Connection[db.Wave] }

// WaveEdge is a wave and its cursor.
type WaveEdge struct {
	Cursor string
	Node   *db.Wave
}

// Edges returns the page's waves with their cursors.
func (c *WaveConnection) Edges() []*WaveEdge {
	return edges(&c.Connection, func(cur string, n *db.Wave) *WaveEdge { return &WaveEdge{cur, n} })
}

// ParticipantConnection is a page of participants.
type ParticipantConnection struct {
	Connection[db.Participant]
	// Filter is the set the connection pages over and aggregates.
	Filter *db.ParticipantFilter
	// Parent restricts a nested connection to its parent's rows; nil at the root.
	Parent *ParentRef
}

// ParticipantEdge is a participant and its cursor.
type ParticipantEdge struct {
	Cursor string
	Node   *db.Participant
}

// Edges returns the page's participants with their cursors.
func (c *ParticipantConnection) Edges() []*ParticipantEdge {
	return edges(&c.Connection, func(cur string, n *db.Participant) *ParticipantEdge { return &ParticipantEdge{cur, n} })
}

// ProviderConnection is a page of providers.
type ProviderConnection struct{ Connection[db.Provider] }

// ProviderEdge is a provider and its cursor.
type ProviderEdge struct {
	Cursor string
	Node   *db.Provider
}

// Edges returns the page's providers with their cursors.
func (c *ProviderConnection) Edges() []*ProviderEdge {
	return edges(&c.Connection, func(cur string, n *db.Provider) *ProviderEdge { return &ProviderEdge{cur, n} })
}

// CourseConnection is a page of courses.
type CourseConnection struct {
	Connection[db.Course]
	// Filter is the set the connection pages over and aggregates.
	Filter *db.CourseFilter
	// Parent restricts a nested connection to its parent's rows; nil at the root.
	Parent *ParentRef
}

// CourseEdge is a course and its cursor.
type CourseEdge struct {
	Cursor string
	Node   *db.Course
}

// Edges returns the page's courses with their cursors.
func (c *CourseConnection) Edges() []*CourseEdge {
	return edges(&c.Connection, func(cur string, n *db.Course) *CourseEdge { return &CourseEdge{cur, n} })
}

// TrainingSessionConnection is a page of training sessions.
type TrainingSessionConnection struct{ Connection[db.TrainingSession] }

// TrainingSessionEdge is a training session and its cursor.
type TrainingSessionEdge struct {
	Cursor string
	Node   *db.TrainingSession
}

// Edges returns the page's sessions with their cursors.
func (c *TrainingSessionConnection) Edges() []*TrainingSessionEdge {
	return edges(&c.Connection, func(cur string, n *db.TrainingSession) *TrainingSessionEdge {
		return &TrainingSessionEdge{cur, n}
	})
}

// EnrollmentConnection is a page of enrollments.
type EnrollmentConnection struct {
	Connection[db.Enrollment]
	// Filter is the set the connection pages over and aggregates.
	Filter *db.EnrollmentFilter
	// Parent restricts a nested connection to its parent's rows; nil at the root.
	Parent *ParentRef
	// Totals counts and sums a root connection in one statement; nil when nested.
	Totals *Totals
}

// EnrollmentEdge is an enrollment and its cursor.
type EnrollmentEdge struct {
	Cursor string
	Node   *db.Enrollment
}

// Edges returns the page's enrollments with their cursors.
func (c *EnrollmentConnection) Edges() []*EnrollmentEdge {
	return edges(&c.Connection, func(cur string, n *db.Enrollment) *EnrollmentEdge { return &EnrollmentEdge{cur, n} })
}

// IncentiveConnection is a page of incentives.
type IncentiveConnection struct {
	Connection[db.Incentive]
	// Filter is the set the connection pages over and aggregates.
	Filter *db.IncentiveFilter
	// Parent restricts a nested connection to its parent's rows; nil at the root.
	Parent *ParentRef
	// Totals counts and sums a root connection in one statement; nil when nested.
	Totals *Totals
}

// IncentiveEdge is an incentive and its cursor.
type IncentiveEdge struct {
	Cursor string
	Node   *db.Incentive
}

// Edges returns the page's incentives with their cursors.
func (c *IncentiveConnection) Edges() []*IncentiveEdge {
	return edges(&c.Connection, func(cur string, n *db.Incentive) *IncentiveEdge { return &IncentiveEdge{cur, n} })
}

// AuditEventConnection is a page of audit events.
type AuditEventConnection struct{ Connection[db.AuditEvent] }

// AuditEventEdge is an audit event and its cursor.
type AuditEventEdge struct {
	Cursor string
	Node   *db.AuditEvent
}

// Edges returns the page's events with their cursors.
func (c *AuditEventConnection) Edges() []*AuditEventEdge {
	return edges(&c.Connection, func(cur string, n *db.AuditEvent) *AuditEventEdge { return &AuditEventEdge{cur, n} })
}

// ParentRef names the parent of a nested connection: its aggregates batch per parent.
type ParentRef struct {
	By db.Parent
	ID int64
}

// Viewer describes the caller.
type Viewer struct {
	Anonymous          bool
	Role               *db.Role
	Subject            *string
	PersonalDataMasked bool
	ParticipantID      int64
	ProviderID         int64
	PlatformID         int64
}

// Totals computes a connection's count and money total in one statement, once, for whichever of
// totalCount and totalAmount asks first.
type Totals struct {
	once   sync.Once
	run    func(ctx context.Context) (int, int64, error)
	count  int
	amount int64
	err    error
}

// NewTotals returns totals computed by run.
func NewTotals(run func(ctx context.Context) (int, int64, error)) *Totals { return &Totals{run: run} }

func (t *Totals) do(ctx context.Context) {
	t.once.Do(func() { t.count, t.amount, t.err = t.run(ctx) })
}

// Count returns the number of rows of the filtered set.
func (t *Totals) Count(ctx context.Context) (int, error) {
	t.do(ctx)
	return t.count, t.err
}

// Amount returns the money total of the filtered set.
func (t *Totals) Amount(ctx context.Context) (int64, error) {
	t.do(ctx)
	return t.amount, t.err
}
