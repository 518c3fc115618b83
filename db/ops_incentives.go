package db

import (
	"context"

	"github.com/uptrace/bun"
)

// SubmitReview is not implemented yet: it refuses with EINTERNAL.
func SubmitReview(ctx context.Context, bdb *bun.DB, actor Actor, in SubmitReviewInput) (*SubmitReviewPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *SubmitReviewPayload) error {
		return Errorf(EINTERNAL, "submitReview is not implemented yet")
	})
}

// LinkPayoutAccount is not implemented yet: it refuses with EINTERNAL.
func LinkPayoutAccount(ctx context.Context, bdb *bun.DB, actor Actor, in LinkPayoutAccountInput) (*LinkPayoutAccountPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *LinkPayoutAccountPayload) error {
		return Errorf(EINTERNAL, "linkPayoutAccount is not implemented yet")
	})
}

// DisburseIncentives is not implemented yet: it refuses with EINTERNAL.
func DisburseIncentives(ctx context.Context, bdb *bun.DB, actor Actor, in DisburseIncentivesInput) (*DisburseIncentivesPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *DisburseIncentivesPayload) error {
		return Errorf(EINTERNAL, "disburseIncentives is not implemented yet")
	})
}

// CompleteSurvey is not implemented yet: it refuses with EINTERNAL.
func CompleteSurvey(ctx context.Context, bdb *bun.DB, actor Actor, in CompleteSurveyInput) (*CompleteSurveyPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CompleteSurveyPayload) error {
		return Errorf(EINTERNAL, "completeSurvey is not implemented yet")
	})
}

// RecordPlacement is not implemented yet: it refuses with EINTERNAL.
func RecordPlacement(ctx context.Context, bdb *bun.DB, actor Actor, in RecordPlacementInput) (*RecordPlacementPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *RecordPlacementPayload) error {
		return Errorf(EINTERNAL, "recordPlacement is not implemented yet")
	})
}
