package auth

import "time"

// SetClock makes v read the time from now, for its claim checks and its token cache.
func SetClock(v *Verifier, now func() time.Time) { v.now = now }

// CachedTokens returns how many tokens v remembers.
func CachedTokens(v *Verifier) int { return v.tokens.lru.Len() }

// TokenCacheSize and TokenCacheTTL are the cache's bounds.
const (
	TokenCacheSize = tokenCacheSize
	TokenCacheTTL  = tokenCacheTTL
)
