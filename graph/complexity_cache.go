package graph

import (
	"context"
	"encoding/json"

	gqlcomplexity "github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// complexityLimit is gqlgen's extension.FixedComplexityLimit with a cache: the complexity of an
// operation depends only on its document, its name and its variables (the cost functions in
// complexity() read page sizes, never the caller or the data), and computing it walked the whole
// selection and parsed every argument again on every request, a twentieth of the server's CPU on
// a small query. It remembers the complexity of the last complexityCacheSize operations, keyed by
// the exact query text, operation name and variables, and checks every request against the limit
// as before, with the same error and the same ComplexityLimit stats.
type complexityLimit struct {
	limit int
	es    graphql.ExecutableSchema
	cache *lru.Cache[opKey, int]
}

const (
	complexityCacheSize = 1000
	// opKeyMaxLen bounds the query text and variables of a remembered operation, and with
	// complexityCacheSize the memory the cache holds (at most 16 MB); longer operations are
	// computed every time.
	opKeyMaxLen = 16 << 10
)

// opKey names an operation and its variables exactly.
type opKey struct {
	query, operation, variables string
}

// opKeyOf returns the key of oc's operation, or false when it is too long to remember or its
// variables cannot be encoded.
func opKeyOf(oc *graphql.OperationContext) (opKey, bool) {
	k := opKey{query: oc.RawQuery, operation: oc.OperationName}
	if len(oc.Variables) > 0 {
		// encoding/json writes map keys sorted, so equal variables give equal keys.
		b, err := json.Marshal(oc.Variables)
		if err != nil {
			return k, false
		}
		k.variables = string(b)
	}
	if len(k.query)+len(k.operation)+len(k.variables) > opKeyMaxLen || k.query == "" {
		return k, false
	}
	return k, true
}

func newComplexityLimit(limit int) *complexityLimit {
	c, err := lru.New[opKey, int](complexityCacheSize)
	if err != nil {
		panic(err)
	}
	return &complexityLimit{limit: limit, cache: c}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &complexityLimit{}

// ExtensionName is gqlgen's, so that extension.GetComplexityStats still finds the stats.
func (c *complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	key, ok := opKeyOf(oc)
	n, hit := 0, false
	if ok {
		n, hit = c.cache.Get(key)
	}
	if !hit {
		n = gqlcomplexity.Calculate(ctx, c.es, oc.Doc.Operations.ForName(oc.OperationName), oc.Variables)
		if ok {
			c.cache.Add(key, n)
		}
	}
	oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: n, ComplexityLimit: c.limit})
	if n > c.limit {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", n, c.limit)
		errcode.Set(err, CodeComplexityLimit)
		return err
	}
	return nil
}
