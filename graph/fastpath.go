package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"prakerja/db"
	"prakerja/graph/generated"
	"prakerja/graph/loader"
	"prakerja/graph/model"
)

// The fast path answers the read queries that pages, lists and dashboards are made of (root
// connections of participants, courses, providers, enrollments and incentives with their totals
// and groups, lookups by ID, plain fields, to-one relations and nested connections) without
// gqlgen's per-field execution. gqlgen resolves
// and marshals every field of every object through its own context, goroutine bookkeeping and
// closures: about twenty allocations a field, which made a page of 50 participants with their
// enrollments and incentives cost the server several times what its five SQL statements cost the
// database.
//
// It works in three steps over the parsed, validated and cost-checked operation:
//  1. compile: walk the selection with the schema's own field collection (fragments, @skip and
//     @include) and parse every argument with the generated parsers (generated.FieldArgs);
//  2. fetch: breadth first, one batch per relation and position, through the same resolvers,
//     loaders' batch functions and so the same scope and masking as the full executor;
//  3. write: the JSON of the response, byte for byte what the generated marshalers and the
//     transport's encoding would write (encoded.go then writes it without encoding it again).
//
// Anything it does not cover (another field, type or directive, a mutation, a nested aggregate,
// an error of any kind) goes to gqlgen's executor unchanged, which then answers the whole
// operation. TestFastPathMatches runs every query both ways and compares the bytes.

// errSlow says that the operation needs the full executor.
var errSlow = errors.New("fast path: not covered")

// decline says that the operation needs the full executor, and why (logged at debug level, for
// whoever extends the fast path's coverage).
func decline(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errSlow}, args...)...)
}

// ExecutorStats counts the operations each executor answered: the fast path, or gqlgen's
// executor (everything else: mutations, subscriptions, nested aggregates, errors, uncovered
// fields).
type ExecutorStats struct {
	Fast, Full atomic.Int64
}

// fastPath is the operation middleware that tries the fast path first.
type fastPath struct {
	r     *Resolver
	es    graphql.ExecutableSchema
	stats *ExecutorStats
	// plans remembers compiled operations (see plan).
	plans *lru.Cache[opKey, *fastPlan]
}

// fastPlanCacheSize bounds the compiled operations the fast path remembers.
const fastPlanCacheSize = 1000

func newFastPath(r *Resolver, es graphql.ExecutableSchema, stats *ExecutorStats) *fastPath {
	plans, err := lru.New[opKey, *fastPlan](fastPlanCacheSize)
	if err != nil {
		panic(err)
	}
	return &fastPath{r: r, es: es, stats: stats, plans: plans}
}

// fastPlan is a compiled operation: what to fetch and how to write it, or why the fast path does
// not cover it. A plan depends only on the operation's document, name and variables (field
// collection with @skip and @include, and the generated argument parsers), never on the caller:
// scope and masking are applied when each request fetches. It is shared by concurrent requests
// and never changed after compile; each request keeps what it fetched in its own slots (see
// slotState). The arguments it holds are handed to resolvers and loaders, which only read them.
type fastPlan struct {
	roots []*rootSel
	slots int   // how many slotState a request needs
	err   error // a decline: the full executor answers
}

func (f *fastPath) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Query {
		data, err := f.run(ctx, oc)
		if err == nil {
			f.stats.Fast.Add(1)
			return graphql.OneShot(handOver(ctx, data))
		}
		f.r.Logger.DebugContext(ctx, "gqlgen's executor answers this operation", "reason", err.Error(),
			"operation", oc.OperationName, "request_id", RequestID(ctx))
	}
	f.stats.Full.Add(1)
	return next(ctx)
}

// fx is one fast execution, or the compilation of a plan.
type fx struct {
	ctx   context.Context
	oc    *graphql.OperationContext
	f     *fastPath
	buf   *bytes.Buffer
	slots []slotState // what this request fetched, by the plan's slot numbers
	nslot int         // while compiling: the slots numbered so far
}

// slotState is what one request fetched for one stateful node of a plan (a relation, a group
// selection or a root field).
type slotState struct {
	one    map[any]any        // a to-one relation's child of each parent
	conns  map[any]connection // a connection's page under each parent
	counts map[any]int        // a connection's count under each parent
	sums   map[any]int64      // a connection's totalAmount under each parent
	groups map[any][]any      // a nested connection's groups under each parent
	rows   []any              // a root connection's groups
	value  any                // a lookup's object
	page   connection         // a root connection's page
	total  int
	amount int64
}

// slot numbers a stateful node of the plan being compiled.
func (x *fx) slot() int {
	x.nslot++
	return x.nslot - 1
}

