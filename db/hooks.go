package db

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// Query hooks. Most statements run through bun, which calls its query hooks around each one; the
// read paths that scan rows with pgx directly (direct.go) bypass bun, so they call the same hooks
// themselves. For that, the hooks of a database opened by Open live in one hub that bun calls
// and that direct scanning calls too: add hooks with AddQueryHook and remove them with
// ResetQueryHooks, never with bun's methods of the same names (TestHooksGoThroughTheHub checks).

// hub is the one bun query hook of a database opened by Open: it calls the hooks added with
// AddQueryHook, in order before a statement and in reverse order after it, as bun does.
type hub struct {
	hooks atomic.Pointer[[]bun.QueryHook]
	coal  *coalescer // the direct reads' round trips (coalesce.go)
}

var hubs sync.Map // *bun.DB → *hub

func installHub(bdb *bun.DB, readSlots int) {
	h := &hub{coal: newCoalescer(readSlots)}
	bdb.AddQueryHook(h)
	hubs.Store(bdb, h)
}

func hubOf(bdb *bun.DB) *hub {
	h, ok := hubs.Load(bdb)
	if !ok {
		return nil
	}
	return h.(*hub)
}

// AddQueryHook adds hook to the hooks called around every statement bdb runs, whether through
// bun or through direct scanning. bdb must come from Open.
func AddQueryHook(bdb *bun.DB, hook bun.QueryHook) {
	h := hubOf(bdb)
	if h == nil {
		panic("db: AddQueryHook needs a database opened by db.Open")
	}
	for {
		old := h.hooks.Load()
		var next []bun.QueryHook
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, hook)
		if h.hooks.CompareAndSwap(old, &next) {
			return
		}
	}
}

// ResetQueryHooks removes every hook added with AddQueryHook.
func ResetQueryHooks(bdb *bun.DB) {
	if h := hubOf(bdb); h != nil {
		h.hooks.Store(nil)
	}
}

func (h *hub) list() []bun.QueryHook {
	if p := h.hooks.Load(); p != nil {
		return *p
	}
	return nil
}

// BeforeQuery implements bun.QueryHook.
func (h *hub) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	for _, hook := range h.list() {
		ctx = hook.BeforeQuery(ctx, e)
	}
	return ctx
}

// AfterQuery implements bun.QueryHook.
func (h *hub) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	hooks := h.list()
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i].AfterQuery(ctx, e)
	}
}

// around calls the hooks before and after a statement that bypasses bun; after takes the
// statement's error.
func (h *hub) around(ctx context.Context, bdb *bun.DB, query string, args []any) (context.Context, func(error)) {
	hooks := h.list()
	if len(hooks) == 0 {
		return ctx, func(error) {}
	}
	e := &bun.QueryEvent{DB: bdb, Query: query, QueryTemplate: query, QueryArgs: args, StartTime: time.Now()}
	ctx = h.BeforeQuery(ctx, e)
	return ctx, func(err error) {
		e.Err = err
		h.AfterQuery(ctx, e)
	}
}
