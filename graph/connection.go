package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/graph/auth"
	"prakerja/graph/loader"
	"prakerja/graph/model"
)

// pageArgs gathers the Relay arguments of a connection field.
func pageArgs(first *int, after *string, last *int, before *string) db.PageArgs {
	return db.PageArgs{First: first, After: after, Last: last, Before: before}
}

// wantsRows reports whether the connection field being resolved selects its rows (nodes, edges or
// pageInfo), so that totals and groups alone read no rows.
func wantsRows(ctx context.Context) bool {
	if ctx.Value(noRowsKey{}) != nil {
		return false
	}
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "nodes", "edges", "pageInfo":
			return true
		}
	}
	return false
}

type noRowsKey struct{}

// withoutRows marks ctx for a caller without a field context (the fast path) whose connection
// selects no rows.
func withoutRows(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRowsKey{}, true)
}

// rootConnection pages a root list and counts it lazily with the same scope and filter.
func rootConnection[T, F, O any](ctx context.Context, idb bun.IDB,
	find func(context.Context, bun.IDB, db.Scope, *F, *O, db.PageArgs) (*db.Page[T], error),
	count func(context.Context, bun.IDB, db.Scope, *F) (int, error),
	f *F, o *O, page db.PageArgs) (model.Connection[T], error) {
	scope := scopeFor(ctx)
	page.SkipRows = !wantsRows(ctx)
	p, err := find(ctx, idb, scope, f, o, page)
	if err != nil {
		return model.Connection[T]{}, err
	}
	loader.Register(ctx, p.Rows, true)
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return count(ctx, idb, scope, f) }), nil
}

// rootConnectionWithTotals pages a root list whose count and money total come from one statement.
func rootConnectionWithTotals[T, F, O any](ctx context.Context, idb bun.IDB,
	find func(context.Context, bun.IDB, db.Scope, *F, *O, db.PageArgs) (*db.Page[T], error),
	totals func(context.Context, bun.IDB, db.Scope, *F) (int, int64, error),
	f *F, o *O, page db.PageArgs) (model.Connection[T], *model.Totals, error) {
	scope := scopeFor(ctx)
	t := model.NewTotals(func(ctx context.Context) (int, int64, error) { return totals(ctx, idb, scope, f) })
	page.SkipRows = !wantsRows(ctx)
	p, err := find(ctx, idb, scope, f, o, page)
	if err != nil {
		return model.Connection[T]{}, nil, err
	}
	loader.Register(ctx, p.Rows, true)
	return model.NewConnection(p, t.Count), t, nil
}

// nestedConnection pages a connection under a parent through the request's loaders, so that the
// same field on every parent of a list runs one statement, and its totalCount one more. When the
// parent is one of a list's objects, the pages of all of them are fetched at once (loader.Related).
func nestedConnection[P, T, F, O any](ctx context.Context,
	pages *loader.Loader[loader.PageKey, *db.Page[T]], counts *loader.Loader[loader.PageKey, int],
	by db.Parent, obj *P, id func(*P) int64, f *F, o *O, page db.PageArgs) (model.Connection[T], error) {
	// The arguments and the selection are the same for every parent at this position.
	args := loader.PerPosition(ctx, "args", func() string {
		page.SkipRows = !wantsRows(ctx)
		return loader.ConnArgs[F, O]{Filter: f, Order: o, Page: page}.Key(by, 0).Args
	})
	key := loader.PageKey{By: by, Parent: id(obj), Args: args}
	p, err := loader.Related(ctx, pages, key,
		func(sibling *P) (loader.PageKey, bool) {
			return loader.PageKey{By: by, Parent: id(sibling), Args: args}, true
		},
		func(p *db.Page[T]) []any {
			if p == nil {
				return nil
			}
			return loader.Each(p.Rows)
		}, true)
	if err != nil {
		return model.Connection[T]{}, err
	}
	if p == nil {
		p = &db.Page[T]{}
	}
	parent := id(obj)
	return model.NewConnection(p, func(ctx context.Context) (int, error) {
		args := loader.PerPosition(ctx, "count", func() string { return loader.FilterArgs[F]{Filter: f}.Key(by, 0).Args })
		return counts.Load(ctx, loader.PageKey{By: by, Parent: parent, Args: args})
	}), nil
}

// scopeFor returns the scope of the caller in ctx, from the viewer its bearer token proved. Every
// read takes it, and the db package applies it: the single point through which visibility and
// masking are decided.
func scopeFor(ctx context.Context) db.Scope { return auth.FromContext(ctx).Scope() }

// viewerOf describes the caller in ctx.
func viewerOf(ctx context.Context) *model.Viewer {
	v := auth.FromContext(ctx)
	if v == nil {
		return &model.Viewer{Anonymous: true, PersonalDataMasked: true}
	}
	role, subject := v.Role, v.Subject
	return &model.Viewer{
		Role: &role, Subject: &subject,
		PersonalDataMasked: !v.Scope().All,
		ParticipantID:      v.ParticipantID, ProviderID: v.ProviderID, PlatformID: v.PlatformID,
	}
}

