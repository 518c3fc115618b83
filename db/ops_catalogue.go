package db

import (
	"context"

	"github.com/uptrace/bun"
)

// CreateProvider is not implemented yet: it refuses with EINTERNAL.
func CreateProvider(ctx context.Context, bdb *bun.DB, actor Actor, in CreateProviderInput) (*CreateProviderPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateProviderPayload) error {
		return Errorf(EINTERNAL, "createProvider is not implemented yet")
	})
}

// CreateCourse is not implemented yet: it refuses with EINTERNAL.
func CreateCourse(ctx context.Context, bdb *bun.DB, actor Actor, in CreateCourseInput) (*CreateCoursePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateCoursePayload) error {
		return Errorf(EINTERNAL, "createCourse is not implemented yet")
	})
}

// ListCourse is not implemented yet: it refuses with EINTERNAL.
func ListCourse(ctx context.Context, bdb *bun.DB, actor Actor, in ListCourseInput) (*ListCoursePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *ListCoursePayload) error {
		return Errorf(EINTERNAL, "listCourse is not implemented yet")
	})
}

// ScheduleTrainingSession is not implemented yet: it refuses with EINTERNAL.
func ScheduleTrainingSession(ctx context.Context, bdb *bun.DB, actor Actor, in ScheduleTrainingSessionInput) (*ScheduleTrainingSessionPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *ScheduleTrainingSessionPayload) error {
		return Errorf(EINTERNAL, "scheduleTrainingSession is not implemented yet")
	})
}

// PurchaseTraining is not implemented yet: it refuses with EINTERNAL.
func PurchaseTraining(ctx context.Context, bdb *bun.DB, actor Actor, in PurchaseTrainingInput) (*PurchaseTrainingPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *PurchaseTrainingPayload) error {
		return Errorf(EINTERNAL, "purchaseTraining is not implemented yet")
	})
}

// CancelTrainingSession is not implemented yet: it refuses with EINTERNAL.
func CancelTrainingSession(ctx context.Context, bdb *bun.DB, actor Actor, in CancelTrainingSessionInput) (*CancelTrainingSessionPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CancelTrainingSessionPayload) error {
		return Errorf(EINTERNAL, "cancelTrainingSession is not implemented yet")
	})
}

// CompleteTraining is not implemented yet: it refuses with EINTERNAL.
func CompleteTraining(ctx context.Context, bdb *bun.DB, actor Actor, in CompleteTrainingInput) (*CompleteTrainingPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CompleteTrainingPayload) error {
		return Errorf(EINTERNAL, "completeTraining is not implemented yet")
	})
}
