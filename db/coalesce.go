package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
)

// Coalescing. The pipeline (pipeline.go) sends the statements of one request together; the
// coalescer does the same across requests. Every direct read goes out through its database's
// coalescer, which lets at most Options.ReadSlots round trips run at once. While they all run, the
// statements that arrive wait, and when a round trip ends, all the waiting statements go out
// together, as one batch on one connection. Under load, many requests then share one write to
// PostgreSQL, one read of its answers and one wake-up of its backend; a lone request never waits,
// as a slot is free. On the filtered count under 16 connections (BENCHMARKS.md) this took a
// tenth off the server's CPU per request.
//
// Each statement of a batch keeps its own outcome: a statement that fails fails alone, and the
// statements behind it (which PostgreSQL skips after an error) go out again. A request whose
// context ends stops waiting at once and its rows are never scanned; a batch's round trip is
// cancelled when every request in it has stopped waiting.
//
// Waiting only pays while round trips are short. Statements never wait for a slot longer than
// coalesceWait: behind long statements (a dashboard's big grouping), each caller's waiting
// statements then go out on a round trip of their own. And while the round trips take longer than
// coalesceWait on average (recent ones weighing most), statements do not wait at all: they go
// out at once, as without a coalescer, since a wait would add latency and handoffs and save
// little.

// defaultReadSlots is Options.ReadSlots when it is 0: room for long statements to run in
// parallel (short ones use fewer, see shortTrip).
const defaultReadSlots = 4

// coalesceWait bounds how long a statement waits for a slot.
const coalesceWait = 5 * time.Millisecond

// While the mean round trip is shorter than shortTrip (small statements: counts, lookups, short
// pages), at most shortTripSlots round trips run at once. Their statements take the database so
// little time that running them one after another in a batch costs little, while each round trip
// saved spares the server and the database a write, a read and a wake-up. Longer round trips (a
// nested page's, a grouping's) keep every slot, so that the database's cores work on them in
// parallel. On the benchmark's machine, the filtered count's round trips took about 0.4 ms under
// load and its server CPU per request fell by about 7% at 2 slots; the nested page's took about
// 4 ms, and at 2 slots it lost 4–6% of its throughput.
const (
	shortTrip      = time.Millisecond
	shortTripSlots = 2
)

type coalescer struct {
	mu       sync.Mutex
	slots    int           // round trips that may run at once, besides those that wait starts
	wait     time.Duration // coalesceWait; tests lengthen it
	inflight int
	trip     time.Duration // the round trips' mean duration, recent ones weighing most
	queue    []*piped      // the statements that wait for a slot
	ends     []int         // where each caller's statements end in queue
	timer    *time.Timer   // armed while statements wait
	armed    int           // counts the timers armed: a timer that fired as it was stopped is stale
}

func newCoalescer(slots int) *coalescer {
	if slots <= 0 {
		slots = defaultReadSlots
	}
	return &coalescer{slots: slots, wait: coalesceWait}
}

// limitLocked is how many round trips may run at once now: fewer while round trips are short.
func (c *coalescer) limitLocked() int {
	if c.trip < shortTrip && c.slots > shortTripSlots {
		return shortTripSlots
	}
	return c.slots
}

// Item states: a request waits (pWaiting) until the runner takes its rows (pScanning) or the
// request gives up (pAbandoned), whichever comes first.
const (
	pWaiting int32 = iota
	pScanning
	pAbandoned
)

// run sends batch, statements that one caller made ready together. It returns when each has
// its outcome in its done channel, or at once when they wait for a slot.
func (c *coalescer) run(bdb *bun.DB, batch []*piped) {
	c.mu.Lock()
	if c.inflight >= c.limitLocked() && c.trip < c.wait {
		c.queue = append(c.queue, batch...)
		c.ends = append(c.ends, len(c.queue))
		if c.timer == nil {
			c.armed++
			armed := c.armed
			c.timer = time.AfterFunc(c.wait, func() { c.overdue(bdb, armed) })
		}
		c.mu.Unlock()
		return
	}
	c.inflight++
	c.mu.Unlock()
	c.roundTrip(bdb, batch)
}

// roundTrip runs batch on a slot counted in inflight, then hands the slot on (next).
func (c *coalescer) roundTrip(bdb *bun.DB, batch []*piped) {
	began := time.Now()
	runBatch(bdb, batch)
	c.next(bdb, time.Since(began))
}

// takeQueueLocked returns the waiting statements, and where each caller's end, and disarms the
// timer.
func (c *coalescer) takeQueueLocked() (batch []*piped, ends []int) {
	batch, ends = c.queue, c.ends
	c.queue, c.ends = nil, nil
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	return batch, ends
}

// next hands the slot that a round trip just left to the waiting statements, or frees it (also
// when the round trip was one of those beyond the slots that overdue started, or the slots are
// fewer than when it started: another round trip that ends then takes the waiting statements).
func (c *coalescer) next(bdb *bun.DB, took time.Duration) {
	c.mu.Lock()
	c.trip += (took - c.trip) / 8
	if len(c.queue) == 0 || c.inflight > c.limitLocked() {
		c.inflight--
		c.mu.Unlock()
		return
	}
	batch, _ := c.takeQueueLocked()
	c.mu.Unlock()
	c.start(bdb, batch)
}

