package db_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"prakerja/db"
	"prakerja/db/dbtest"
)

// read is one direct read started in its own goroutine, and its outcome.
type read struct {
	vals []int64
	err  error
	done chan struct{}
}

func startRead(ctx context.Context, bdb *bun.DB, scanned func(), sql string, args ...any) *read {
	r := &read{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.vals, r.err = db.DirectInts(ctx, bdb, scanned, sql, args...)
	}()
	return r
}

func (r *read) wait(t *testing.T) *read {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatal("a read did not finish in 30 s")
	}
	return r
}

// waitFor polls the coalescer until cond holds of its running round trips and waiting statements.
func waitFor(t *testing.T, bdb *bun.DB, what string, cond func(inflight, queued int) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		in, q := db.ReadSlotsState(bdb)
		if cond(in, q) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %d round trips run, %d statements wait", what, in, q)
		}
		time.Sleep(time.Millisecond)
	}
}

// occupy fills bdb's one read slot with a statement that runs until release is closed, and
// returns that statement's read.
func occupy(t *testing.T, bdb *bun.DB) (sleeper *read, release func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sleeper = startRead(ctx, bdb, nil, "SELECT 1 FROM pg_sleep(30)")
	waitFor(t, bdb, "the sleeper's round trip", func(in, _ int) bool { return in == 1 })
	return sleeper, cancel
}

// TestCoalescedStatementsKeepTheirOutcomes queues three requests' statements behind a busy slot:
// they go out as one batch, the one that fails fails alone, and the one PostgreSQL skipped after
// it goes out again and returns its rows.
func TestCoalescedStatementsKeepTheirOutcomes(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 1, time.Minute)()
	sleeper, release := occupy(t, bdb)
	batches, statements, _ := db.PipelineStats()
	ctx := context.Background()
	first := startRead(ctx, bdb, nil, "SELECT g FROM generate_series(1, $1::int) g", 3)
	waitFor(t, bdb, "the first statement to wait", func(_, q int) bool { return q == 1 })
	bad := startRead(ctx, bdb, nil, "SELECT 1 / $1::int", 0)
	waitFor(t, bdb, "the failing statement to wait", func(_, q int) bool { return q == 2 })
	last := startRead(ctx, bdb, nil, "SELECT $1::int8 * 2", 21)
	waitFor(t, bdb, "the last statement to wait", func(_, q int) bool { return q == 3 })
	release()
	if sleeper.wait(t).err == nil {
		t.Error("the cancelled sleeper returned no error")
	}
	if r := first.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{1, 2, 3}) {
		t.Errorf("the first statement: %v, %v; want [1 2 3]", r.vals, r.err)
	}
	var pgErr *pgconn.PgError
	if r := bad.wait(t); !errors.As(r.err, &pgErr) || pgErr.Code != "22012" {
		t.Errorf("the failing statement: %v, %v; want a division_by_zero error (22012)", r.vals, r.err)
	}
	if r := last.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{42}) {
		t.Errorf("the statement behind the failing one: %v, %v; want [42]", r.vals, r.err)
	}
	if b, s, _ := db.PipelineStats(); b-batches != 1 || s-statements != 3 {
		t.Errorf("sent %d batches holding %d statements, want 1 of 3 (the last statement went out again alone)", b-batches, s-statements)
	}
	waitFor(t, bdb, "the slot to be free", func(in, q int) bool { return in == 0 && q == 0 })
}

// TestCoalescedRequestStopsWaiting cancels a request whose statement waits for a slot: it returns
// at once, and its rows are never scanned, while the other statement of its batch is.
func TestCoalescedRequestStopsWaiting(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 1, time.Minute)()
	sleeper, release := occupy(t, bdb)
	ctx, cancel := context.WithCancel(context.Background())
	var scans atomic.Int64
	gone := startRead(ctx, bdb, func() { scans.Add(1) }, "SELECT 5")
	other := startRead(context.Background(), bdb, nil, "SELECT 6")
	waitFor(t, bdb, "both statements to wait", func(_, q int) bool { return q == 2 })
	cancel()
	if r := gone.wait(t); !errors.Is(r.err, context.Canceled) {
		t.Errorf("the cancelled request: %v, %v; want context.Canceled", r.vals, r.err)
	}
	select {
	case <-sleeper.done:
		t.Fatal("the sleeper finished before the cancelled request returned")
	default:
	}
	release()
	sleeper.wait(t)
	if r := other.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{6}) {
		t.Errorf("the other statement: %v, %v; want [6]", r.vals, r.err)
	}
	waitFor(t, bdb, "the slot to be free", func(in, q int) bool { return in == 0 && q == 0 })
	if n := scans.Load(); n != 0 {
		t.Errorf("the cancelled request's rows were scanned %d times, want 0", n)
	}
}