// loaders returns the operation's loaders (built on first use).
func (x *fx) loaders() *loader.Loaders { return loader.For(x.ctx) }

func (f *fastPath) run(ctx context.Context, oc *graphql.OperationContext) (data []byte, err error) {
	defer func() {
		// The full executor answers (and reports) whatever went wrong here.
		if p := recover(); p != nil {
			f.r.Logger.ErrorContext(ctx, "fast path panicked; the full executor answers", "panic", p, "request_id", RequestID(ctx))
			data, err = nil, errSlow
		}
	}()
	p := f.plan(ctx, oc)
	if p.err != nil {
		return nil, p.err
	}
	// The root fields are fetched at once, and so are the relations of one selection: their
	// statements go to PostgreSQL together (db.Together under db.WithPipeline).
	x := &fx{ctx: db.WithPipeline(ctx), oc: oc, f: f, buf: responseBuffer(ctx), slots: make([]slotState, p.slots)}
	if err := db.Together(x.ctx, len(p.roots), func(i int) error { return p.roots[i].fetch(x) }); err != nil {
		return nil, err
	}
	start := x.buf.Len() // after what responseBuffer wrote before the data
	x.buf.WriteByte('{')
	for i, r := range p.roots {
		if i > 0 {
			x.buf.WriteByte(',')
		}
		x.key(r.field.Alias)
		r.write(x)
	}
	x.buf.WriteByte('}')
	return x.buf.Bytes()[start:], nil
}

// plan returns the compiled plan of oc's operation, from the cache when an operation with the
// same text, name and variables was compiled before. A panic while compiling is not remembered.
func (f *fastPath) plan(ctx context.Context, oc *graphql.OperationContext) *fastPlan {
	key, ok := opKeyOf(oc)
	if ok {
		if p, hit := f.plans.Get(key); hit {
			return p
		}
	}
	x := &fx{ctx: ctx, oc: oc, f: f}
	roots, err := x.compileRoot(oc.Operation.SelectionSet)
	p := &fastPlan{roots: roots, slots: x.nslot, err: err}
	if ok {
		f.plans.Add(key, p)
	}
	return p
}

// object writes a JSON object with a member per field, its value by write(i, field).
func (x *fx) object(keys []string, fields []graphql.CollectedField, write func(i int, f graphql.CollectedField)) {
	x.buf.WriteByte('{')
	for i, f := range fields {
		x.buf.WriteString(keys[i])
		write(i, f)
	}
	x.buf.WriteByte('}')
}

// jsonKeys returns what object writes before each field's value: "alias": and, after the first
// field, ,"alias": (an alias is a GraphQL name, which JSON needs no escapes for).
func jsonKeys(fields []graphql.CollectedField) []string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = `"` + f.Alias + `":`
		if i > 0 {
			keys[i] = "," + keys[i]
		}
	}
	return keys
}

// list writes a JSON array of n elements, element i by write(i).
func (x *fx) list(n int, write func(i int)) {
	x.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			x.buf.WriteByte(',')
		}
		write(i)
	}
	x.buf.WriteByte(']')
}

// key writes "alias": (an alias is a GraphQL name, which JSON needs no escapes for).
func (x *fx) key(alias string) {
	x.buf.WriteByte('"')
	x.buf.WriteString(alias)
	x.buf.WriteString(`":`)
}

// collect returns the fields of sel on typ, once per alias, or errSlow when one of them asks for something the
// fast path does not do: a directive other than @skip and @include, or a deferred fragment.
func (x *fx) collect(sel ast.SelectionSet, implementors []string) ([]graphql.CollectedField, error) {
	fields := graphql.CollectFields(x.oc, sel, implementors)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if slices.ContainsFunc(fields[:i], func(g graphql.CollectedField) bool { return g.Alias == f.Alias }) {
			// gqlgen writes the first field of an alias only.
			fields = slices.Delete(slices.Clone(fields), i, i+1)
			i--
			continue
		}
		if len(f.Deferrables) > 0 {
			return nil, decline("%s is deferred", f.Name)
		}
		for _, d := range f.Directives {
			if d.Name != "skip" && d.Name != "include" {
				return nil, decline("@%s on %s", d.Name, f.Name)
			}
		}
	}
	return fields, nil
}

func (x *fx) args(typeName string, f graphql.CollectedField) (map[string]any, error) {
	a, err := generated.FieldArgs(x.ctx, x.f.es, typeName, f.Name, f.ArgumentMap(x.oc.Variables))
	if err != nil {
		return nil, decline("arguments of %s.%s: %v", typeName, f.Name, err)
	}
	return a, nil
}

// --- the covered types ---------------------------------------------------------------------------

