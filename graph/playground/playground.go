// Package playground serves the GraphiQL web IDE for the Kartu Prakerja
// GraphQL API, with all of its JavaScript and CSS embedded in the binary so it
// works without any CDN or internet access in the browser.
//
// The browser assets (React 18, GraphiQL 3 and the GraphiQL explorer plugin)
// are not committed: they are copied from npm packages into the dist folder at
// build time by `make assets` (npm ci && npm run build in
// graph/playground/web). Without them the package still compiles, and the
// handler serves a short page explaining how to build them.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Title is the title of the playground page.
const Title = "Kartu Prakerja GraphQL API"

// AssetsPath is the URL path prefix under which Handler serves the embedded
// GraphiQL assets, e.g. /playground/assets/graphiql.min.js.
const AssetsPath = "/playground/assets/"

// dist holds the files written by web/copy.mjs. It always contains at least
// the committed placeholder dist/.gitkeep, so the embed compiles without them.
//
//go:embed all:dist
var dist embed.FS

// assetSpec describes one file the page needs. The names must match the
// output names in web/copy.mjs.
type assetSpec struct {
	name   string
	script bool // loaded with <script>; otherwise with <link rel=stylesheet>
}

// pageAssets are the files the page loads, in load order. All of them must be
// present for the playground to be considered available.
var pageAssets = []assetSpec{
	{"graphiql.min.css", false},
	{"graphiql-plugin-explorer.css", false},
	{"react.production.min.js", true},
	{"react-dom.production.min.js", true},
	{"graphiql.min.js", true},
	{"graphiql-plugin-explorer.umd.js", true},
}

// extraAssets are served when present but not referenced by the page.
var extraAssets = []string{"THIRD_PARTY_LICENSES.txt"}

// contentTypes maps the asset file extensions to their Content-Type, so the
// result does not depend on the host's MIME tables.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// Available reports whether the GraphiQL assets were built before compiling,
// i.e. whether Handler serves the real playground rather than the page that
// explains how to build the assets.
func Available() bool {
	return available(distFS())
}

func distFS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a valid path
	}
	return sub
}

func available(fsys fs.FS) bool {
	for _, a := range pageAssets {
		if fi, err := fs.Stat(fsys, a.name); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// Handler returns the HTTP handler of the GraphiQL playground. It is meant to
// be mounted as the server's catch-all "/" route, and answers:
//
//   - GET/HEAD / with the playground page: GraphiQL talking to endpoint (for
//     example "/graphql"; subscriptions, if the server supports them, go to
//     the same URL over WebSocket with the graphql-transport-ws protocol), with
//     defaultQuery in the editor when the browser has no saved session, and
//     the request headers editor enabled. When the assets were not built (see
//     Available) it instead answers 200 with a short page telling to run
//     `make assets` and that endpoint still works.
//   - GET/HEAD /playground/assets/NAME (see AssetsPath) with the embedded
//     JavaScript and CSS files. The page requests them with a ?v=HASH content
//     hash; such responses are cacheable for a year, other ones must be
//     revalidated (they carry an ETag). Gzip is used when the client accepts it.
//
// Other methods on those paths get 405, and every other path gets 404.
//
// The page loads the assets through relative URLs, so the handler also works
// behind http.StripPrefix as long as the page is requested with a trailing
// slash.
func Handler(endpoint string, defaultQuery string) http.Handler {
	return newHandler(distFS(), endpoint, defaultQuery)
}

// HandlerWithHeaders is Handler with the request headers editor pre-filled with defaultHeaders, a
// JSON object such as {"Authorization": "Bearer ..."}.
func HandlerWithHeaders(endpoint, defaultQuery, defaultHeaders string) http.Handler {
	h := newHandler(distFS(), endpoint, defaultQuery, defaultHeaders)
	return h
}

// asset is one file of dist. Its bytes are read from the file system at each request, never held
// on the heap: embed.FS's ReadFile copies, and megabytes of copies that live as long as the
// process would grow every garbage collection's heap target several times over.
type asset struct {
	contentType string
	hash        string // hex content hash, used in URLs and ETags
	name        string
	gzip        string // the pre-compressed file's name, or ""
}

type handler struct {
	fsys   fs.FS
	assets map[string]*asset // nil when the assets are not built
	page   []byte
	etag   string
}

// fileHash returns the hex SHA-256 prefix of a file of fsys, reading it in chunks.
func fileHash(fsys fs.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)[:6]), nil
}

// serveFile answers with a file of fsys, as http.ServeContent does (ranges, conditional requests).
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	f, err := fsys.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(data)
	}
	http.ServeContent(w, r, "", time.Time{}, rs)
}

