package guard_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"prakerja/graph/guard"
)

func TestCSRF(t *testing.T) {
	srv, executed := MustGraphQLServer(t)
	// gqlgen can serve form posts too; with this transport a forged form post would run.
	srv.AddTransport(transport.UrlEncodedForm{})
	ts := httptest.NewServer(guard.CSRF(srv))
	defer ts.Close()

	getQuery := "?" + url.Values{"query": {"{ name }"}}.Encode()
	const jsonBody = `{"query":"{ name }"}`
	const formBody = "query=%7B+name+%7D"
	crossSite := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	with := func(h map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for k, v := range h {
			out[k] = v
		}
		return out
	}

	tests := []struct {
		name    string
		method  string
		query   string
		headers map[string]string
		body    string
		want    int // status; 200 means the query ran, 400 a CSRF refusal
	}{
		{"ErrFormPost", http.MethodPost, "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, formBody, http.StatusBadRequest},
		{"ErrTextPlainPost", http.MethodPost, "", map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, jsonBody, http.StatusBadRequest},
		{"ErrTextPlainUppercase", http.MethodPost, "", map[string]string{"Content-Type": "TEXT/PLAIN"}, jsonBody, http.StatusBadRequest},
		{"ErrMultipartPost", http.MethodPost, "", map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "--x--\r\n", http.StatusBadRequest},
		{"ErrNoContentTypePost", http.MethodPost, "", nil, jsonBody, http.StatusBadRequest},
		{"ErrUnparsableContentTypePost", http.MethodPost, "", map[string]string{"Content-Type": "application/json, text/plain"}, jsonBody, http.StatusBadRequest},
		{"ErrCrossSiteFormPost", http.MethodPost, "", with(crossSite, "Content-Type", "application/x-www-form-urlencoded"), formBody, http.StatusBadRequest},
		{"OK/JSONPost", http.MethodPost, "", map[string]string{"Content-Type": "application/json"}, jsonBody, http.StatusOK},
		{"OK/JSONPostCharset", http.MethodPost, "", map[string]string{"Content-Type": "application/json; charset=utf-8"}, jsonBody, http.StatusOK},
		{"OK/CrossSiteJSONPost", http.MethodPost, "", with(crossSite, "Content-Type", "application/json"), jsonBody, http.StatusOK},
		{"OK/FormPostWithXRequestedWith", http.MethodPost, "", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "XMLHttpRequest"}, formBody, http.StatusOK},
		{"OK/FormPostWithAuthorization", http.MethodPost, "", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer t"}, formBody, http.StatusOK},
		{"ErrCrossSiteGet", http.MethodGet, getQuery, crossSite, "", http.StatusBadRequest},
		{"ErrCrossSiteGetNoOrigin", http.MethodGet, getQuery, map[string]string{"Sec-Fetch-Site": "cross-site"}, "", http.StatusBadRequest},
		{"ErrSameSiteGet", http.MethodGet, getQuery, map[string]string{"Sec-Fetch-Site": "same-site"}, "", http.StatusBadRequest},
		{"ErrGetWithOrigin", http.MethodGet, getQuery, map[string]string{"Origin": "null"}, "", http.StatusBadRequest},
		{"OK/CrossSiteGetWithGraphQLRequirePreflight", http.MethodGet, getQuery, with(crossSite, "GraphQL-Require-Preflight", "1"), "", http.StatusOK},
		{"OK/CrossSiteGetWithApolloRequirePreflight", http.MethodGet, getQuery, with(crossSite, "Apollo-Require-Preflight", "true"), "", http.StatusOK},
		{"OK/CrossSiteGetWithXRequestedWith", http.MethodGet, getQuery, with(crossSite, "X-Requested-With", "XMLHttpRequest"), "", http.StatusOK},
		{"OK/CrossSiteGetWithAuthorization", http.MethodGet, getQuery, with(crossSite, "Authorization", "Bearer t"), "", http.StatusOK},
		{"OK/CurlGet", http.MethodGet, getQuery, nil, "", http.StatusOK},
		{"OK/SameOriginGet", http.MethodGet, getQuery, map[string]string{"Sec-Fetch-Site": "same-origin"}, "", http.StatusOK},
		{"OK/TypedURLGet", http.MethodGet, getQuery, map[string]string{"Sec-Fetch-Site": "none"}, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ts.URL+tt.query, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.body == "" {
				req.Body = http.NoBody
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			label := tt.method + " " + tt.name
			before := executed.Load()
			status, header, got := MustDo(t, ts.Client(), req)
			if tt.want == http.StatusOK {
				checkData(t, label, status, got)
				return
			}
			checkRefusal(t, label, status, header, got, tt.want, guard.CodeCSRFRefused)
			if !strings.Contains(got.Errors[0].Message, "GraphQL-Require-Preflight") {
				t.Errorf("%s: message %q does not name the header to add", label, got.Errors[0].Message)
			}
			if n := executed.Load() - before; n != 0 {
				t.Errorf("%s ran %d operations, want 0", label, n)
			}
		})
	}
}

// TestCSRFPassesOptions checks that preflights reach the handler, since the CORS middleware and
// gqlgen's OPTIONS transport must answer them.
func TestCSRFPassesOptions(t *testing.T) {
	srv, _ := MustGraphQLServer(t)
	ts := httptest.NewServer(guard.CSRF(srv))
	defer ts.Close()
	req, err := http.NewRequest(http.MethodOptions, ts.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("OPTIONS %s = %d, want %d", ts.URL, resp.StatusCode, http.StatusOK)
	}
	if got := resp.Header.Get("Allow"); got == "" {
		t.Errorf("OPTIONS %s: Allow header missing, want gqlgen's OPTIONS transport to answer", ts.URL)
	}
}
