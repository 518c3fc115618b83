package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/panjf2000/ants/v2"
	"github.com/uptrace/bun"
)

// Pipelines. A request that fetches independent things at once (the root fields of an operation,
// a page's enrollments and its incentives) runs each fetcher in its own goroutine (Together). On
// their own, each fetcher's statement would take its own connection and its own round trip, and
// every round trip costs both sides system calls and wake-ups: on the dashboard's four totals that
// was most of the server's CPU. Under a pipeline, the statements that the fetchers send while
// every other fetcher is also waiting for a statement (or done) go to PostgreSQL together, as one
// pgx batch on one connection: one round trip. A statement's result is the same either way (each
// statement of the batch still takes its own snapshot, as at READ COMMITTED outside a batch).
//
// The pipeline counts the goroutines that may still send a statement (its participants). When as
// many statements wait as there are participants, the last to arrive sends the batch. A
// participant that blocks on something else than a statement would hold the others back; after
// pipelineWait the waiting statements are sent anyway.

// pipelineWait bounds how long sent statements wait for the pipeline's other participants. A
// participant that is only slow (descheduled on a busy machine) also makes a stall when it takes
// longer than this before its statement.
var pipelineWait = 2 * time.Millisecond

// SetPipelineWait sets pipelineWait and returns a function that restores it. It is for tests that
// require no stalls: with a wait far longer than any fetcher's work, a stall can only be a fetcher
// blocked on something else than a statement, not one slowed by a loaded machine.
func SetPipelineWait(d time.Duration) (restore func()) {
	old := pipelineWait
	pipelineWait = d
	return func() { pipelineWait = old }
}

type pipeKey struct{}

// batchesSent and batchedStatements count the batches of more than one statement that were sent
// (the statements of one request's pipeline, or of several requests: coalesce.go), and their
// statements; stalls counts the batches sent because pipelineWait ran out
// (PipelineStats).
var batchesSent, batchedStatements, stalls atomic.Int64

// PipelineStats returns how many batches of more than one statement the process's pipelines have
// sent, how many statements those held, and how many times statements waited pipelineWait for a
// participant that sent nothing: a fetcher blocked on something else than a statement (which the
// fast path's tests require never to happen), or one descheduled for that long.
func PipelineStats() (batches, statements, stalled int64) {
	return batchesSent.Load(), batchedStatements.Load(), stalls.Load()
}

// overdueTrips counts the round trips that statements started after waiting coalesceWait for a
// slot (coalesce.go).
var overdueTrips atomic.Int64

// CoalesceStats returns how many round trips beyond the read slots statements started after
// waiting coalesceWait for a slot.
func CoalesceStats() (overdue int64) {
	return overdueTrips.Load()
}

type pipeline struct {
	mu      sync.Mutex
	active  int // participants: goroutines that may still send a statement
	pending []*piped
	bdb     *bun.DB
	timer   *time.Timer
}

// piped is one statement waiting in a pipeline, and what becomes of it.
type piped struct {
	ctx   context.Context
	query string
	args  []any
	scan  func(pgx.Rows) error
	done  chan error
	state atomic.Int32 // pWaiting, pScanning or pAbandoned (coalesce.go)
}

// WithPipeline returns a context whose direct reads (runDirect) are pipelined, with the calling
// goroutine as its one participant. Only goroutines that Together starts may share it.
func WithPipeline(ctx context.Context) context.Context {
	return context.WithValue(ctx, pipeKey{}, &pipeline{active: 1})
}

func pipelineOf(ctx context.Context) *pipeline {
	p, _ := ctx.Value(pipeKey{}).(*pipeline)
	return p
}

// Together runs f(0) … f(n-1) at once, f(0) in the calling goroutine and each other in its own,
// and returns the first error by index. Under WithPipeline their statements are sent together.
// Each f must write only what no other f reads or writes.
func Together(ctx context.Context, n int, f func(i int) error) error {
	if n <= 1 {
		if n == 1 {
			return f(0)
		}
		return nil
	}
	p := pipelineOf(ctx)
	p.join(n - 1)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		task := func() {
			defer wg.Done()
			defer p.leave()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("%w: %v", errFetcherPanicked, r)
				}
			}()
			errs[i] = f(i)
		}
		if fetchers.Submit(task) != nil {
			go task() // every worker is busy
		}
	}
	errs[0] = f(0)
	p.leave() // while it waits for the others, the caller sends nothing
	wg.Wait()
	p.join(1)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fetchers are the goroutines that Together runs its fetchers in. They are kept between requests
// (ants' pool), with the stacks they have grown: a fetcher runs deep (the relation, its loader,
// the list's statement, the pipeline and pgx below it), and a new goroutine for each one grew and
// copied its stack on every request: runtime.newstack was 3.5% of the CPU of
// BenchmarkNestedPage/fast, 1.1% with the pool. When all are busy, a fetcher gets a goroutine of
// its own as before.
var fetchers = func() *ants.Pool {
	pool, err := ants.NewPool(256, ants.WithNonblocking(true), ants.WithExpiryDuration(30*time.Second))
	if err != nil {
		panic(err)
	}
	return pool
}()

// errFetcherPanicked is what Together returns for a fetcher that panicked.
var errFetcherPanicked = errors.New("a fetcher panicked")

// alone reports whether the caller is the pipeline's only participant, with no statement waiting:
// then its statement goes out on its own at once, as without a pipeline. (Only a participant adds
// participants, so this holds until the caller calls Together.)
func (p *pipeline) alone() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active <= 1 && len(p.pending) == 0
}

func (p *pipeline) join(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.active += n
	p.mu.Unlock()
}

func (p *pipeline) leave() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.active--
	p.flushLocked()
}

// submit adds it to the pipeline and returns its result once its batch has run.
func (p *pipeline) submit(ctx context.Context, bdb *bun.DB, it *piped) error {
	it.ctx, it.done = ctx, make(chan error, 1)
	p.mu.Lock()
	if p.bdb == nil {
		p.bdb = bdb
	}
	if p.bdb != bdb {
		p.mu.Unlock()
		coalescerOf(bdb).run(bdb, []*piped{it})
		return it.wait(ctx)
	}
	p.pending = append(p.pending, it)
	if len(p.pending) < p.active && p.timer == nil {
		p.timer = time.AfterFunc(pipelineWait, func() {
			p.mu.Lock()
			p.timer = nil
			if len(p.pending) > 0 {
				stalls.Add(1)
			}
			p.send()
		})
	}
	p.flushLocked()
	return it.wait(ctx)
}

// flushLocked sends the waiting statements when no participant can add one; it unlocks p.mu.
func (p *pipeline) flushLocked() {
	if len(p.pending) == 0 || len(p.pending) < p.active {
		p.mu.Unlock()
		return
	}
	p.send()
}

// send takes the waiting statements, unlocks p.mu and runs them.
func (p *pipeline) send() {
	batch := p.pending
	p.pending = nil
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	bdb := p.bdb
	p.mu.Unlock()
	if len(batch) > 0 {
		coalescerOf(bdb).run(bdb, batch)
	}
}
