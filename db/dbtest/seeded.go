package dbtest

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/seed"
)

// SeededParticipants is the size of the data set MustSeededDB loads.
const SeededParticipants = 2000

// MustSeededDB returns a fresh copy of a migrated database loaded by the seed generator
// (SeededParticipants people, seed 1), dropped when the test ends. The seeded template is built
// once per test process.
func MustSeededDB(tb testing.TB) *bun.DB {
	tb.Helper()
	return MustClone(tb, "seeded", func(ctx context.Context, bdb *bun.DB) error {
		if _, err := db.Migrate(ctx, bdb); err != nil {
			return err
		}
		_, err := seed.Run(ctx, bdb, seed.Options{Participants: SeededParticipants, Seed: 1, Now: time.Now().Truncate(time.Minute)})
		return err
	})
}
