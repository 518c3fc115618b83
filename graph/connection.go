package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/uptrace/bun"
	"github.com/vikstrous/dataloadgen"

	"prakerja/db"
	"prakerja/graph/auth"
	"prakerja/graph/loader"
	"prakerja/graph/model"
)

// pageArgs gathers the Relay arguments of a connection field.
func pageArgs(first *int, after *string, last *int, before *string) db.PageArgs {
	return db.PageArgs{First: first, After: after, Last: last, Before: before}
}

// wantsRows reports whether the connection field being resolved selects anything but totals, so
// that `{ totalCount }` alone reads no rows.
func wantsRows(ctx context.Context) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "totalCount" && f.Name != "__typename" {
			return true
		}
	}
	return false
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
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return count(ctx, idb, scope, f) }), nil
}

// nestedConnection pages a connection under a parent through the request's loaders, so that the
// same field on every parent of a list runs one statement, and its totalCount one more.
func nestedConnection[T, F, O any](ctx context.Context,
	pages *dataloadgen.Loader[loader.PageKey, *db.Page[T]], counts *dataloadgen.Loader[loader.PageKey, int],
	by db.Parent, parent int64, f *F, o *O, page db.PageArgs) (model.Connection[T], error) {
	page.SkipRows = !wantsRows(ctx)
	p, err := pages.Load(ctx, loader.ConnArgs[F, O]{Filter: f, Order: o, Page: page}.Key(by, parent))
	if err != nil {
		return model.Connection[T]{}, err
	}
	countKey := loader.ConnArgs[F, O]{Filter: f}.Key(by, parent)
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return counts.Load(ctx, countKey) }), nil
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

// parentFilter returns a copy of f restricted to a nested connection's parent, so that the
// connection's aggregates cover the same set as its rows: field points at the filter's reference
// to the parent's type. A filter that already names another parent selects nothing.
func parentFilter[F any](f *F, field func(*F) **db.NodeID, none func(*F), parent db.NodeID) *F {
	var out F
	if f != nil {
		out = *f
	}
	ref := field(&out)
	if *ref != nil && **ref != parent {
		none(&out)
		return &out
	}
	*ref = &parent
	return &out
}

func enrollmentsOf(f *db.EnrollmentFilter, field func(*db.EnrollmentFilter) **db.NodeID, parent db.NodeID) *db.EnrollmentFilter {
	return parentFilter(f, field, func(f *db.EnrollmentFilter) { f.Status = []db.EnrollmentStatus{} }, parent)
}
