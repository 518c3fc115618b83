package guard_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"

	"prakerja/graph/guard"
)

func sha(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// gqlRequest is one GraphQL-over-HTTP request; an empty Query or Hash is left out.
type gqlRequest struct {
	Query string
	Hash  string
}

func (g gqlRequest) extensions() map[string]any {
	if g.Hash == "" {
		return nil
	}
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": g.Hash}}
}

// mustPost sends g as a JSON POST, as Apollo's persisted-query link does.
func mustPost(tb testing.TB, url string, g gqlRequest) *http.Request {
	tb.Helper()
	body := map[string]any{}
	if g.Query != "" {
		body["query"] = g.Query
	}
	if ext := g.extensions(); ext != nil {
		body["extensions"] = ext
	}
	b, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(string(b)))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

// mustGet sends g as a GET with query and extensions in the URL, as a CDN-cacheable client does.
func mustGet(tb testing.TB, base string, g gqlRequest) *http.Request {
	tb.Helper()
	params := url.Values{}
	if g.Query != "" {
		params.Set("query", g.Query)
	}
	if ext := g.extensions(); ext != nil {
		b, err := json.Marshal(ext)
		if err != nil {
			tb.Fatal(err)
		}
		params.Set("extensions", string(b))
	}
	req, err := http.NewRequest(http.MethodGet, base+"?"+params.Encode(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

// TestAutomaticPersistedQuery shows that gqlgen's stock APQ extension, with the lru cache, works
// in front of a real gqlgen server: the protocol Apollo's persisted-query link speaks.
func TestAutomaticPersistedQuery(t *testing.T) {
	srv, executed := MustGraphQLServer(t)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	ts := httptest.NewServer(srv)
	defer ts.Close()

	const query = "{ name }"
	// One sequence against one cache: each step depends on the steps before it.
	steps := []struct {
		name     string
		req      gqlRequest
		wantCode string // "" means the query ran
	}{
		{"ErrNotFound/HashOnly", gqlRequest{Hash: sha(query)}, "PERSISTED_QUERY_NOT_FOUND"},
		{"OK/QueryAndHash", gqlRequest{Query: query, Hash: sha(query)}, ""},
		{"OK/HashOnly", gqlRequest{Hash: sha(query)}, ""},
		{"ErrNotFound/OtherHash", gqlRequest{Hash: sha("{ other }")}, "PERSISTED_QUERY_NOT_FOUND"},
	}
	for _, st := range steps {
		label := "POST " + st.name
		before := executed.Load()
		status, _, got := MustDo(t, ts.Client(), mustPost(t, ts.URL, st.req))
		if st.wantCode == "" {
			checkData(t, label, status, got)
			continue
		}
		if status != http.StatusOK {
			t.Errorf("%s = %d, want %d", label, status, http.StatusOK)
		}
		if len(got.Errors) != 1 || got.Errors[0].Message != "PersistedQueryNotFound" || got.code() != st.wantCode {
			t.Errorf("%s: errors = %+v, want PersistedQueryNotFound with code %s", label, got.Errors, st.wantCode)
		}
		if n := executed.Load() - before; n != 0 {
			t.Errorf("%s ran %d operations, want 0", label, n)
		}
	}
}

// MustAllowListFile writes entries as an allow-list file in a temporary directory and returns its
// path.
func MustAllowListFile(tb testing.TB, entries map[string]string) string {
	tb.Helper()
	b, err := json.Marshal(entries)
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "persisted-queries.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoadAllowList(t *testing.T) {
	const query = "query Name { name }"
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		wantErr string // "" means no error; otherwise a substring of it
	}{
		{"OK", func(t *testing.T) string {
			return MustAllowListFile(t, map[string]string{sha(query): query})
		}, ""},
		{"OK/UppercaseHash", func(t *testing.T) string {
			return MustAllowListFile(t, map[string]string{strings.ToUpper(sha(query)): query})
		}, ""},
		{"ErrMismatch", func(t *testing.T) string {
			return MustAllowListFile(t, map[string]string{
				sha(query): query,
				"deadbeef": "{ name }",
			})
		}, `entry "deadbeef": its query's sha256 is ` + sha("{ name }")},
		{"ErrQueryEdited", func(t *testing.T) string {
			return MustAllowListFile(t, map[string]string{sha(query): query + " "})
		}, `entry "` + sha(query) + `"`},
		{"ErrEmpty", func(t *testing.T) string {
			return MustAllowListFile(t, map[string]string{})
		}, "no entries"},
		{"ErrNotJSON", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "persisted-queries.json")
			if err := os.WriteFile(path, []byte("[1, 2"), 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}, "persisted-queries.json"},
		{"ErrNotFound", func(t *testing.T) string {
			return filepath.Join(t.TempDir(), "missing.json")
		}, "missing.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			list, err := guard.LoadAllowList(path)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("LoadAllowList(%s) = %v, want no error", tt.name, err)
			case tt.wantErr == "" && list == nil:
				t.Errorf("LoadAllowList(%s) = nil, want an allow list", tt.name)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("LoadAllowList(%s) = %v, want an error containing %q", tt.name, err, tt.wantErr)
			}
		})
	}
}