// actorFor returns who makes a change: the viewer's scope and subject, and the request id, for the
// mutation's authorization and its audit event.
func actorFor(ctx context.Context) db.Actor {
	v := auth.FromContext(ctx)
	a := db.Actor{Scope: v.Scope(), RequestID: RequestID(ctx)}
	if v != nil {
		a.Subject = v.Subject
	}
	return a
}

// aggregate answers a connection's groups or totals: at the root with one statement over the
// filtered set, nested through a loader, so that the same field under every parent of a list is
// one statement too.
func aggregate[V any](ctx context.Context, parent *model.ParentRef, l *loader.Loader[loader.PageKey, V],
	key func(by db.Parent, id int64) loader.PageKey, root func(context.Context, bun.IDB, db.Scope) (V, error), idb bun.IDB) (V, error) {
	if parent != nil {
		// The arguments are the same under every parent at this position: encoded once.
		args := loader.PerPosition(ctx, "aggregate", func() string { return key(parent.By, 0).Args })
		return l.Load(ctx, loader.PageKey{By: parent.By, Parent: parent.ID, Args: args})
	}
	return root(ctx, idb, scopeFor(ctx))
}

func (r *Resolver) enrollmentGroups(ctx context.Context, c *model.EnrollmentConnection, args db.GroupArgs) ([]*db.EnrollmentGroup, error) {
	return aggregate(ctx, c.Parent, loader.For(ctx).EnrollmentGroups, loader.GroupKeyArgs[db.EnrollmentFilter]{Filter: c.Filter, Group: args}.Key,
		func(ctx context.Context, idb bun.IDB, s db.Scope) ([]*db.EnrollmentGroup, error) {
			return db.GroupEnrollments(ctx, idb, s, c.Filter, args)
		}, r.DB)
}

func (r *Resolver) enrollmentTotal(ctx context.Context, c *model.EnrollmentConnection) (int64, error) {
	if c.Totals != nil {
		return c.Totals.Amount(ctx)
	}
	return aggregate(ctx, c.Parent, loader.For(ctx).EnrollmentSums, loader.FilterArgs[db.EnrollmentFilter]{Filter: c.Filter}.Key,
		func(ctx context.Context, idb bun.IDB, s db.Scope) (int64, error) {
			return db.SumEnrollments(ctx, idb, s, c.Filter)
		}, r.DB)
}

func (r *Resolver) incentiveGroups(ctx context.Context, c *model.IncentiveConnection, args db.GroupArgs) ([]*db.IncentiveGroup, error) {
	return aggregate(ctx, c.Parent, loader.For(ctx).IncentiveGroups, loader.GroupKeyArgs[db.IncentiveFilter]{Filter: c.Filter, Group: args}.Key,
		func(ctx context.Context, idb bun.IDB, s db.Scope) ([]*db.IncentiveGroup, error) {
			return db.GroupIncentives(ctx, idb, s, c.Filter, args)
		}, r.DB)
}

func (r *Resolver) incentiveTotal(ctx context.Context, c *model.IncentiveConnection) (int64, error) {
	if c.Totals != nil {
		return c.Totals.Amount(ctx)
	}
	return aggregate(ctx, c.Parent, loader.For(ctx).IncentiveSums, loader.FilterArgs[db.IncentiveFilter]{Filter: c.Filter}.Key,
		func(ctx context.Context, idb bun.IDB, s db.Scope) (int64, error) {
			return db.SumIncentives(ctx, idb, s, c.Filter)
		}, r.DB)
}

func (r *Resolver) courseGroups(ctx context.Context, c *model.CourseConnection, args db.GroupArgs) ([]*db.CourseGroup, error) {
	return aggregate(ctx, c.Parent, loader.For(ctx).CourseGroups, loader.GroupKeyArgs[db.CourseFilter]{Filter: c.Filter, Group: args}.Key,
		func(ctx context.Context, idb bun.IDB, s db.Scope) ([]*db.CourseGroup, error) {
			return db.GroupCourses(ctx, idb, s, c.Filter, args)
		}, r.DB)
}

// The keys of the parents of nested connections.
func idCourse(c *db.Course) int64                   { return c.ID }
func idParticipant(p *db.Participant) int64         { return p.ID }
func idProvider(p *db.Provider) int64               { return p.ID }
func idTrainingSession(s *db.TrainingSession) int64 { return s.ID }

// withKeys registers the keys of groups under their groups field, so that the entities the keys
// name (a provider, a wave) are fetched for all groups at once.
func withKeys[G, K any](ctx context.Context, key func(*G) *K) func([]*G, error) ([]*G, error) {
	return func(gs []*G, err error) ([]*G, error) {
		if err == nil {
			keys := make([]*K, 0, len(gs))
			for _, g := range gs {
				if k := key(g); k != nil {
					keys = append(keys, k)
				}
			}
			loader.RegisterUnder(ctx, "key", keys)
		}
		return gs, err
	}
}
