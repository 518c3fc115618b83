package db

import (
	"context"

	"github.com/uptrace/bun"
)

// RegisterParticipant is not implemented yet: it refuses with EINTERNAL.
func RegisterParticipant(ctx context.Context, bdb *bun.DB, actor Actor, in RegisterParticipantInput) (*RegisterParticipantPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *RegisterParticipantPayload) error {
		return Errorf(EINTERNAL, "registerParticipant is not implemented yet")
	})
}

// CreateWave is not implemented yet: it refuses with EINTERNAL.
func CreateWave(ctx context.Context, bdb *bun.DB, actor Actor, in CreateWaveInput) (*CreateWavePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CreateWavePayload) error {
		return Errorf(EINTERNAL, "createWave is not implemented yet")
	})
}

// OpenWave is not implemented yet: it refuses with EINTERNAL.
func OpenWave(ctx context.Context, bdb *bun.DB, actor Actor, in OpenWaveInput) (*OpenWavePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *OpenWavePayload) error {
		return Errorf(EINTERNAL, "openWave is not implemented yet")
	})
}

// CloseWave is not implemented yet: it refuses with EINTERNAL.
func CloseWave(ctx context.Context, bdb *bun.DB, actor Actor, in CloseWaveInput) (*CloseWavePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *CloseWavePayload) error {
		return Errorf(EINTERNAL, "closeWave is not implemented yet")
	})
}

// JoinWave is not implemented yet: it refuses with EINTERNAL.
func JoinWave(ctx context.Context, bdb *bun.DB, actor Actor, in JoinWaveInput) (*JoinWavePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *JoinWavePayload) error {
		return Errorf(EINTERNAL, "joinWave is not implemented yet")
	})
}

// DrawWave is not implemented yet: it refuses with EINTERNAL.
func DrawWave(ctx context.Context, bdb *bun.DB, actor Actor, in DrawWaveInput) (*DrawWavePayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *DrawWavePayload) error {
		return Errorf(EINTERNAL, "drawWave is not implemented yet")
	})
}

// RevokeLapsedParticipants is not implemented yet: it refuses with EINTERNAL.
func RevokeLapsedParticipants(ctx context.Context, bdb *bun.DB, actor Actor, in RevokeLapsedParticipantsInput) (*RevokeLapsedParticipantsPayload, error) {
	return mutation(ctx, bdb, func(ctx context.Context, tx bun.Tx, p *RevokeLapsedParticipantsPayload) error {
		return Errorf(EINTERNAL, "revokeLapsedParticipants is not implemented yet")
	})
}