func TestAllowList(t *testing.T) {
	const (
		allowed      = "query Name { name }"
		notAllowed   = "{ name }" // valid against the schema, but not listed
		introspected = "{ __schema { queryType { name } } }"
	)
	list, err := guard.LoadAllowList(MustAllowListFile(t, map[string]string{sha(allowed): allowed}))
	if err != nil {
		t.Fatal(err)
	}
	srv, executed := MustGraphQLServer(t)
	srv.Use(list)
	ts := httptest.NewServer(srv)
	defer ts.Close()

	tests := []struct {
		name string
		get  bool
		req  gqlRequest
		ok   bool // the query ran; otherwise it was refused with PERSISTED_QUERY_NOT_ALLOWED
	}{
		{"OK/HashOnly", false, gqlRequest{Hash: sha(allowed)}, true},
		{"OK/HashOnlyUppercase", false, gqlRequest{Hash: strings.ToUpper(sha(allowed))}, true},
		{"OK/HashOnlyGet", true, gqlRequest{Hash: sha(allowed)}, true},
		{"OK/QueryAndHash", false, gqlRequest{Query: allowed, Hash: sha(allowed)}, true},
		{"OK/QueryText", false, gqlRequest{Query: allowed}, true},
		{"OK/QueryTextGet", true, gqlRequest{Query: allowed}, true},
		{"ErrNotAllowed/QueryText", false, gqlRequest{Query: notAllowed}, false},
		{"ErrNotAllowed/QueryTextGet", true, gqlRequest{Query: notAllowed}, false},
		{"ErrNotAllowed/Introspection", false, gqlRequest{Query: introspected}, false},
		{"ErrNotAllowed/UnknownHash", false, gqlRequest{Hash: sha(notAllowed)}, false},
		{"ErrNotAllowed/QueryAndItsUnlistedHash", false, gqlRequest{Query: notAllowed, Hash: sha(notAllowed)}, false},
		{"ErrNotAllowed/QueryWithListedHash", false, gqlRequest{Query: notAllowed, Hash: sha(allowed)}, false},
		{"ErrNotAllowed/Nothing", false, gqlRequest{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := mustPost(t, ts.URL, tt.req)
			if tt.get {
				req = mustGet(t, ts.URL, tt.req)
			}
			label := req.Method + " " + tt.name
			before := executed.Load()
			status, _, got := MustDo(t, ts.Client(), req)
			if tt.ok {
				checkData(t, label, status, got)
				return
			}
			if got.code() != guard.CodePersistedQueryNotAllowed || (len(got.Data) != 0 && string(got.Data) != "null") {
				t.Errorf("%s: data = %s, errors = %+v, want no data and code %s", label, got.Data, got.Errors, guard.CodePersistedQueryNotAllowed)
			}
			if n := executed.Load() - before; n != 0 {
				t.Errorf("%s ran %d operations, want 0", label, n)
			}
		})
	}
}

func TestAllowListZeroValuePanics(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	defer func() {
		if recover() == nil {
			t.Errorf("Use(&guard.AllowList{}) did not panic, want gqlgen to refuse an unloaded list")
		}
	}()
	srv.Use(&guard.AllowList{})
}
