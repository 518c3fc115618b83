package graph

import (
	"context"
	"errors"
	"fmt"

	"prakerja/db"
	"prakerja/graph/loader"
	"prakerja/graph/model"
)

// MaxNodes bounds how many IDs one nodes(ids:) call may resolve.
const MaxNodes = 100

// loadNode resolves a global ID through the request's loaders. It returns nil (and no error) when
// the entity does not exist or the caller may not see it.
func loadNode(ctx context.Context, id db.NodeID) (model.Node, error) {
	l := loader.For(ctx)
	switch id.Type {
	case db.TypeProvince:
		return node(loader.Optional(ctx, l.ProvinceByCode, id.Key))
	case db.TypeBenefitScheme:
		return node(loader.Optional(ctx, l.SchemeByCode, db.SchemeCode(id.Key)))
	}
	key, err := id.Int(id.Type)
	if err != nil {
		return nil, err
	}
	switch id.Type {
	case db.TypeWave:
		return node(loader.Optional(ctx, l.WaveByID, key))
	case db.TypeParticipant:
		return node(loader.Optional(ctx, l.ParticipantByID, key))
	case db.TypePlatform:
		return node(loader.Optional(ctx, l.PlatformByID, key))
	case db.TypeProvider:
		return node(loader.Optional(ctx, l.ProviderByID, key))
	case db.TypeCourse:
		return node(loader.Optional(ctx, l.CourseByID, key))
	case db.TypeListing:
		return node(loader.Optional(ctx, l.ListingByID, key))
	case db.TypeTrainingSession:
		return node(loader.Optional(ctx, l.SessionByID, key))
	case db.TypeEnrollment:
		return node(loader.Optional(ctx, l.EnrollmentByID, key))
	case db.TypeIncentive:
		return node(loader.Optional(ctx, l.IncentiveByID, key))
	case db.TypeCertificate:
		return node(loader.Optional(ctx, l.CertificateByID, key))
	case db.TypeReview:
		return node(loader.Optional(ctx, l.ReviewByID, key))
	case db.TypePayment:
		return node(loader.Optional(ctx, l.PaymentByID, key))
	case db.TypePayoutAccount:
		return node(loader.Optional(ctx, l.PayoutAccountByID, key))
	case db.TypePlacement:
		return node(loader.Optional(ctx, l.PlacementByID, key))
	case db.TypeAuditEvent:
		return node(loader.Optional(ctx, l.AuditEventByID, key))
	}
	return nil, nil
}

// node converts a loaded pointer to a Node without wrapping a nil pointer in a non-nil interface.
func node[V any, P interface {
	*V
	model.Node
}](v P, err error) (model.Node, error) {
	if err != nil || v == nil {
		return nil, err
	}
	return v, nil
}

// loadNodes resolves several IDs concurrently, so that IDs of one type batch into one statement.
func loadNodes(ctx context.Context, ids []*db.NodeID) ([]model.Node, error) {
	if len(ids) > MaxNodes {
		return nil, db.Errorf(db.EINVALID, "nodes takes at most %d IDs, got %d", MaxNodes, len(ids))
	}
	out := make([]model.Node, len(ids))
	errs := make([]error, len(ids))
	done := make(chan struct{})
	for i, id := range ids {
		go func() {
			defer func() { done <- struct{}{} }()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("resolve node: panic: %v", r)
				}
			}()
			out[i], errs[i] = loadNode(ctx, *id)
		}()
	}
	for range ids {
		<-done
	}
	return out, errors.Join(errs...)
}
