package metricsauth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
)

// fakeReviewer accepts the tokens it knows and allows "get" for the users it lists.
type fakeReviewer struct {
	users   map[string]string // token → username
	allowed map[string]bool   // username → may get
	down    bool
	calls   int
}

func (f *fakeReviewer) Authenticate(_ context.Context, token string) (authenticationv1.UserInfo, bool, error) {
	f.calls++
	if f.down {
		return authenticationv1.UserInfo{}, false, errors.New("API server unavailable")
	}
	name, ok := f.users[token]
	return authenticationv1.UserInfo{Username: name}, ok, nil
}

func (f *fakeReviewer) Authorize(_ context.Context, user authenticationv1.UserInfo, verb, path string) (bool, error) {
	return verb == "get" && path == "/metrics" && f.allowed[user.Username], nil
}

func serve(t *testing.T, h http.Handler, token string) int {
	t.Helper()
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestOnlyAnAuthorizedTokenReachesTheMetrics(t *testing.T) {
	r := &fakeReviewer{
		users:   map[string]string{"reader-token": "prometheus", "other-token": "someone"},
		allowed: map[string]bool{"prometheus": true},
	}
	h, err := Filter(r)(logr.Discard(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("metrics"))
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		token string
		want  int
	}{
		{"", http.StatusUnauthorized},
		{"unknown-token", http.StatusUnauthorized},
		{"other-token", http.StatusForbidden},
		{"reader-token", http.StatusOK},
	} {
		if got := serve(t, h, c.token); got != c.want {
			t.Errorf("token %q: status %d, want %d", c.token, got, c.want)
		}
	}
}

func TestAnswersAreReusedUntilTheyExpire(t *testing.T) {
	r := &fakeReviewer{users: map[string]string{"reader-token": "prometheus"}, allowed: map[string]bool{"prometheus": true}}
	now := time.Unix(1_700_000_000, 0)
	g := &guard{reviewer: r, answers: map[[32]byte]answer{}, now: func() time.Time { return now }}
	req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer reader-token")
	for range 3 {
		if got := g.check(req, logr.Discard()); got != http.StatusOK {
			t.Fatalf("status %d, want 200", got)
		}
	}
	if r.calls != 1 {
		t.Fatalf("%d reviews for 3 scrapes within the TTL, want 1", r.calls)
	}
	now = now.Add(allowTTL + time.Second)
	delete(r.allowed, "prometheus") // the binding was removed meanwhile
	if got := g.check(req, logr.Discard()); got != http.StatusForbidden {
		t.Fatalf("after the TTL: status %d, want 403 (the answer must be asked again)", got)
	}
}

func TestAnUnreachableAPIServerAdmitsNothing(t *testing.T) {
	r := &fakeReviewer{users: map[string]string{"reader-token": "prometheus"}, allowed: map[string]bool{"prometheus": true}, down: true}
	h, _ := Filter(r)(logr.Discard(), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Fatal("the handler ran without a review")
	}))
	if got := serve(t, h, "reader-token"); got != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", got)
	}
}
