package playground

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	testEndpoint = "/graphql"
	// testQuery tries to break out of the <script> element and the JSON
	// string it is embedded in.
	testQuery = "query Q { a(s: \"</script><script>alert('x')</script>\") } # \"double\" 'single' & <!-- -->"
)

// do runs one request against h and returns the recorded response.
func do(h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var configRe = regexp.MustCompile(`(?s)<script id="playground-config" type="application/json">(.*?)</script>`)

// checkPlaygroundPage checks the page served when the assets are available.
func checkPlaygroundPage(t *testing.T, page, endpoint, query string) {
	t.Helper()
	m := configRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("GET / page has no playground-config script:\n%s", page)
	}
	var cfg pageConfig
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("GET / playground-config is not valid JSON (%v): %s", err, m[1])
	}
	if cfg.Endpoint != endpoint {
		t.Errorf("GET / config endpoint = %q, want %q", cfg.Endpoint, endpoint)
	}
	if cfg.DefaultQuery != query {
		t.Errorf("GET / config defaultQuery = %q, want %q", cfg.DefaultQuery, query)
	}
	// Inside <script> only "<" (as in "</script" or "<!--") can end or
	// confuse the element; quotes are harmless in a JSON string.
	if strings.ContainsAny(m[1], "<>") {
		t.Errorf("GET / config contains unescaped < or >: %s", m[1])
	}
	if opens, closes := strings.Count(page, "<script"), strings.Count(page, "</script>"); opens != closes {
		t.Errorf("GET / page has %d <script openings and %d </script> closings; the default query broke out of its script", opens, closes)
	}
	for _, want := range []string{"<title>" + Title + "</title>", "GraphiQL.createFetcher", "isHeadersEditorEnabled: true", "ReactDOM.createRoot"} {
		if !strings.Contains(page, want) {
			t.Errorf("GET / page does not contain %q", want)
		}
	}
}

// checkMissingPage checks the help page served when the assets are not built.
func checkMissingPage(t *testing.T, page, endpoint string) {
	t.Helper()
	for _, want := range []string{"make assets", "npm ci &amp;&amp; npm run build", "graph/playground/web", html.EscapeString(endpoint), Title} {
		if !strings.Contains(page, want) {
			t.Errorf("GET / help page does not contain %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, AssetsPath) || strings.Contains(page, "<script") {
		t.Errorf("GET / help page references assets or scripts:\n%s", page)
	}
}

var assetRefRe = regexp.MustCompile(`(?:src|href)="([^"]*playground/assets/[^"]*)"`)

// assetRefs returns the absolute paths (with query) of the assets the page
// references, resolved against "/" as a browser would.
func assetRefs(t *testing.T, page string) []string {
	t.Helper()
	base, _ := url.Parse("http://example.test/")
	var refs []string
	for _, m := range assetRefRe.FindAllStringSubmatch(page, -1) {
		u, err := base.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatalf("bad asset URL %q: %v", m[1], err)
		}
		refs = append(refs, u.RequestURI())
	}
	return refs
}

// checkAssets requests every asset the page references and checks the
// status, content type and caching headers, conditional and gzip requests.
func checkAssets(t *testing.T, h http.Handler, page string) {
	t.Helper()
	refs := assetRefs(t, page)
	if len(refs) != len(pageAssets) {
		t.Errorf("GET / page references %d assets %v, want %d", len(refs), refs, len(pageAssets))
	}
	wantType := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, ref := range refs {
		u, _ := url.Parse(ref)
		if !strings.HasPrefix(u.Path, AssetsPath) {
			t.Errorf("asset %s is not under %s", ref, AssetsPath)
		}
		rec := do(h, http.MethodGet, ref, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want %d", ref, rec.Code, http.StatusOK)
			continue
		}
		if got, want := rec.Header().Get("Content-Type"), wantType[path.Ext(u.Path)]; got != want {
			t.Errorf("GET %s Content-Type = %q, want %q", ref, got, want)
		}
		if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") {
			t.Errorf("GET %s Cache-Control = %q, want a long max-age", ref, got)
		}
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding has Content-Encoding %q", ref, rec.Header().Get("Content-Encoding"))
		}
		if rec.Body.Len() == 0 {
			t.Errorf("GET %s has an empty body", ref)
		}
		plain := rec.Body.Bytes()

		etag := rec.Header().Get("ETag")
		if etag == "" {
			t.Errorf("GET %s has no ETag", ref)
		} else if rec := do(h, http.MethodGet, ref, http.Header{"If-None-Match": {etag}}); rec.Code != http.StatusNotModified {
			t.Errorf("GET %s (If-None-Match) = %d, want %d", ref, rec.Code, http.StatusNotModified)
		}

		// Without the right ?v= the asset is still served, but not cached for long.
		if rec := do(h, http.MethodGet, u.Path, nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want %d", u.Path, rec.Code, http.StatusOK)
		} else if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s Cache-Control = %q, want %q", u.Path, got, "no-cache")
		}

		gz := do(h, http.MethodGet, ref, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
		if gz.Code != http.StatusOK {
			t.Errorf("GET %s (gzip) = %d, want %d", ref, gz.Code, http.StatusOK)
			continue
		}
		if gz.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(gz.Body)
			if err != nil {
				t.Errorf("GET %s (gzip): %v", ref, err)
				continue
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil {
				t.Errorf("GET %s (gzip): %v", ref, err)
			} else if !bytes.Equal(unzipped, plain) {
				t.Errorf("GET %s (gzip) decompresses to %d bytes that differ from the %d plain bytes", ref, len(unzipped), len(plain))
			}
		} else if !bytes.Equal(gz.Body.Bytes(), plain) {
			t.Errorf("GET %s (gzip, not compressed) body differs from the plain one", ref)
		}
	}
}

