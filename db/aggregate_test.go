package db_test

import (
	"context"
	"testing"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// TestGroupKeysHoldTheirWave checks the wave a group key holds (the label read with the group):
// its id is the key's wave id, its number the wave's, and the groups of one wave, adjacent when
// the wave is the first key, share one Wave.
func TestGroupKeysHoldTheirWave(t *testing.T) {
	bdb := dbtest.MustSeededDB(t)
	ctx := context.Background()
	numbers := map[int64]int{}
	var waves []db.Wave
	if err := bdb.NewSelect().Model(&waves).Column("id", "number").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, w := range waves {
		numbers[w.ID] = w.Number
	}
	all := 1000
	// check checks a key's wave, and reports whether it has one (participants outside any wave
	// group under a null wave).
	check := func(t *testing.T, id *int64, w *db.Wave) bool {
		t.Helper()
		switch {
		case id == nil && w == nil:
			return false
		case id == nil || w == nil:
			t.Fatalf("a key with a wave id but no wave, or the other way round: id %v, wave %v", id, w)
		case id != &w.ID:
			t.Fatalf("the key's wave id %d is not its wave's (%d)", *id, w.ID)
		case w.Number != numbers[w.ID] || w.Number == 0:
			t.Fatalf("wave %d has number %d in the key, %d in the table", w.ID, w.Number, numbers[w.ID])
		}
		return true
	}

	t.Run("wave first", func(t *testing.T) {
		for _, rollups := range []bool{true, false} {
			c := ctx
			if !rollups {
				c = db.WithoutRollups(ctx)
			}
			gs, err := db.GroupParticipants(c, bdb, db.Unrestricted, nil, db.GroupArgs{By: []string{"WAVE", "STATUS"}, First: &all})
			if err != nil {
				t.Fatal(err)
			}
			shared := map[int64]*db.Wave{}
			for _, g := range gs {
				if !check(t, g.Key.WaveID, g.Key.Wave) {
					continue
				}
				if w, ok := shared[g.Key.Wave.ID]; ok && w != g.Key.Wave {
					t.Fatalf("two Waves for wave %d", w.ID)
				}
				shared[g.Key.Wave.ID] = g.Key.Wave
			}
			if len(gs) <= len(shared)+1 || len(shared) < 2 {
				t.Fatalf("%d groups of %d waves: want several statuses per wave and several waves", len(gs), len(shared))
			}
		}
	})
	t.Run("wave second", func(t *testing.T) {
		gs, err := db.GroupIncentives(ctx, bdb, db.Unrestricted, nil, db.GroupArgs{By: []string{"STATUS", "WAVE"}, First: &all})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) < 2 {
			t.Fatalf("%d groups", len(gs))
		}
		n := 0
		for _, g := range gs {
			if check(t, g.Key.WaveID, g.Key.Wave) {
				n++
			}
		}
		if n == 0 {
			t.Fatal("no group has a wave")
		}
	})
	t.Run("per parent", func(t *testing.T) {
		parents := []int64{1, 2, 3, 4, 5, 6, 7, 8}
		got, err := db.GroupIncentivesByParents(ctx, bdb, db.Unrestricted, db.ByParticipant, parents, nil, db.GroupArgs{By: []string{"WAVE", "KIND"}, First: &all})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, gs := range got {
			for _, g := range gs {
				if check(t, g.Key.WaveID, g.Key.Wave) {
					n++
				}
			}
		}
		if n == 0 {
			t.Fatal("no group with a wave under the first participants")
		}
	})
}
