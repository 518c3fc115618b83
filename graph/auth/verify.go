package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"prakerja/db"
)

// MinSecretLen is the shortest HS256 key accepted: RFC 7518 §3.2 requires a key at least as long as
// the hash output (256 bits).
const MinSecretLen = 32

// maxTokenLen bounds the tokens Verify parses, so that a huge header costs nothing to refuse.
const maxTokenLen = 8 << 10

// Algorithm names. HS256 is enabled by Config.Secret, the others by Config.JWKSURL.
var (
	secretMethods = []string{jwt.SigningMethodHS256.Alg()}
	jwksMethods   = []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg(), jwt.SigningMethodPS256.Alg()}
)

// Config says which tokens a Verifier accepts.
type Config struct {
	// Secret is the HS256 key (AUTH_SECRET, or the development key); empty disables HS256. It must
	// be at least MinSecretLen bytes long.
	Secret []byte
	// JWKSURL is an OIDC provider's JWKS, whose keys verify RS256, ES256 and PS256 tokens; empty
	// disables them.
	JWKSURL string
	// Issuer, when set, must equal the token's iss.
	Issuer string
	// Audience, when set, must be one of the token's aud.
	Audience string
	// Leeway is the clock skew allowed on exp, nbf and iat. Zero means 30 seconds.
	Leeway time.Duration

	// JWKSRefresh is how often the JWKS is refetched in the background. Zero means one hour.
	JWKSRefresh time.Duration
	// JWKSRefetchLimit is the least time between refetches caused by a token whose kid is not in
	// the cached set (a rotation the background refresh has not seen yet), so that tokens with
	// made-up kids cannot hammer the provider. Zero means five minutes.
	JWKSRefetchLimit time.Duration
	// HTTPClient fetches the JWKS. Nil means a client with a 10-second timeout.
	HTTPClient *http.Client
	// Logger receives background refresh failures. Nil means slog.Default().
	Logger *slog.Logger
}

// Verifier checks bearer tokens. It is safe for concurrent use.
type Verifier struct {
	secret  []byte
	jwks    keyfunc.Keyfunc // nil when JWKS is disabled
	methods []string        // the accepted alg values
	parser  *jwt.Parser
	// life is a child of NewVerifier's ctx: it bounds JWKS lookups and the background refresh,
	// which end with that ctx. stop is its cancel, kept so that it is never lost.
	life context.Context
	stop context.CancelFunc
	// tokens remembers the viewers of accepted HS256 tokens (cache.go).
	tokens *tokenCache
	// now is the clock of the claim checks and of tokens; time.Now except in tests.
	now func() time.Time
}

// NewVerifier returns a Verifier for cfg. When cfg.JWKSURL is set it fetches the JWKS before
// returning and keeps refreshing it in the background until ctx ends.
//
// It returns an error when neither Secret nor JWKSURL is set, when Secret is shorter than
// MinSecretLen, when Leeway is negative, when JWKSURL is not an http(s) URL, or when the JWKS could
// not be fetched or holds no usable key.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	if len(cfg.Secret) == 0 && cfg.JWKSURL == "" {
		return nil, errors.New("auth: no way to verify tokens: set a secret or a JWKS URL")
	}
	if len(cfg.Secret) > 0 && len(cfg.Secret) < MinSecretLen {
		return nil, fmt.Errorf("auth: the HS256 secret has %d bytes; it needs at least %d", len(cfg.Secret), MinSecretLen)
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("auth: leeway %v is negative", cfg.Leeway)
	}
	leeway := cfg.Leeway
	if leeway == 0 {
		leeway = 30 * time.Second
	}
	v := &Verifier{secret: slices.Clone(cfg.Secret), tokens: newTokenCache(), now: time.Now}
	if len(v.secret) > 0 {
		v.methods = append(v.methods, secretMethods...)
	}
	if cfg.JWKSURL != "" {
		life, stop := context.WithCancel(ctx)
		jwks, err := fetchJWKS(life, cfg)
		if err != nil {
			stop()
			return nil, err
		}
		v.jwks, v.life, v.stop = jwks, life, stop
		v.methods = append(v.methods, jwksMethods...)
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return v.now() }),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