// TestCoalescedScanPanics has a scan panic in a batch with another request's statement behind it,
// on a goroutine that belongs to neither: the panic becomes that request's error, the other request
// gets its rows, and the process goes on.
func TestCoalescedScanPanics(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 1, time.Minute)()
	sleeper, release := occupy(t, bdb)
	boom := startRead(context.Background(), bdb, func() {
		var m map[string]int
		m["boom"] = 1 // a nil map: panics
	}, "SELECT 1")
	waitFor(t, bdb, "the panicking statement to wait", func(_, q int) bool { return q == 1 })
	other := startRead(context.Background(), bdb, nil, "SELECT 2")
	waitFor(t, bdb, "both statements to wait", func(_, q int) bool { return q == 2 })
	release()
	sleeper.wait(t)
	if r := boom.wait(t); r.err == nil || !strings.Contains(r.err.Error(), "panicked") {
		t.Errorf("the panicking scan: %v; want an error saying it panicked", r.err)
	}
	if r := other.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{2}) {
		t.Errorf("the other statement: %v, %v; want [2]", r.vals, r.err)
	}
}

// TestCoalescedStatementsDoNotWaitBehindLongOnes has a long and a short statement, of two
// requests, arrive while the only slot runs a long one: after the wait bound each request's
// statement goes out on a round trip of its own, and the short one returns while both long ones
// still run.
func TestCoalescedStatementsDoNotWaitBehindLongOnes(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 1, 300*time.Millisecond)()
	sleeper, release := occupy(t, bdb)
	defer release()
	overdue := db.CoalesceStats()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	long := startRead(ctx, bdb, nil, "SELECT 1 FROM pg_sleep(30)")
	short := startRead(context.Background(), bdb, nil, "SELECT 3")
	waitFor(t, bdb, "both statements to wait", func(_, q int) bool { return q == 2 })
	if r := short.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{3}) {
		t.Errorf("the short statement: %v, %v; want [3]", r.vals, r.err)
	}
	for _, r := range []*read{sleeper, long} {
		select {
		case <-r.done:
			t.Fatal("a long statement finished before the short one: the short one waited for it")
		default:
		}
	}
	if n := db.CoalesceStats() - overdue; n != 2 {
		t.Errorf("%d round trips went beyond the slots, want 2 (one for each request)", n)
	}
	release()
	cancel()
	sleeper.wait(t)
	long.wait(t)
	waitFor(t, bdb, "the slots to be free", func(in, q int) bool { return in == 0 && q == 0 })
}

// TestCoalescerStopsWaitingWhenRoundTripsAreLong runs round trips longer than the wait bound, one
// after another: then a statement that finds every slot busy goes out at once instead of waiting.
func TestCoalescerStopsWaitingWhenRoundTripsAreLong(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 1, 50*time.Millisecond)()
	for range 8 { // the mean, recent round trips weighing most, passes 50 ms after 6 of 100 ms
		if _, err := db.DirectInts(context.Background(), bdb, nil, "SELECT 1 FROM pg_sleep(0.1)"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, bdb, "the slot to be free", func(in, q int) bool { return in == 0 && q == 0 })
	sleeper, release := occupy(t, bdb)
	overdue := db.CoalesceStats()
	short := startRead(context.Background(), bdb, nil, "SELECT 4")
	if r := short.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{4}) {
		t.Errorf("the short statement: %v, %v; want [4]", r.vals, r.err)
	}
	if n := db.CoalesceStats() - overdue; n != 0 {
		t.Errorf("the short statement waited for the slot (%d round trips went out overdue), want none", n)
	}
	release()
	sleeper.wait(t)
	waitFor(t, bdb, "the slots to be free", func(in, q int) bool { return in == 0 && q == 0 })
}

// TestCoalescerUsesFewerSlotsWhileRoundTripsAreShort: of 4 slots, 2 run while the mean round trip
// is short, and a third statement waits; once round trips are longer, a statement goes out on a
// third slot at once, and when its round trip ends, the statement that waited goes out.
func TestCoalescerUsesFewerSlotsWhileRoundTripsAreShort(t *testing.T) {
	bdb := dbtest.MustDB(t)
	defer db.SetReadSlots(bdb, 4, time.Minute)()
	waitFor(t, bdb, "the slots to be free", func(in, q int) bool { return in == 0 && q == 0 })
	db.SetMeanRoundTrip(bdb, 100*time.Microsecond)
	ctx, release := context.WithCancel(context.Background())
	var sleepers []*read
	for i := range 2 {
		sleepers = append(sleepers, startRead(ctx, bdb, nil, "SELECT 1 FROM pg_sleep(30)"))
		waitFor(t, bdb, "a sleeper's round trip", func(in, _ int) bool { return in == i+1 })
	}
	waiting := startRead(context.Background(), bdb, nil, "SELECT 4")
	waitFor(t, bdb, "the third statement to wait for a slot", func(in, q int) bool { return in == 2 && q == 1 })
	db.SetMeanRoundTrip(bdb, 3*time.Millisecond)
	if r := startRead(context.Background(), bdb, nil, "SELECT 5").wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{5}) {
		t.Errorf("the statement sent once round trips were longer: %v, %v; want [5]", r.vals, r.err)
	}
	// The end of that round trip handed its slot to the statement that waited.
	if r := waiting.wait(t); r.err != nil || !reflect.DeepEqual(r.vals, []int64{4}) {
		t.Errorf("the statement that waited: %v, %v; want [4]", r.vals, r.err)
	}
	waitFor(t, bdb, "only the sleepers to run", func(in, q int) bool { return in == 2 && q == 0 })
	release()
	for _, s := range sleepers {
		s.wait(t)
	}
	waitFor(t, bdb, "the slots to be free", func(in, q int) bool { return in == 0 && q == 0 })
}
