package loader

import (
	"context"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// Look-ahead batching. A loader collects keys for a time window and runs one batch; under load the
// resolvers of a list do not all arrive within the window, the batch splits, and every level of
// a nested query waits for its window. But the keys are known as soon as the list is: the objects
// a list resolved at a position of the query (its response path without list indices, such as
// participants.nodes) are the parents of every field below that position. So each list registers
// its objects at its position (Register, and Related for the lists and objects it loads), and the
// first resolver of a field under that position fetches the field for all of them in one batch,
// primes the loader, and registers the results at the field's own position. The other resolvers
// of the field find their values in the loader's cache. A level costs one statement and no wait,
// whatever the load. Root lookups by id fetch at once and register their object (Root). Objects
// that nothing registered (node and nodes lookups, a mutation's payload) use the loader's window as
// before. (gqlgen's batch resolvers group the siblings of one list only, such as the courses of one
// participant's enrollments, not a whole level across lists.)
//
// For one parent type, a position names one field with one set of arguments: GraphQL validation
// refuses two fields with the same response name and different arguments at one place. Objects of
// different types can share a position (a list of nodes), so batches and memos are kept per
// position and parent type.

// lookahead is the registry of one operation: the objects at each position, and the batches run.
type lookahead struct {
	mu      sync.Mutex
	objects map[string][]any
	batches map[string]*sync.Once
	memo    map[string]any
}

// at returns the objects registered at position.
func (a *lookahead) at(position string) []any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.objects[position]
}

// add registers objects at position.
func (a *lookahead) add(position string, objs []any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.objects == nil {
		a.objects = map[string][]any{}
	}
	a.objects[position] = append(a.objects[position], objs...)
}

// once runs f the first time position is asked for; concurrent callers wait until it has run.
func (a *lookahead) once(position string, f func()) {
	a.mu.Lock()
	if a.batches == nil {
		a.batches = map[string]*sync.Once{}
	}
	o, ok := a.batches[position]
	if !ok {
		o = new(sync.Once)
		a.batches[position] = o
	}
	a.mu.Unlock()
	o.Do(f)
}