// overdue runs when statements have waited coalesceWait for a slot: every slot is held by long
// statements. Each caller's statements then go out on a round trip of their own, beyond the
// slots, as they would without a coalescer: together, long statements would run one after
// another on one connection.
func (c *coalescer) overdue(bdb *bun.DB, armed int) {
	c.mu.Lock()
	if c.timer == nil || c.armed != armed {
		// The queue was taken while this timer fired; a later timer may guard a new one.
		c.mu.Unlock()
		return
	}
	batch, ends := c.takeQueueLocked()
	c.inflight += len(ends)
	c.mu.Unlock()
	overdueTrips.Add(int64(len(ends)))
	from := 0
	for _, end := range ends {
		c.start(bdb, batch[from:end:end])
		from = end
	}
}

// start runs batch on a slot already counted in inflight, in a goroutine of its own: the request
// that ends a round trip does not wait for other requests' statements.
func (c *coalescer) start(bdb *bun.DB, batch []*piped) {
	task := func() { c.roundTrip(bdb, batch) }
	if fetchers.Submit(task) != nil {
		go task()
	}
}

// wait returns its outcome, or ctx's error once ctx ends before its rows are taken.
func (it *piped) wait(ctx context.Context) error {
	select {
	case err := <-it.done:
		return err
	case <-ctx.Done():
		if it.state.CompareAndSwap(pWaiting, pAbandoned) {
			return ctx.Err()
		}
		return <-it.done // the rows are being scanned
	}
}

// runBatch runs the statements on one connection, one round trip, and hands each its rows.
func runBatch(bdb *bun.DB, batch []*piped) {
	for len(batch) > 0 {
		live := batch[:0:0]
		for _, it := range batch {
			if it.state.Load() == pAbandoned {
				it.done <- context.Canceled
			} else {
				live = append(live, it)
			}
		}
		if batch = live; len(batch) == 0 {
			return
		}
		batch = runBatchOnce(bdb, batch)
	}
}

// batchContext returns a context that ends when every statement's request has ended.
func batchContext(batch []*piped) (context.Context, func()) {
	if len(batch) == 1 {
		return batch[0].ctx, func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	live := atomic.Int64{}
	live.Store(int64(len(batch)))
	stops := make([]func() bool, len(batch))
	for i, it := range batch {
		stops[i] = context.AfterFunc(it.ctx, func() {
			if live.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

// runBatchOnce runs batch and returns the statements that PostgreSQL skipped after one of them
// failed, to be sent again.
func runBatchOnce(bdb *bun.DB, batch []*piped) (again []*piped) {
	ctx, release := batchContext(batch)
	defer release()
	errs := make([]error, len(batch))
	ran := 0 // the statements that have their outcome in errs
	err := onPgx(ctx, bdb, func(c *pgx.Conn) error {
		if len(batch) == 1 {
			rows, err := c.Query(ctx, batch[0].query, batch[0].args...)
			if err == nil {
				err = batch[0].take(rows)
			}
			errs[0], ran = err, 1
			return nil
		}
		batchesSent.Add(1)
		batchedStatements.Add(int64(len(batch)))
		b := &pgx.Batch{}
		for _, it := range batch {
			b.Queue(it.query, it.args...)
		}
		br := c.SendBatch(ctx, b)
		for i, it := range batch {
			if i > 0 && isPgError(errs[i-1]) {
				// The statement before failed in PostgreSQL, which then skipped the rest.
				again = batch[i:]
				break
			}
			rows, err := br.Query()
			if err != nil {
				errs[i], ran = err, i+1
				if !isPgError(err) {
					break // the connection failed: so does the rest
				}
				continue
			}
			// A scan's own failure (a decoding error, a panic, a request that stopped
			// waiting) is its statement's alone.
			errs[i], ran = it.take(rows), i+1
		}
		return br.Close()
	})
	batch = batch[:len(batch)-len(again)]
	for i, it := range batch {
		e := errs[i]
		if i >= ran {
			// Never ran: no connection, or the connection failed before it.
			if e = err; e == nil && ran > 0 {
				e = errs[ran-1]
			}
			if e == nil {
				e = errors.New("db: the statement was not sent")
			}
		}
		it.done <- e
	}
	return again
}

func isPgError(err error) bool {
	var pgErr *pgconn.PgError
	return err != nil && errors.As(err, &pgErr)
}

// take scans rows unless the request stopped waiting for them, and turns a panic into an error:
// the scan may run on another request's goroutine.
func (it *piped) take(rows pgx.Rows) (err error) {
	if !it.state.CompareAndSwap(pWaiting, pScanning) {
		rows.Close()
		return context.Canceled
	}
	defer func() {
		if r := recover(); r != nil {
			rows.Close()
			err = fmt.Errorf("%w: %v", errFetcherPanicked, r)
		}
	}()
	return scanAll(rows, it.scan)
}

// coalescerOf returns the coalescer of bdb, a database opened by Open.
func coalescerOf(bdb *bun.DB) *coalescer {
	return hubOf(bdb).coal
}