func newHandler(fsys fs.FS, endpoint, defaultQuery string, defaultHeaders ...string) *handler {
	h := &handler{fsys: fsys}
	var buf bytes.Buffer
	if available(fsys) {
		h.assets = make(map[string]*asset)
		names := make([]string, 0, len(pageAssets)+len(extraAssets))
		for _, a := range pageAssets {
			names = append(names, a.name)
		}
		names = append(names, extraAssets...)
		for _, name := range names {
			hash, err := fileHash(fsys, name)
			if err != nil {
				continue // only extras can be missing: available checked the rest
			}
			a := &asset{contentType: contentTypes[path.Ext(name)], hash: hash, name: name}
			if a.contentType == "" {
				a.contentType = "application/octet-stream"
			}
			if fi, err := fs.Stat(fsys, name+".gz"); err == nil && !fi.IsDir() {
				a.gzip = name + ".gz"
			}
			h.assets[name] = a
		}
		data := pageData{Title: Title, Config: pageConfig{Endpoint: endpoint, DefaultQuery: defaultQuery}}
		if len(defaultHeaders) > 0 {
			data.Config.DefaultHeaders = defaultHeaders[0]
		}
		for _, spec := range pageAssets {
			// Relative URL: resolves to /playground/assets/... from "/".
			u := strings.TrimPrefix(AssetsPath, "/") + spec.name + "?v=" + h.assets[spec.name].hash
			if spec.script {
				data.Scripts = append(data.Scripts, u)
			} else {
				data.Styles = append(data.Styles, u)
			}
		}
		if err := pageTemplate.Execute(&buf, data); err != nil {
			panic("playground: rendering page: " + err.Error())
		}
	} else {
		data := missingData{Title: Title, Endpoint: endpoint}
		if err := missingTemplate.Execute(&buf, data); err != nil {
			panic("playground: rendering page: " + err.Error())
		}
	}
	h.page = buf.Bytes()
	sum := sha256.Sum256(h.page)
	h.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/":
		if !allowMethod(w, r) {
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("Cache-Control", "no-cache")
		hdr.Set("ETag", h.etag)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
	case strings.HasPrefix(p, AssetsPath):
		a := h.assets[strings.TrimPrefix(p, AssetsPath)]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		if !allowMethod(w, r) {
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Type", a.contentType)
		hdr.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Query().Get("v") == a.hash {
			hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			hdr.Set("Cache-Control", "no-cache")
		}
		name, etag := a.name, a.hash
		if a.gzip != "" {
			hdr.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				hdr.Set("Content-Encoding", "gzip")
				name, etag = a.gzip, a.hash+"-gzip"
			}
		}
		hdr.Set("ETag", `"`+etag+`"`)
		serveFile(w, r, h.fsys, name)
	default:
		http.NotFound(w, r)
	}
}

// allowMethod answers 405 to anything but GET and HEAD.
func allowMethod(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

// acceptsGzip reports whether the Accept-Encoding header allows gzip: an
// explicit "gzip" coding wins over "*", and q=0 means "not acceptable".
func acceptsGzip(r *http.Request) bool {
	gzip, star := -1.0, -1.0 // q values; -1 when not mentioned
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			q := 1.0
			if k, val, ok := strings.Cut(params, "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzip = q
			case "*":
				star = q
			}
		}
	}
	if gzip >= 0 {
		return gzip > 0
	}
	return star > 0
}

type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
	// DefaultHeaders pre-fills the headers editor, for example with a development token.
	DefaultHeaders string `json:"defaultHeaders,omitempty"`
}

type pageData struct {
	Title   string
	Config  pageConfig // rendered as JSON; html/template escapes <, > and &
	Styles  []string
	Scripts []string
}

type missingData struct {
	Title    string
	Endpoint string
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
{{- range .Styles}}
<link rel="stylesheet" href="{{.}}">
{{- end}}
<style>
html, body, #graphiql { height: 100%; margin: 0; }
body { overflow: hidden; }
#graphiql > .playground-status { font-family: system-ui, sans-serif; padding: 1rem 1.5rem; }
</style>
</head>
<body>
<div id="graphiql"><p class="playground-status">Loading the GraphQL playground…</p>
<noscript><p class="playground-status">The playground needs JavaScript.</p></noscript></div>
<script id="playground-config" type="application/json">{{.Config}}</script>
{{- range .Scripts}}
<script src="{{.}}"></script>
{{- end}}
<script>
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("playground-config").textContent);
  var url = new URL(config.endpoint, window.location.href);
  var wsURL = new URL(url.href);
  wsURL.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({ url: url.href, subscriptionUrl: wsURL.href });
  var plugins = [];
  if (window.GraphiQLPluginExplorer) {
    plugins.push(GraphiQLPluginExplorer.explorerPlugin());
  }
  var h = React.createElement;
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    h(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      defaultEditorToolsVisibility: config.defaultHeaders ? "headers" : undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      plugins: plugins
    }, h(GraphiQL.Logo, null, document.title))
  );
})();
</script>
</body>
</html>
`))

var missingTemplate = template.Must(template.New("missing").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
</head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;">
<h1>{{.Title}}</h1>
<p>The GraphQL playground assets are not built into this binary.
To get the playground, run <code>make assets</code>
(which runs <code>npm ci &amp;&amp; npm run build</code> in <code>graph/playground/web</code>)
and rebuild the server.</p>
<p>The GraphQL API at <code>{{.Endpoint}}</code> still works.</p>
</body>
</html>
`))
