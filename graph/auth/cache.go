package auth

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// A client sends the same token with every request until it expires, and checking it (decoding
// the header and the claims, reading their JSON, checking the HMAC) was a twentieth of the server's
// CPU on a small query. The verifier therefore remembers, briefly, the viewers of the HS256 tokens
// it accepted.
//
// Only HS256 tokens are remembered: their key is fixed for the life of the process, so a token
// accepted once is accepted again until its exp, and nothing else about it can change (nbf and iat
// refuse only tokens that are too early). Tokens signed with JWKS keys are always checked in full,
// so that a key removed from the JWKS stops its tokens at once.
//
// An entry is used only before the token's exp and before it is tokenCacheTTL old; after that the
// token is checked in full again, which gives exactly the answer it would have had without the
// cache (within the leeway the token is still accepted, after it "token expired"). Refusals are
// never remembered.
const (
	tokenCacheSize   = 4096            // entries; with tokenCacheMaxLen, at most 4 MiB of keys
	tokenCacheMaxLen = 1024            // longer tokens are not remembered
	tokenCacheTTL    = 5 * time.Minute // the longest an entry is used
)

type cachedViewer struct {
	viewer Viewer
	until  time.Time // min(exp, verified + tokenCacheTTL)
}

type tokenCache struct {
	lru *lru.Cache[string, cachedViewer]
}

func newTokenCache() *tokenCache {
	c, err := lru.New[string, cachedViewer](tokenCacheSize)
	if err != nil {
		panic(err) // only for a size < 1
	}
	return &tokenCache{lru: c}
}

// get returns a copy of the viewer remembered for token, when its entry is still usable at now.
func (c *tokenCache) get(token string, now time.Time) (*Viewer, bool) {
	e, ok := c.lru.Get(token)
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	v := e.viewer
	return &v, true
}

// add remembers viewer for token until exp, at most tokenCacheTTL from now.
func (c *tokenCache) add(token string, viewer *Viewer, now, exp time.Time) {
	if len(token) > tokenCacheMaxLen {
		return
	}
	until := now.Add(tokenCacheTTL)
	if exp.Before(until) {
		until = exp
	}
	if !now.Before(until) {
		return // already past exp (accepted within the leeway): check it in full every time
	}
	c.lru.Add(token, cachedViewer{viewer: *viewer, until: until})
}