// fetchJWKS fetches cfg.JWKSURL once and starts its background refresh, which ends with ctx.
func fetchJWKS(ctx context.Context, cfg Config) (keyfunc.Keyfunc, error) {
	u, err := url.Parse(cfg.JWKSURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("auth: JWKS URL %q is not an http(s) URL", cfg.JWKSURL)
	}
	refresh := cfg.JWKSRefresh
	if refresh <= 0 {
		refresh = time.Hour
	}
	refetch := cfg.JWKSRefetchLimit
	if refetch <= 0 {
		refetch = 5 * time.Minute
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	failFirst := false
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
		Client:                    client,
		HTTPTimeout:               10 * time.Second,
		NoErrorReturnFirstHTTPReq: &failFirst,
		RefreshInterval:           refresh,
		RefreshUnknownKID:         rate.NewLimiter(rate.Every(refetch), 1),
		// A request with an unknown kid waits at most this long for the rate limiter and the
		// refetch, instead of hanging until the limiter allows another fetch.
		RateLimitWaitMax: 5 * time.Second,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				logger.WarnContext(ctx, "auth: JWKS refresh failed", "url", u, "error", err)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: the JWKS at %s could not be fetched: %w", cfg.JWKSURL, err)
	}
	keys, err := kf.Storage().KeyReadAll(ctx)
	if err != nil || len(keys) == 0 {
		return nil, fmt.Errorf("auth: the JWKS at %s holds no usable key", cfg.JWKSURL)
	}
	return kf, nil
}

// claims are the JWT claims this package reads and writes.
type claims struct {
	jwt.RegisteredClaims
	Role  db.Role `json:"role,omitempty"`
	Owner string  `json:"owner,omitempty"`
}

// ownerTypes maps each scoped role to the node type of what it owns.
var ownerTypes = map[db.Role]string{
	db.RoleParticipant: db.TypeParticipant,
	db.RoleProvider:    db.TypeProvider,
	db.RolePlatform:    db.TypePlatform,
}

// Verify checks token's signature and claims and returns the caller it names.
//
// Every error is a *db.Error with Code db.EUNAUTHENTICATED and a short message safe to show to a
// client, such as "token expired", "token signature is invalid", "token signing algorithm is not
// accepted", "token has no role" or `unknown role "X"`.
func (v *Verifier) Verify(token string) (*Viewer, error) {
	if token == "" {
		return nil, unauthenticated("token is empty")
	}
	if len(token) > maxTokenLen {
		return nil, unauthenticated("token is too long")
	}
	now := v.now()
	if viewer, ok := v.tokens.get(token, now); ok {
		return viewer, nil
	}
	var c claims
	t, err := v.parser.ParseWithClaims(token, &c, v.key)
	if err != nil {
		return nil, v.refusal(t, &c, err)
	}
	viewer, err := viewerOf(&c)
	if err != nil {
		return nil, err
	}
	if _, hs := t.Method.(*jwt.SigningMethodHMAC); hs && c.ExpiresAt != nil {
		v.tokens.add(token, viewer, now, c.ExpiresAt.Time)
	}
	return viewer, nil
}

var (
	// errNoKey is returned by key when the token's algorithm has no key configured.
	errNoKey = errors.New("no key for the token's algorithm")
	// errUnknownKey is returned by key when the token's kid is not in the JWKS, even after a
	// refetch (or when a refetch is not allowed yet).
	errUnknownKey = errors.New("unknown kid")
)

// key is the jwt.Keyfunc: it returns the key for the token's algorithm only, so that an HS256 token
// is never checked against a public key and an RS256 token never against the secret.
// WithValidMethods already refuses the algorithms that are not configured; this is the second lock.
func (v *Verifier) key(t *jwt.Token) (any, error) {
	switch t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		if len(v.secret) == 0 {
			return nil, errNoKey
		}
		return v.secret, nil
	case *jwt.SigningMethodRSA, *jwt.SigningMethodRSAPSS, *jwt.SigningMethodECDSA:
		if v.jwks == nil {
			return nil, errNoKey
		}
		if kid, ok := t.Header["kid"].(string); ok {
			// Look the kid up first, so that every way of not finding it (absent after a refetch,
			// refetch rate-limited or failing) reads as an unknown key. Keyfunc then finds it in
			// the cache and checks that its alg and use fit the token.
			if _, err := v.jwks.Storage().KeyRead(v.life, kid); err != nil {
				return nil, fmt.Errorf("%w: %w", errUnknownKey, err)
			}
		}
		k, err := v.jwks.KeyfuncCtx(v.life)(t)
		if err != nil {
			return nil, err
		}
		if set, ok := k.(jwt.VerificationKeySet); ok {
			// A token without kid: try only the keys of the algorithm's type.
			var fit jwt.VerificationKeySet
			for _, k := range set.Keys {
				if keyFits(t.Method, k) {
					fit.Keys = append(fit.Keys, k)
				}
			}
			return fit, nil
		}
		if !keyFits(t.Method, k) {
			return nil, jwt.ErrInvalidKeyType
		}
		return k, nil
	}
	return nil, errNoKey
}