// TestEmbeddedHandler tests Handler with whatever was embedded at build time:
// the real playground after `make assets`, the help page otherwise.
func TestEmbeddedHandler(t *testing.T) {
	h := Handler(testEndpoint, testQuery)
	if Available() != available(distFS()) {
		t.Fatalf("Available() = %v, want %v", Available(), available(distFS()))
	}
	t.Logf("Available() = %v", Available())

	rec := do(h, http.MethodGet, "/", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET / = %d, want %d", rec.Code, http.StatusOK)
	}
	if got, want := rec.Header().Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Errorf("GET / Content-Type = %q, want %q", got, want)
	}
	page := rec.Body.String()
	if !strings.Contains(page, testEndpoint) {
		t.Errorf("GET / page does not contain the endpoint %q", testEndpoint)
	}
	if Available() {
		checkPlaygroundPage(t, page, testEndpoint, testQuery)
		checkAssets(t, h, page)
		if rec := do(h, http.MethodGet, AssetsPath+"THIRD_PARTY_LICENSES.txt", nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want %d", AssetsPath+"THIRD_PARTY_LICENSES.txt", rec.Code, http.StatusOK)
		}
	} else {
		checkMissingPage(t, page, testEndpoint)
		target := AssetsPath + "graphiql.min.js"
		if rec := do(h, http.MethodGet, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want %d", target, rec.Code, http.StatusNotFound)
		}
	}
}

// fakeAssets is a dist folder with every asset the page needs.
func fakeAssets() fstest.MapFS {
	fsys := fstest.MapFS{".gitkeep": {}}
	for _, a := range pageAssets {
		fsys[a.name] = &fstest.MapFile{Data: []byte("/* " + a.name + " */\n")}
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(fsys["graphiql.min.js"].Data)
	zw.Close()
	fsys["graphiql.min.js.gz"] = &fstest.MapFile{Data: buf.Bytes()}
	return fsys
}

// TestHandlerModes tests both modes (assets present and missing) whatever
// was embedded, using in-memory dist folders.
func TestHandlerModes(t *testing.T) {
	partial := fakeAssets()
	delete(partial, "graphiql.min.js")
	const endpoint = "/graphql?tenant=a&b=<c>"
	tests := []struct {
		name      string
		fsys      fs.FS
		available bool
	}{
		{"built", fakeAssets(), true},
		{"only gitkeep", fstest.MapFS{".gitkeep": {}}, false},
		{"empty", fstest.MapFS{}, false},
		{"partial", partial, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := available(tt.fsys); got != tt.available {
				t.Fatalf("available() = %v, want %v", got, tt.available)
			}
			h := newHandler(tt.fsys, endpoint, testQuery)
			rec := do(h, http.MethodGet, "/", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET / = %d, want %d", rec.Code, http.StatusOK)
			}
			if tt.available {
				checkPlaygroundPage(t, rec.Body.String(), endpoint, testQuery)
				checkAssets(t, h, rec.Body.String())
			} else {
				checkMissingPage(t, rec.Body.String(), endpoint)
			}
		})
	}
}

