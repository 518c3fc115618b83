package guard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// AllowList is a gqlgen extension that runs only the queries of a fixed list, each known by the
// lowercase hex SHA-256 of its exact text. Add it with (*handler.Server).Use; it replaces
// extension.AutomaticPersistedQuery, which lets any client register any query.
//
// A request passes when it carries extensions.persistedQuery.sha256Hash naming a listed query
// (the query text may then be left out; it is filled in from the list), or when the SHA-256 of its
// query text names a listed query. Anything else, including a query whose text does not match the
// hash it is sent with, is refused with code PERSISTED_QUERY_NOT_ALLOWED before it is parsed or
// executed. The persistedQuery version field is not checked.
//
// An AllowList is immutable once loaded and safe for concurrent use.
type AllowList struct {
	queries map[string]string // sha256 hex → query text
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*AllowList)(nil)

// LoadAllowList reads the allow-list file at path: a JSON object mapping the hex SHA-256 of each
// query to its text, {"<sha256>": "query { ... }"}. It returns an error if the file cannot be read
// or decoded, holds no entries, or has an entry whose key is not the SHA-256 of its query (the
// error names that entry).
func LoadAllowList(path string) (*AllowList, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load allow list: %w", err)
	}
	var entries map[string]string
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("load allow list %s: %w", path, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("load allow list %s: no entries", path)
	}
	a := &AllowList{queries: make(map[string]string, len(entries))}
	// Sorted, so that a file with several bad entries always reports the same one.
	for _, hash := range slices.Sorted(maps.Keys(entries)) {
		query := entries[hash]
		sum := queryHash(query)
		if strings.ToLower(hash) != sum {
			return nil, fmt.Errorf("load allow list %s: entry %q: its query's sha256 is %s", path, hash, sum)
		}
		a.queries[sum] = query
	}
	return a, nil
}

// ExtensionName implements graphql.HandlerExtension.
func (a *AllowList) ExtensionName() string {
	return "PersistedQueryAllowList"
}

// Validate implements graphql.HandlerExtension. It returns an error for an AllowList that was not
// made by LoadAllowList.
func (a *AllowList) Validate(graphql.ExecutableSchema) error {
	if a == nil || a.queries == nil {
		return errors.New("guard.AllowList: use LoadAllowList to make one")
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator: it fills in the query
// text of an allowed request and refuses every other one with code PERSISTED_QUERY_NOT_ALLOWED.
func (a *AllowList) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	hash := ""
	if ext, ok := params.Extensions["persistedQuery"]; ok {
		m, _ := ext.(map[string]any)
		h, _ := m["sha256Hash"].(string)
		if h == "" {
			return notAllowed("extensions.persistedQuery has no sha256Hash")
		}
		hash = strings.ToLower(h)
	}
	if params.Query != "" {
		sum := queryHash(params.Query)
		if hash != "" && hash != sum {
			return notAllowed("the query does not match extensions.persistedQuery.sha256Hash")
		}
		hash = sum
	}
	if hash == "" {
		return notAllowed("this server runs only persisted queries: send extensions.persistedQuery.sha256Hash")
	}
	query, ok := a.queries[hash]
	if !ok {
		return notAllowed("this server runs only persisted queries, and this query is not one of them")
	}
	params.Query = query
	return nil
}

func notAllowed(message string) *gqlerror.Error {
	err := gqlerror.Errorf("%s", message)
	errcode.Set(err, CodePersistedQueryNotAllowed)
	return err
}

// queryHash is the key of a query in an allow list, as Apollo's persisted-query link computes it.
func queryHash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}
