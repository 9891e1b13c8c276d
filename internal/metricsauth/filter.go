// Package metricsauth guards the metrics endpoint with Kubernetes authentication and
// authorization: a request passes only with a bearer token the API server accepts
// (TokenReview) for a user allowed to get the path (SubjectAccessReview).
//
// controller-runtime's filters.WithAuthenticationAndAuthorization does the same through
// k8s.io/apiserver, which links cel-go, gRPC and OpenTelemetry into the binary: about
// 30 MB of executable and 18 MB of resident memory, more than the operator's own work
// costs (docs/benchmarks.md). The two reviews are all the endpoint needs.
package metricsauth

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// How long a review's answer is reused, as controller-runtime's filter does: a scrape
// every few seconds costs the API server two reviews a minute, not two per scrape.
const (
	allowTTL   = time.Minute
	denyTTL    = 10 * time.Second
	maxEntries = 1024
)

// Reviewer asks the API server who a token belongs to and what that user may do.
type Reviewer interface {
	// Authenticate returns the token's user, or ok=false for a token it does not accept.
	Authenticate(ctx context.Context, token string) (user authenticationv1.UserInfo, ok bool, err error)
	// Authorize says whether user may do verb on the non-resource path.
	Authorize(ctx context.Context, user authenticationv1.UserInfo, verb, path string) (bool, error)
}

// WithAuthenticationAndAuthorization is a metricsserver.Options.FilterProvider.
func WithAuthenticationAndAuthorization(cfg *rest.Config, httpClient *http.Client) (metricsserver.Filter, error) {
	c, err := client.New(cfg, client.Options{HTTPClient: httpClient})
	if err != nil {
		return nil, err
	}
	return Filter(apiReviewer{c}), nil
}

// Filter guards a handler with r's answers, cached.
func Filter(r Reviewer) metricsserver.Filter {
	g := &guard{reviewer: r, answers: map[[sha256.Size]byte]answer{}, now: time.Now}
	return func(log logr.Logger, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			status := g.check(req, log)
			if status != http.StatusOK {
				http.Error(w, http.StatusText(status), status)
				return
			}
			next.ServeHTTP(w, req)
		}), nil
	}
}

type guard struct {
	reviewer Reviewer
	now      func() time.Time

	mu      sync.Mutex
	answers map[[sha256.Size]byte]answer // by hash of token, verb and path: never the token
}

type answer struct {
	status  int
	expires time.Time
}

// check returns 200, 401 or 403 (500 when the API server cannot be asked).
func (g *guard) check(req *http.Request, log logr.Logger) int {
	token, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if token = strings.TrimSpace(token); !ok || token == "" {
		return http.StatusUnauthorized
	}
	verb := strings.ToLower(req.Method)
	key := sha256.Sum256([]byte(token + "\x00" + verb + "\x00" + req.URL.Path))
	if status, ok := g.cached(key); ok {
		return status
	}
	status, err := g.review(req.Context(), token, verb, req.URL.Path)
	if err != nil {
		log.Error(err, "Could not review a metrics request")
		return http.StatusInternalServerError
	}
	g.remember(key, status)
	return status
}

func (g *guard) review(ctx context.Context, token, verb, path string) (int, error) {
	user, ok, err := g.reviewer.Authenticate(ctx, token)
	if err != nil || !ok {
		return http.StatusUnauthorized, err
	}
	allowed, err := g.reviewer.Authorize(ctx, user, verb, path)
	if err != nil || !allowed {
		return http.StatusForbidden, err
	}
	return http.StatusOK, nil
}

func (g *guard) cached(key [sha256.Size]byte) (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	a, ok := g.answers[key]
	if !ok || g.now().After(a.expires) {
		return 0, false
	}
	return a.status, true
}

func (g *guard) remember(key [sha256.Size]byte, status int) {
	ttl := denyTTL
	if status == http.StatusOK {
		ttl = allowTTL
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.answers) >= maxEntries {
		clear(g.answers) // many distinct tokens: start over rather than grow
	}
	g.answers[key] = answer{status: status, expires: g.now().Add(ttl)}
}

// apiReviewer asks the API server.
type apiReviewer struct{ c client.Client }

func (a apiReviewer) Authenticate(ctx context.Context, token string) (authenticationv1.UserInfo, bool, error) {
	tr := &authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}
	if err := a.c.Create(ctx, tr); err != nil {
		return authenticationv1.UserInfo{}, false, err
	}
	return tr.Status.User, tr.Status.Authenticated, nil
}

func (a apiReviewer) Authorize(ctx context.Context, user authenticationv1.UserInfo, verb, path string) (bool, error) {
	extra := make(map[string]authorizationv1.ExtraValue, len(user.Extra))
	for k, v := range user.Extra {
		extra[k] = authorizationv1.ExtraValue(v)
	}
	sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: user.Username, UID: user.UID, Groups: user.Groups, Extra: extra,
		NonResourceAttributes: &authorizationv1.NonResourceAttributes{Verb: verb, Path: path},
	}}
	if err := a.c.Create(ctx, sar); err != nil {
		return false, err
	}
	return sar.Status.Allowed, nil
}
