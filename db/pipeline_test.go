package db_test

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// TestPipelineSendsTogether runs three reads at once under a pipeline and requires one batch of
// three statements, with the same results as the reads give one by one.
func TestPipelineSendsTogether(t *testing.T) {
	bdb := seededDB(t)
	scope := db.Unrestricted
	type result struct {
		waves map[int64]*db.Wave
		ps    map[int64]*db.Participant
		n     int
		sum   int64
	}
	read := func(ctx context.Context, r *result) error {
		return db.Together(ctx, 3, func(i int) error {
			var err error
			switch i {
			case 0:
				r.waves, err = db.FindWavesByIDs(ctx, bdb, scope, []int64{1, 2, 3})
			case 1:
				r.ps, err = db.FindParticipantsByIDs(ctx, bdb, scope, []int64{1, 5, 7})
			case 2:
				r.n, r.sum, err = db.TotalIncentives(ctx, bdb, scope, &db.IncentiveFilter{ProvinceCode: []string{"32"}})
			}
			return err
		})
	}
	var alone, piped result
	if err := read(context.Background(), &alone); err != nil {
		t.Fatal(err)
	}
	counter := dbtest.CountQueries(bdb)
	defer db.ResetQueryHooks(bdb)
	batches, statements, _ := db.PipelineStats()
	if err := read(db.WithPipeline(context.Background()), &piped); err != nil {
		t.Fatal(err)
	}
	b, s, _ := db.PipelineStats()
	if b-batches != 1 || s-statements != 3 || counter.Count() != 3 {
		t.Errorf("sent %d batches holding %d statements (%d statements in all), want 1 batch of 3", b-batches, s-statements, counter.Count())
	}
	if len(alone.waves) == 0 || len(alone.ps) == 0 || alone.n == 0 {
		t.Fatalf("the seeded data has nothing to read: %+v", alone)
	}
	if !reflect.DeepEqual(alone, piped) {
		t.Errorf("the pipeline read other values:\nalone %+v\npiped %+v", alone, piped)
	}
}

// TestPipelineDoesNotWaitForever has one participant wait until another's statement has returned:
// the statement must go out without it (pipelineWait), or neither would ever finish.
func TestPipelineDoesNotWaitForever(t *testing.T) {
	bdb := seededDB(t)
	ctx := db.WithPipeline(context.Background())
	read := make(chan struct{})
	done := make(chan error, 1)
	_, _, stalled := db.PipelineStats()
	go func() {
		done <- db.Together(ctx, 2, func(i int) error {
			if i == 0 {
				<-read
				_, err := db.FindWavesByIDs(ctx, bdb, db.Unrestricted, []int64{1})
				return err
			}
			defer close(read)
			_, err := db.FindWavesByIDs(ctx, bdb, db.Unrestricted, []int64{2})
			return err
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		if _, _, s := db.PipelineStats(); s-stalled < 1 {
			t.Errorf("PipelineStats counted %d stalls, want at least 1", s-stalled)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a statement waited for a participant that was waiting for it")
	}
}

// TestPipelineError has one statement of a batch fail: each caller gets an answer (the failing
// one its error), and the pool's connections work afterwards.
func TestPipelineError(t *testing.T) {
	bdb := seededDB(t)
	ctx := db.WithPipeline(context.Background())
	var bad []*db.Wave
	errs := make([]error, 2)
	_ = db.Together(ctx, 2, func(i int) error {
		if i == 0 {
			errs[0] = db.ScanModels(ctx, bdb, bdb.NewSelect().Model(&bad).Where("1 / (w.id - w.id) = 1"), &bad)
		} else {
			_, errs[1] = db.FindWavesByIDs(ctx, bdb, db.Unrestricted, []int64{1})
		}
		return nil
	})
	if errs[0] == nil {
		t.Error("a division by zero returned no error")
	}
	for range 3 {
		if _, err := db.FindWavesByIDs(context.Background(), bdb, db.Unrestricted, []int64{1}); err != nil {
			t.Fatalf("after a failed batch: %v", err)
		}
	}
}

// TestTogetherPanicsAndOverflow checks that a fetcher that panics in one of Together's workers
// makes Together return an error (the request fails instead of the process), and that more
// fetchers at once than the workers (256) all run.
func TestTogetherPanicsAndOverflow(t *testing.T) {
	ctx := db.WithPipeline(context.Background())
	err := db.Together(ctx, 3, func(i int) error {
		if i == 2 {
			var m map[string]int
			m["boom"] = 1 // a nil map: panics
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("Together with a panicking fetcher = %v, want an error saying it panicked", err)
	}
	const n = 600
	var ran atomic.Int64
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Together(context.Background(), n, func(i int) error {
			ran.Add(1)
			<-release // hold every worker until all have started
			return nil
		})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for ran.Load() < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(release)
	if got := ran.Load(); got != n {
		t.Fatalf("%d of %d fetchers ran at once", got, n)
	}
	if err := <-done; err != nil {
		t.Fatalf("Together(%d) = %v", n, err)
	}
}