// position returns the path of fc without list indices, aliases as the response names them.
func position(fc *graphql.FieldContext) string {
	var names []string
	for it := fc; it != nil; it = it.Parent {
		if it.Index == nil && it.Field.Field != nil {
			names = append(names, it.Field.Alias)
		}
	}
	var b strings.Builder
	for i := len(names) - 1; i >= 0; i-- {
		b.WriteString(names[i])
		if i > 0 {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// Register records the rows of the connection or list field being resolved in ctx at its
// position, so that the fields below it batch over all of them. A connection's rows are the
// objects of its nodes and of its edges' node.
func Register[T any](ctx context.Context, rows []*T, connection bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(rows) == 0 {
		return
	}
	l, ok := from(ctx)
	if !ok {
		return
	}
	objs := make([]any, len(rows))
	for i, r := range rows {
		objs[i] = r
	}
	register(&l.ahead, position(fc), objs, connection)
}

// RegisterUnder records objects found under the field being resolved in ctx, at the position of
// its subfield sub: for example the keys of a list of groups, under "key".
func RegisterUnder[T any](ctx context.Context, sub string, objs []*T) {
	fc := graphql.GetFieldContext(ctx)
	l, ok := from(ctx)
	if fc == nil || !ok || len(objs) == 0 {
		return
	}
	register(&l.ahead, position(fc)+"."+sub, Each(objs), false)
}

func register(a *lookahead, here string, objs []any, connection bool) {
	if connection {
		a.add(here+".nodes", objs)
		a.add(here+".edges.node", objs)
		return
	}
	a.add(here, objs)
}

// Related loads key, the value of the field being resolved in ctx for its parent object. When the
// parent is one of the objects registered at the parent's position, the first call fetches the
// field for all of them in one batch (keyOf gives each parent's key, false for none) and registers
// what expand returns of each value at this field's position (as a connection's rows when
// connection is set); the value then comes from the loader's cache. Keys the batch did not return
// are primed with the zero value, which Required, Optional and List read as absent.
func Related[P any, K comparable, V any](ctx context.Context, l *Loader[K, V], key K, keyOf func(*P) (K, bool), expand func(V) []any, connection bool) (V, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Parent != nil {
		if ls, ok := from(ctx); ok {
			a := &ls.ahead
			parent := position(fc.Parent)
			here := parent + "." + fc.Field.Alias
			// Objects of different types can share a position (in a list of nodes), each type's
			// field with its own arguments: a batch is per position and parent type.
			a.once(here+"@"+fc.Object, func() { prefetch(ctx, a, l, a.at(parent), here, keyOf, expand, connection) })
		}
	}
	return l.Load(ctx, key)
}

func prefetch[P any, K comparable, V any](ctx context.Context, a *lookahead, l *Loader[K, V], parents []any, here string, keyOf func(*P) (K, bool), expand func(V) []any, connection bool) {
	if len(parents) == 0 {
		return
	}
	keys := make([]K, 0, len(parents))
	seen := make(map[K]struct{}, len(parents))
	for _, o := range parents {
		p, ok := o.(*P)
		if !ok {
			continue
		}
		k, ok := keyOf(p)
		if !ok {
			continue
		}
		if _, dup := seen[k]; !dup {
			seen[k] = struct{}{}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	got, err := l.fetch(ctx, keys)
	if err != nil && len(got) == 0 {
		return // the resolvers load through the loader and report the error themselves
	}
	var children []any
	for _, k := range keys {
		v, ok := got[k]
		if !ok && err != nil {
			continue // this key failed; its resolver will load it again and see why
		}
		l.Prime(k, v)
		if ok && expand != nil {
			children = append(children, expand(v)...)
		}
	}
	if len(children) > 0 {
		register(a, here, children, connection)
	}
}

// One returns a to-one value as the objects it registers.
func One[V any](v *V) []any {
	if v == nil {
		return nil
	}
	return []any{v}
}

// Each returns a list's elements as the objects it registers.
func Each[V any](vs []*V) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// RequiredFor resolves a to-one relation of obj that must exist (a foreign key), batched over
// obj's list (see Related): keyOf gives a parent's key.
func RequiredFor[P any, V any](ctx context.Context, l *Loader[int64, *V], obj *P, keyOf func(*P) int64) (*V, error) {
	v, err := Related(ctx, l, keyOf(obj), func(p *P) (int64, bool) { return keyOf(p), true }, One[V], false)
	return required(v, err)
}

// OptionalFor resolves a to-one relation of obj that may be absent, batched over obj's list:
// keyOf gives a parent's key, false when it has none.
func OptionalFor[P any, V any](ctx context.Context, l *Loader[int64, *V], obj *P, keyOf func(*P) (int64, bool)) (*V, error) {
	key, ok := keyOf(obj)
	if !ok {
		return nil, nil
	}
	return optional(Related(ctx, l, key, keyOf, One[V], false))
}

// ListFor resolves a to-many relation of obj (a plain list), batched over obj's list.
func ListFor[P any, V any](ctx context.Context, l *Loader[int64, []*V], obj *P, keyOf func(*P) int64) ([]*V, error) {
	v, err := Related(ctx, l, keyOf(obj), func(p *P) (int64, bool) { return keyOf(p), true }, Each[V], false)
	return list(v, err)
}

// Some is the key of a nullable reference: false when it is null.
func Some(id *int64) (int64, bool) {
	if id == nil {
		return 0, false
	}
	return *id, true
}

// PerPosition returns what f computes for the field being resolved in ctx, computed once per
// position, parent type and name in the operation: for what is the same for every object of a list, such as a
// nested connection's arguments and selection.
func PerPosition[T any](ctx context.Context, name string, f func() T) T {
	fc := graphql.GetFieldContext(ctx)
	ls, ok := from(ctx)
	if fc == nil || !ok {
		return f()
	}
	a := &ls.ahead
	key := position(fc) + "@" + fc.Object + "#" + name // per parent type, as in Related
	a.mu.Lock()
	v, found := a.memo[key]
	a.mu.Unlock()
	if found {
		return v.(T)
	}
	out := f()
	a.mu.Lock()
	if a.memo == nil {
		a.memo = map[string]any{}
	}
	a.memo[key] = out
	a.mu.Unlock()
	return out
}

// Root loads key for a root field without a batch window: a root lookup has no siblings to wait
// for. It primes the loader and registers the value at the field's position, so that the
// relations below it are fetched at once too. A missing or hidden row is nil.
func Root[V any](ctx context.Context, l *Loader[int64, *V], key int64) (*V, error) {
	got, err := l.fetch(ctx, []int64{key})
	if err != nil {
		return nil, err
	}
	v := got[key]
	l.Prime(key, v)
	if v != nil {
		Register(ctx, []*V{v}, false)
	}
	return v, nil
}