func TestStatusCodes(t *testing.T) {
	handlers := map[string]http.Handler{
		"embedded": Handler(testEndpoint, testQuery),
		"built":    newHandler(fakeAssets(), testEndpoint, testQuery),
		"missing":  newHandler(fstest.MapFS{".gitkeep": {}}, testEndpoint, testQuery),
	}
	tests := []struct {
		method, target string
		want           int
	}{
		{http.MethodGet, "/", http.StatusOK},
		{http.MethodHead, "/", http.StatusOK},
		{http.MethodGet, "/?foo=bar", http.StatusOK},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodGet, "/index.html", http.StatusNotFound},
		{http.MethodGet, "/graphql", http.StatusNotFound},
		{http.MethodGet, "/favicon.ico", http.StatusNotFound},
		{http.MethodGet, "/playground", http.StatusNotFound},
		{http.MethodGet, "/playground/", http.StatusNotFound},
		{http.MethodGet, "/playground/assets", http.StatusNotFound},
		{http.MethodGet, AssetsPath, http.StatusNotFound},
		{http.MethodGet, AssetsPath + "nope.js", http.StatusNotFound},
		{http.MethodGet, AssetsPath + ".gitkeep", http.StatusNotFound},
		{http.MethodGet, AssetsPath + "graphiql.min.js.gz", http.StatusNotFound},
		{http.MethodGet, AssetsPath + "../playground.go", http.StatusNotFound},
		{http.MethodGet, AssetsPath + "sub/graphiql.min.js", http.StatusNotFound},
		{http.MethodGet, "/dist/graphiql.min.js", http.StatusNotFound},
		{http.MethodGet, "/graphiql.min.js", http.StatusNotFound},
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			for _, tt := range tests {
				if rec := do(h, tt.method, tt.target, nil); rec.Code != tt.want {
					t.Errorf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.want)
				}
			}
		})
	}

	// Asset methods, on a handler that has assets.
	h := handlers["built"]
	target := AssetsPath + "graphiql.min.js"
	for _, tt := range []struct {
		method string
		want   int
	}{
		{http.MethodGet, http.StatusOK},
		{http.MethodHead, http.StatusOK},
		{http.MethodPost, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	} {
		if rec := do(h, tt.method, target, nil); rec.Code != tt.want {
			t.Errorf("%s %s = %d, want %d", tt.method, target, rec.Code, tt.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=1.0, *;q=0.5", true},
		{"br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
		{"x-gzip", true},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.header != "" {
			req.Header.Set("Accept-Encoding", tt.header)
		}
		if got := acceptsGzip(req); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestAssetsNotCopied checks that the handler keeps no copy of the assets on the heap: it serves
// them from the file system, so megabytes of JavaScript do not raise every garbage collection's
// heap target for as long as the server runs.
func TestAssetsNotCopied(t *testing.T) {
	const size = 1 << 20
	fsys := fstest.MapFS{}
	for i, a := range pageAssets {
		data := bytes.Repeat([]byte{byte('a' + i)}, size)
		fsys[a.name] = &fstest.MapFile{Data: data}
		fsys[a.name+".gz"] = &fstest.MapFile{Data: data}
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	h := newHandler(fsys, testEndpoint, testQuery)
	grown := int64(heap()) - int64(before)
	if limit := int64(size / 4); grown > limit {
		t.Errorf("the handler holds %d bytes of heap for %d MiB of assets, want under %d: it copies them", grown, 2*len(pageAssets), limit)
	}
	// And it still serves them, plain and compressed.
	for _, gz := range []bool{false, true} {
		hdr := http.Header{}
		if gz {
			hdr.Set("Accept-Encoding", "gzip")
		}
		rec := do(h, http.MethodGet, AssetsPath+"graphiql.min.js", hdr)
		if rec.Code != http.StatusOK || rec.Body.Len() != size {
			t.Errorf("GET graphiql.min.js (gzip %v) = %d with %d bytes, want 200 with %d", gz, rec.Code, rec.Body.Len(), size)
		}
	}
	runtime.KeepAlive(h)
}