// kind is an object type the fast path writes: its plain fields and its relations.
type kind struct {
	name         string
	implementors []string
	leaves       map[string]func(w *bytes.Buffer, obj any)
	rels         map[string]*relation
	// cols names the columns a plain field reads when they are not the field's name in snake case
	// (fullName: full_name); the fetches read only the columns of the selected fields.
	cols map[string][]string
	// cached: the objects come from the process's reference cache, so fetching them sends no
	// statement (provinces).
	cached bool
}

// columns returns the columns the plain field reads.
func (k *kind) columns(field string) []string {
	if c, ok := k.cols[field]; ok {
		return c
	}
	var b strings.Builder
	for _, r := range field {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return []string{b.String()}
}

// relation is a field that leads to other objects. A to-one relation fetches the child of every
// parent at once; a connection fetches the page (and, when asked, the count and the total amount)
// of every parent.
type relation struct {
	child *kind     // a to-one relation's kind
	conn  *connKind // a connection's type
	key   []string  // the parent's columns the relation follows
	// one, pages and counts fetch for all parents at once, reading cols of the children.
	one func(x *fx, parents []any, cols []string) (map[any]any, error)
	// carry, when set, are columns of the parent that hold what known (toOneKnown) reads of the
	// child, and carries the child's columns they hold: a selection that reads no other column
	// of the child reads them with the parent (compileObj), and the child needs no fetch. The
	// child's own relations are fetched from it as usual (an enrollment's course carries its
	// provider's name, which the course's provider reads in turn).
	carry, carries []string
	// direct, when set, is a to-one relation's child read straight off its parent (a group's
	// key, or the wave a key holds): no fetch and no map from parents to children. It is false
	// where the parent cannot say, and the request then goes to gqlgen's executor. With
	// directCols, direct answers only selections that read no other column of the child (the
	// wave's id and number); another selection fetches the child through one.
	direct     func(parent any) (child any, ok bool)
	directCols []string
	pages      func(x *fx, parents []any, args map[string]any, rows bool, cols []string) (map[any]connection, error)
	counts     func(x *fx, parents []any, args map[string]any) (map[any]int, error)
	sums       func(x *fx, parents []any, args map[string]any) (map[any]int64, error) // nil: no money
	// groups fetches a groups field's groups (its arguments ga) under every parent; nil: no groups.
	// With t, it also adds up the connection's totals from the groups, where it can (groupTotals).
	groups func(x *fx, parents []any, args, ga map[string]any, t *groupTotals) (map[any][]any, error)
}

// groupTotals are a nested connection's totalCount and totalAmount under each parent, added up
// from a groups field of the same connection (same filter, same scope) rather than asked for in
// statements of their own. That takes every group: the groups are asked for with one more than
// their first, and when a parent has more groups than first, complete is false and the totals are
// fetched as usual.
type groupTotals struct {
	complete bool
	counts   map[any]int
	sums     map[any]int64
}

// totaled is a group whose count and amount add up to its connection's totals (db.IncentiveGroup
// and the like).
type totaled interface{ Totals() (int, int64) }

// probeFirst returns how many groups to ask for so that the totals can be added up from them, one
// more than limit (a groups field's first), or false where that cannot be: first: 0, the most
// groups there can be, or an invalid first, which must stay invalid.
func probeFirst(limit int) (int, bool) {
	if limit <= 0 || limit >= db.MaxGroups {
		return 0, false
	}
	return limit + 1, true
}

// addUp returns the count and the amount that groups add up to, or false when one of them does
// not say (is not totaled).
func addUp(groups []any) (int, int64, bool) {
	n, sum := 0, int64(0)
	for _, g := range groups {
		t, ok := g.(totaled)
		if !ok {
			return 0, 0, false
		}
		c, a := t.Totals()
		n, sum = n+c, sum+a
	}
	return n, sum, true
}

// connection is a page of objects of any covered type.
type connection interface {
	size() int      // how many nodes the page has
	node(i int) any // node i of the page
	info() *model.PageInfo
	cursor(i int) string
}

type conn[T any] struct {
	c model.Connection[T]
}

func newConn[T any](c model.Connection[T]) *conn[T] { return &conn[T]{c: c} }

func (c *conn[T]) size() int             { return len(c.c.Nodes()) }
func (c *conn[T]) node(i int) any        { return c.c.Nodes()[i] }
func (c *conn[T]) info() *model.PageInfo { return c.c.PageInfo() }
func (c *conn[T]) cursor(i int) string   { return c.c.Cursor(i) }

// nodesOf returns the nodes of a page.
func nodesOf(c connection) []any {
	out := make([]any, c.size())
	for i := range out {
		out[i] = c.node(i)
	}
	return out
}

// pageArgsOf reads the Relay arguments that the generated parsers returned.
func pageArgsOf(a map[string]any) db.PageArgs {
	first, _ := a["first"].(*int)
	after, _ := a["after"].(*string)
	last, _ := a["last"].(*int)
	before, _ := a["before"].(*string)
	return pageArgs(first, after, last, before)
}

// toOne is a required or optional relation to the object that key names, through loader l.
func toOne[P any, K comparable, V any](child **kind, keyCol string, l func(*loader.Loaders) *loader.Loader[K, *V], key func(*P) (K, bool), required bool) *relation {
	r := &relation{}
	if keyCol != "" {
		r.key = []string{keyCol}
	}
	r.one = func(x *fx, parents []any, cols []string) (map[any]any, error) {
		keys := make([]K, 0, len(parents))
		seen := make(map[K]bool, len(parents))
		for _, p := range parents {
			if k, ok := key(p.(*P)); ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		got, err := l(x.loaders()).FetchAll(db.WithColumns(x.ctx, cols), keys)
		if err != nil {
			return nil, errSlow
		}
		out := make(map[any]any, len(parents))
		for _, p := range parents {
			k, ok := key(p.(*P))
			var v *V
			if ok {
				v = got[k]
			}
			switch {
			case v != nil:
				out[p] = v
			case required:
				return nil, errSlow // the full executor reports the hidden row
			default:
				out[p] = nil
			}
		}
		return out, nil
	}
	lazyChild(r, child)
	return r
}

// toOneKnown is toOne for parents that may carry what a selection reads of their child: known
// returns that child when cols are all it holds (an enrollment's course with its title and
// provider, read with the enrollment), or false, and then the children are loaded as toOne loads
// them.
func toOneKnown[P any, K comparable, V any](child **kind, keyCol string, l func(*loader.Loaders) *loader.Loader[K, *V], key func(*P) (K, bool), required bool, known func(*P, []string) (*V, bool)) *relation {
	r := toOne(child, keyCol, l, key, required)
	load := r.one
	r.one = func(x *fx, parents []any, cols []string) (map[any]any, error) {
		out := make(map[any]any, len(parents))
		byKey := make(map[K]*V)
		for _, p := range parents {
			k, ok := key(p.(*P))
			if !ok {
				out[p] = nil
				continue
			}
			v := byKey[k]
			if v == nil {
				if v, ok = known(p.(*P), cols); !ok {
					return load(x, parents, cols)
				}
				byKey[k] = v
			}
			out[p] = v
		}
		return out, nil
	}
	return r
}

// nested is a connection under each parent, paged and counted through the loaders' batches.
func nested[P, T, F, O any](ck *connKind, by db.Parent, id func(*P) int64,
	pages func(*loader.Loaders) *loader.Loader[loader.PageKey, *db.Page[T]],
	counts func(*loader.Loaders) *loader.Loader[loader.PageKey, int]) *relation {
	r := &relation{conn: ck}
	r.pages = func(x *fx, parents []any, a map[string]any, rows bool, cols []string) (map[any]connection, error) {
		f, _ := a["filter"].(*F)
		o, _ := a["orderBy"].(*O)
		page := pageArgsOf(a)
		page.SkipRows = !rows
		keys := parentKeys(by, id, parents, loader.ConnArgs[F, O]{Filter: f, Order: o, Page: page}.Key(by, 0).Args)
		got, err := pages(x.loaders()).FetchAll(db.WithColumns(x.ctx, cols), keys)
		if err != nil {
			return nil, errSlow
		}
		out := make(map[any]connection, len(parents))
		conns := make([]conn[T], len(parents)) // one allocation for the pages of all parents
		for i, p := range parents {
			pg := got[keys[i]]
			if pg == nil {
				pg = &db.Page[T]{}
			}
			conns[i] = conn[T]{c: model.NewConnection(pg, nil)}
			out[p] = &conns[i]
		}
		return out, nil
	}
	r.counts = totalsPerParent[P, F](by, id, counts)
	return r
}

// withSums lets a nested connection of rows with money (enrollments, incentives) answer
// totalAmount, through the loaders' batch: one statement for all parents.
func withSums[P, F any](r *relation, by db.Parent, id func(*P) int64,
	sums func(*loader.Loaders) *loader.Loader[loader.PageKey, int64]) *relation {
	r.sums = totalsPerParent[P, F](by, id, sums)
	return r
}

// parentKeys returns the loader keys of parents under by, all with the same encoded arguments
// (encoded once per field, not once per parent).
func parentKeys[P any](by db.Parent, id func(*P) int64, parents []any, args string) []loader.PageKey {
	keys := make([]loader.PageKey, len(parents))
	for i, p := range parents {
		keys[i] = loader.PageKey{By: by, Parent: id(p.(*P)), Args: args}
	}
	return keys
}

// totalsPerParent fetches, for every parent at once, a total of the rows that a connection's filter
// selects under it (a count, a sum), through the loader l's batch.
func totalsPerParent[P, F, V any](by db.Parent, id func(*P) int64, l func(*loader.Loaders) *loader.Loader[loader.PageKey, V]) func(x *fx, parents []any, a map[string]any) (map[any]V, error) {
	return func(x *fx, parents []any, a map[string]any) (map[any]V, error) {
		f, _ := a["filter"].(*F)
		keys := parentKeys(by, id, parents, loader.FilterArgs[F]{Filter: f}.Key(by, 0).Args)
		got, err := l(x.loaders()).FetchAll(x.ctx, keys)
		if err != nil {
			return nil, errSlow
		}
		out := make(map[any]V, len(parents))
		for i, p := range parents {
			out[p] = got[keys[i]]
		}
		return out, nil
	}
}

// withGroups lets a nested connection answer groups through the loaders' batch: one statement for
// all parents per groups field. groupArgs reads a groups field's arguments.
func withGroups[P, F, G any](r *relation, by db.Parent, id func(*P) int64, groupArgs func(map[string]any) db.GroupArgs,
	groups func(*loader.Loaders) *loader.Loader[loader.PageKey, []*G]) *relation {
	r.groups = func(x *fx, parents []any, a, ga map[string]any, t *groupTotals) (map[any][]any, error) {
		f, _ := a["filter"].(*F)
		args := groupArgs(ga)
		limit := args.Limit()
		if t != nil {
			if more, ok := probeFirst(limit); ok {
				args.First = &more
				t.complete, t.counts, t.sums = true, make(map[any]int, len(parents)), make(map[any]int64, len(parents))
			} else {
				t = nil
			}
		}
		keys := parentKeys(by, id, parents, loader.GroupKeyArgs[F]{Filter: f, Group: args}.Key(by, 0).Args)
		got, err := groups(x.loaders()).FetchAll(x.ctx, keys)
		if err != nil {
			return nil, errSlow
		}
		out := make(map[any][]any, len(parents))
		for i, p := range parents {
			gs := got[keys[i]]
			if t != nil && len(gs) > limit {
				t.complete, gs = false, gs[:limit]
			}
			rows := make([]any, len(gs))
			for j, g := range gs {
				rows[j] = g
			}
			if t != nil {
				var ok bool
				if t.counts[p], t.sums[p], ok = addUp(rows); !ok {
					t.complete = false
				}
			}
			out[p] = rows
		}
		return out, nil
	}
	return r
}

// subset reports whether every one of a is in b.
func subset(a, b []string) bool {
	for _, c := range a {
		if !slices.Contains(b, c) {
			return false
		}
	}
	return true
}

// lazyChild sets the relation's child kind once the kinds, which refer to each other, exist.
func lazyChild(r *relation, child **kind) {
	pendingChildren = append(pendingChildren, func() { r.child = *child })
}

var pendingChildren []func()

// --- compile and fetch ----------------------------------------------------------------------------

// objSel is a selection set on objects of one kind, with the results of its relations for every
// object it covers.
type objSel struct {
	kind   *kind
	fields []graphql.CollectedField
	keys   []string                   // aligned with fields: what precedes each value (jsonKeys)
	leaves []func(*bytes.Buffer, any) // aligned with fields: the writers of plain fields
	rels   []*relSel                  // aligned with fields: the relations
	cols   []string                   // the columns the selection reads
	nested bool                       // some field is a relation: fetch has work below
}

// relSel is a relation field under an objSel.
type relSel struct {
	rel    *relation
	args   map[string]any
	obj    *objSel                               // a to-one relation's child selection
	direct func(parent any) (child any, ok bool) // rel.direct, when it answers obj (directCols)
	conn   *connSel                              // a connection's selection
	slot   int                                   // where a request keeps, per parent object, what fetch found (one, conns, counts)
}

// connSel is a selection set on a connection type.
type connSel struct {
	typeName     string
	fields       []graphql.CollectedField
	keys         []string                   // aligned with fields: what precedes each value (jsonKeys)
	nodes        []*objSel                  // aligned with fields: "nodes"
	edges        []*edgeSel                 // aligned with fields: "edges"
	pageInfo     [][]graphql.CollectedField // aligned with fields: "pageInfo"
	pageInfoKeys [][]string                 // aligned with fields: jsonKeys of pageInfo
	groups       []*groupSel                // aligned with fields: "groups"
	rows         bool                       // nodes, edges or pageInfo are selected
	count        bool                       // totalCount is selected
	amount       bool                       // totalAmount is selected
	cols         []string                   // the columns the node selections read
}

// connKind is a connection type: the kind of its nodes and, when it has groups, of its groups.
type connKind struct {
	name  string
	node  **kind
	group **kind
}

// groupSel is a connection's groups field: its arguments, its selection and, once fetched, the
// groups.
type groupSel struct {
	args map[string]any
	obj  *objSel
	slot int // where a request keeps the groups (rows at the root, groups per parent below it)
}

type edgeSel struct {
	typeName string
	fields   []graphql.CollectedField
	keys     []string  // aligned with fields: what precedes each value (jsonKeys)
	node     []*objSel // aligned with fields: "node"
}

func (x *fx) compileObj(k *kind, sel ast.SelectionSet) (*objSel, error) {
	fields, err := x.collect(sel, k.implementors)
	if err != nil {
		return nil, err
	}
	s := &objSel{kind: k, fields: fields, keys: jsonKeys(fields), leaves: make([]func(*bytes.Buffer, any), len(fields)), rels: make([]*relSel, len(fields))}
	for i, f := range fields {
		if f.Name == "__typename" {
			name := k.name
			s.leaves[i] = func(w *bytes.Buffer, _ any) { str(w, name) }
			continue
		}
		if leaf, ok := k.leaves[f.Name]; ok {
			if len(f.Arguments) > 0 {
				return nil, decline("%s.%s has arguments", k.name, f.Name)
			}
			s.leaves[i] = leaf
			s.cols = append(s.cols, k.columns(f.Name)...)
			continue
		}
		rel, ok := k.rels[f.Name]
		if !ok {
			return nil, decline("%s.%s is not covered", k.name, f.Name)
		}
		rs := &relSel{rel: rel, slot: x.slot()}
		s.cols = append(s.cols, rel.key...)
		if rel.conn == nil {
			if rs.obj, err = x.compileObj(rel.child, f.Selections); err != nil {
				return nil, err
			}
			if rel.carry != nil && subset(rs.obj.cols, rel.carries) {
				s.cols = append(s.cols, rel.carry...)
			}
			if rel.direct != nil && (rel.directCols == nil || subset(rs.obj.cols, rel.directCols)) {
				rs.direct = rel.direct
			}
		} else {
			if rs.args, err = x.args(k.name, f); err != nil {
				return nil, err
			}
			if rs.conn, err = x.compileConn(rel.conn, f.Selections); err != nil {
				return nil, err
			}
			if rs.conn.amount && rel.sums == nil {
				return nil, decline("%s.%s.totalAmount", k.name, f.Name)
			}
			if rs.conn.hasGroups() && rel.groups == nil {
				return nil, decline("%s.groups below the root", rel.conn.name)
			}
		}
		s.rels[i] = rs
		s.nested = true
	}
	return s, nil
}

// compileConn compiles a selection on a connection. Below the root, totalAmount and groups need
// their relation's sums and groups (compileObj checks).
func (x *fx) compileConn(ck *connKind, sel ast.SelectionSet) (*connSel, error) {
	typeName, node := ck.name, *ck.node
	fields, err := x.collect(sel, []string{typeName})
	if err != nil {
		return nil, err
	}
	c := &connSel{typeName: typeName, fields: fields, keys: jsonKeys(fields), nodes: make([]*objSel, len(fields)), edges: make([]*edgeSel, len(fields)),
		pageInfo: make([][]graphql.CollectedField, len(fields)), pageInfoKeys: make([][]string, len(fields)), groups: make([]*groupSel, len(fields))}
	for i, f := range fields {
		switch f.Name {
		case "__typename":
		case "totalCount":
			c.count = true
		case "totalAmount":
			c.amount = true
		case "groups":
			if ck.group == nil {
				return nil, decline("%s.groups is not covered", typeName)
			}
			g := &groupSel{slot: x.slot()}
			if g.args, err = x.args(typeName, f); err != nil {
				return nil, err
			}
			if g.obj, err = x.compileObj(*ck.group, f.Selections); err != nil {
				return nil, err
			}
			c.groups[i] = g
		case "nodes":
			c.rows = true
			if c.nodes[i], err = x.compileObj(node, f.Selections); err != nil {
				return nil, err
			}
			c.cols = append(c.cols, c.nodes[i].cols...)
		case "pageInfo":
			c.rows = true
			if c.pageInfo[i], err = x.collect(f.Selections, []string{"PageInfo"}); err != nil {
				return nil, err
			}
			c.pageInfoKeys[i] = jsonKeys(c.pageInfo[i])
		case "edges":
			c.rows = true
			edgeType := typeName[:len(typeName)-len("Connection")] + "Edge"
			ef, err := x.collect(f.Selections, []string{edgeType})
			if err != nil {
				return nil, err
			}
			e := &edgeSel{typeName: edgeType, fields: ef, keys: jsonKeys(ef), node: make([]*objSel, len(ef))}
			for j, g := range ef {
				switch g.Name {
				case "__typename", "cursor":
				case "node":
					if e.node[j], err = x.compileObj(node, g.Selections); err != nil {
						return nil, err
					}
					c.cols = append(c.cols, e.node[j].cols...)
				default:
					return nil, decline("%s.%s is not covered", edgeType, g.Name)
				}
			}
			c.edges[i] = e
		default:
			return nil, decline("%s.%s is not covered", typeName, f.Name)
		}
	}
	return c, nil
}

// totalsFrom returns the groups field that the connection's totals are added up from, or nil
// when none are selected, or no groups field can give them (probeFirst): then the totals are
// fetched at once with the groups.
func (c *connSel) totalsFrom() *groupSel {
	if !c.count && !c.amount {
		return nil
	}
	for _, g := range c.groups {
		if g == nil {
			continue
		}
		if _, ok := probeFirst(groupFirst(g.args)); ok {
			return g
		}
	}
	return nil
}

func (c *connSel) hasGroups() bool {
	for _, g := range c.groups {
		if g != nil {
			return true
		}
	}
	return false
}

// objects returns every row of the pages, once each.
func objects(pages map[any]connection) []any {
	n := 0
	for _, c := range pages {
		n += c.size()
	}
	out := make([]any, 0, n)
	for _, c := range pages {
		for i := range c.size() {
			out = append(out, c.node(i))
		}
	}
	return out
}

func (s *objSel) fetch(x *fx, objs []any) error {
	if len(objs) == 0 {
		return nil
	}
	var rels []*relSel
	for _, rs := range s.rels {
		switch {
		case rs == nil:
		case rs.obj != nil && !rs.obj.nested && rs.rel.child.cached:
			// Answered from the reference cache: not worth a goroutine of its own.
			if err := rs.fetch(x, objs); err != nil {
				return err
			}
		default:
			rels = append(rels, rs)
		}
	}
	// The relations of one selection depend only on its objects (a page's enrollments and its
	// incentives): they are fetched at once, their statements in one round trip (db.Together).
	return db.Together(x.ctx, len(rels), func(i int) error { return rels[i].fetch(x, objs) })
}

// fetch fetches the relation for objs, and below it.
func (rs *relSel) fetch(x *fx, objs []any) error {
	if rs.direct != nil {
		var children []any
		if rs.obj.nested {
			children = make([]any, 0, len(objs))
		}
		for _, o := range objs {
			c, ok := rs.direct(o)
			if !ok {
				return errSlow
			}
			if rs.obj.nested && c != nil {
				children = append(children, c)
			}
		}
		if !rs.obj.nested {
			return nil // plain fields only: nothing to fetch for the children
		}
		return rs.obj.fetch(x, children)
	}
	if rs.obj != nil {
		one, err := rs.rel.one(x, objs, rs.obj.cols)
		if err != nil {
			return err
		}
		x.slots[rs.slot].one = one
		if !rs.obj.nested {
			return nil // plain fields only: nothing to fetch for the children
		}
		children := make([]any, 0, len(one))
		seen := make(map[any]bool, len(one))
		for _, c := range one {
			if c != nil && !seen[c] {
				seen[c] = true
				children = append(children, c)
			}
		}
		return rs.obj.fetch(x, children)
	}
	// The pages (and what is below their rows), the counts and the sums are fetched at once.
	st := &x.slots[rs.slot]
	tasks := []func() error{func() error {
		var err error
		if st.conns, err = rs.rel.pages(x, objs, rs.args, rs.conn.rows, rs.conn.cols); err != nil {
			return err
		}
		return rs.conn.fetch(x, objects(st.conns))
	}}
	var totals []func() error
	if rs.conn.count {
		totals = append(totals, func() error {
			var err error
			st.counts, err = rs.rel.counts(x, objs, rs.args)
			return err
		})
	}
	if rs.conn.amount {
		totals = append(totals, func() error {
			var err error
			st.sums, err = rs.rel.sums(x, objs, rs.args)
			return err
		})
	}
	// With groups beside them, the totals are the sums of the groups (groupTotals), when every
	// group is there: no statement of their own.
	from := rs.conn.totalsFrom()
	if from == nil {
		tasks = append(tasks, totals...)
	}
	for _, g := range rs.conn.groups {
		if g == nil {
			continue
		}
		tasks = append(tasks, func() error {
			var t *groupTotals
			if g == from {
				t = &groupTotals{}
			}
			got, err := rs.rel.groups(x, objs, rs.args, g.args, t)
			if err != nil {
				return err
			}
			x.slots[g.slot].groups = got
			switch {
			case t == nil:
			case t.complete:
				st.counts, st.sums = t.counts, t.sums
			default:
				if err := db.Together(x.ctx, len(totals), func(i int) error { return totals[i]() }); err != nil {
					return err
				}
			}
			var all []any
			for _, p := range objs {
				all = append(all, got[p]...)
			}
			return g.obj.fetch(x, all)
		})
	}
	return db.Together(x.ctx, len(tasks), func(i int) error { return tasks[i]() })
}

func (c *connSel) fetch(x *fx, rows []any) error {
	for i := range c.fields {
		if s := c.nodes[i]; s != nil {
			if err := s.fetch(x, rows); err != nil {
				return err
			}
		}
		if e := c.edges[i]; e != nil {
			for _, s := range e.node {
				if s != nil {
					if err := s.fetch(x, rows); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// --- write ---------------------------------------------------------------------------------------

var (
	jsonNull  = []byte("null")
	jsonTrue  = []byte("true")
	jsonFalse = []byte("false")
)

func (s *objSel) write(x *fx, obj any) {
	if obj == nil {
		x.buf.Write(jsonNull)
		return
	}
	x.object(s.keys, s.fields, func(i int, f graphql.CollectedField) {
		switch rs := s.rels[i]; {
		case rs == nil:
			s.leaves[i](x.buf, obj)
		case rs.direct != nil:
			c, _ := rs.direct(obj) // fetch checked it
			rs.obj.write(x, c)
		case rs.obj != nil:
			rs.obj.write(x, x.slots[rs.slot].one[obj])
		default:
			st := &x.slots[rs.slot]
			rs.conn.write(x, obj, st.conns[obj], st.counts[obj], st.sums[obj])
		}
	})
}

// write writes a connection: a root one (parent nil) or the one under parent.
func (c *connSel) write(x *fx, parent any, cn connection, total int, amount int64) {
	x.object(c.keys, c.fields, func(i int, f graphql.CollectedField) {
		switch f.Name {
		case "__typename":
			str(x.buf, c.typeName)
		case "totalCount":
			integer(x.buf, total)
		case "totalAmount":
			money(x.buf, amount)
		case "groups":
			g := c.groups[i]
			rows := x.slots[g.slot].rows
			if parent != nil {
				rows = x.slots[g.slot].groups[parent]
			}
			x.list(len(rows), func(j int) { g.obj.write(x, rows[j]) })
		case "nodes":
			s := c.nodes[i]
			x.list(cn.size(), func(j int) { s.write(x, cn.node(j)) })
		case "pageInfo":
			writePageInfo(x, c.pageInfoKeys[i], c.pageInfo[i], cn.info())
		case "edges":
			e := c.edges[i]
			x.list(cn.size(), func(j int) { e.write(x, cn, j, cn.node(j)) })
		}
	})
}

func (e *edgeSel) write(x *fx, cn connection, row int, node any) {
	x.object(e.keys, e.fields, func(i int, f graphql.CollectedField) {
		switch f.Name {
		case "__typename":
			str(x.buf, e.typeName)
		case "cursor":
			str(x.buf, cn.cursor(row))
		case "node":
			e.node[i].write(x, node)
		}
	})
}

func writePageInfo(x *fx, keys []string, fields []graphql.CollectedField, p *model.PageInfo) {
	x.object(keys, fields, func(i int, f graphql.CollectedField) {
		switch f.Name {
		case "__typename":
			str(x.buf, "PageInfo")
		case "hasNextPage":
			writeBool(x.buf, p.HasNextPage)
		case "hasPreviousPage":
			writeBool(x.buf, p.HasPreviousPage)
		case "startCursor":
			writeOptString(x.buf, p.StartCursor)
		case "endCursor":
			writeOptString(x.buf, p.EndCursor)
		default:
			panic(fmt.Sprintf("PageInfo has no field %s", f.Name)) // validation rules it out
		}
	})
}

func writeBool(w *bytes.Buffer, b bool) {
	if b {
		w.Write(jsonTrue)
	} else {
		w.Write(jsonFalse)
	}
}

func writeOptString(w *bytes.Buffer, s *string) {
	if s == nil {
		w.Write(jsonNull)
		return
	}
	str(w, *s)
}