// keyFits reports whether public key k is of the type that method verifies with.
func keyFits(method jwt.SigningMethod, k any) bool {
	switch method.(type) {
	case *jwt.SigningMethodRSA, *jwt.SigningMethodRSAPSS:
		_, ok := k.(*rsa.PublicKey)
		return ok
	case *jwt.SigningMethodECDSA:
		_, ok := k.(*ecdsa.PublicKey)
		return ok
	}
	return false
}

// refusal turns a parse error into a client-safe EUNAUTHENTICATED error. It never echoes the
// library's text, which may name internals.
func (v *Verifier) refusal(t *jwt.Token, c *claims, err error) *db.Error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return unauthenticated("token is malformed")
	case t == nil:
		return unauthenticated("token is invalid")
	case !v.accepts(t):
		return unauthenticated("token signing algorithm is not accepted")
	case errors.Is(err, errUnknownKey), errors.Is(err, jwkset.ErrKeyNotFound):
		return unauthenticated("token signing key is unknown")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrInvalidKeyType):
		return unauthenticated("token signature is invalid")
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return unauthenticated("token cannot be verified")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && c.ExpiresAt == nil:
		return unauthenticated("token has no expiry")
	case errors.Is(err, jwt.ErrTokenExpired):
		return unauthenticated("token expired")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return unauthenticated("token is not valid yet")
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return unauthenticated("token is issued in the future")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer), errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && c.Issuer == "":
		return unauthenticated("token issuer is not accepted")
	case errors.Is(err, jwt.ErrTokenInvalidAudience), errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && len(c.Audience) == 0:
		return unauthenticated("token audience is not accepted")
	}
	return unauthenticated("token is invalid")
}

// accepts reports whether t's alg header names an algorithm this verifier is configured for.
func (v *Verifier) accepts(t *jwt.Token) bool {
	alg, _ := t.Header["alg"].(string)
	return slices.Contains(v.methods, alg)
}

// viewerOf checks the application claims of a verified token and builds its Viewer.
func viewerOf(c *claims) (*Viewer, error) {
	if c.Subject == "" {
		return nil, unauthenticated("token has no subject")
	}
	if c.Role == "" {
		return nil, unauthenticated("token has no role")
	}
	if !c.Role.IsValid() {
		return nil, unauthenticated("unknown role %q", clip(string(c.Role)))
	}
	viewer := &Viewer{Subject: c.Subject, Role: c.Role}
	typ, scoped := ownerTypes[c.Role]
	if !scoped {
		return viewer, nil
	}
	if c.Owner == "" {
		return nil, unauthenticated("token has no owner")
	}
	id, err := ownerID(c.Owner, typ)
	if err != nil {
		return nil, unauthenticated("token owner is not a %s ID", typ)
	}
	switch c.Role {
	case db.RoleParticipant:
		viewer.ParticipantID = id
	case db.RoleProvider:
		viewer.ProviderID = id
	case db.RolePlatform:
		viewer.PlatformID = id
	}
	return viewer, nil
}

// ownerID decodes a global ID of type typ into its integer key. It fails with EINVALID when s is
// malformed or of another type.
func ownerID(s, typ string) (int64, error) {
	n, err := db.ParseNodeID(s)
	if err != nil {
		return 0, err
	}
	return n.Int(typ)
}

func unauthenticated(format string, args ...any) *db.Error {
	return db.Errorf(db.EUNAUTHENTICATED, format, args...)
}

// clip shortens a caller-supplied value for a message.
func clip(s string) string {
	const n = 32
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
