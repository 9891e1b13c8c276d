//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

const (
	successURL = "https://app.example.com/wa/linked"
	returnURL  = "https://app.example.com/wa/cancelled"
)

func createSession(t *testing.T, m *sim) map[string]any {
	t.Helper()
	r := m.do(http.MethodPost, "/whatsapp-link-sessions/", keyA, map[string]any{"successUrl": successURL, "returnUrl": returnURL})
	expectStatus(t, r, http.StatusCreated)
	return r.object(t)
}

func TestLinkSessionsAreCreatedPendingAndExpireOnlyFromPending(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	ls := createSession(t, m)
	id := str(t, ls, "id")
	linkURL := str(t, ls, "linkUrl")
	if !strings.HasPrefix(linkURL, "https://") {
		t.Fatalf("linkUrl = %q", linkURL)
	}
	want := `{"id":"` + id + `","successUrl":"` + successURL + `","returnUrl":"` + returnURL + `","status":"PENDING","linkUrl":"` + linkURL + `"}`
	expectEqualJSON(t, []byte(mustJSON(t, ls)), want)
	expectJSON(t, m.do(http.MethodGet, "/whatsapp-link-sessions/"+id+"/", keyA, nil), http.StatusOK, want)
	expectEqualJSON(t, []byte(mustJSON(t, m.do(http.MethodGet, "/whatsapp-link-sessions/", keyA, nil).items(t))), "["+want+"]")

	expired := strings.Replace(want, "PENDING", "EXPIRED", 1)
	expectJSON(t, m.do(http.MethodPost, "/whatsapp-link-sessions/"+id+"/expire/", keyA, nil), http.StatusOK, expired)
	expectInvalidState(t, m.do(http.MethodPost, "/whatsapp-link-sessions/"+id+"/expire/", keyA, nil))

	done := str(t, createSession(t, m), "id")
	if !m.s.FinishLinkSession(keyA, done, true) || m.s.FinishLinkSession(keyA, done, false) {
		t.Fatal("FinishLinkSession must move PENDING once")
	}
	if got := m.do(http.MethodGet, "/whatsapp-link-sessions/"+done+"/", keyA, nil).object(t); got["status"] != "SUCCESS" {
		t.Fatalf("status = %v", got["status"])
	}
	expectInvalidState(t, m.do(http.MethodPost, "/whatsapp-link-sessions/"+done+"/expire/", keyA, nil))
}

func expectInvalidState(t *testing.T, r reply) {
	t.Helper()
	expectStatus(t, r, http.StatusBadRequest)
	got := r.object(t)
	if len(got) != 2 || got["code"] != "invalid_state" || str(t, got, "error") == "" {
		t.Fatalf("body = %s", r.body)
	}
}

func TestLinkSessionsNeedBothAbsoluteURLs(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	cases := []struct {
		name string
		body any
		want string
	}{
		{"empty", map[string]any{}, `{"successUrl":["This field is required."],"returnUrl":["This field is required."]}`},
		{"only success", map[string]any{"successUrl": successURL}, `{"returnUrl":["This field is required."]}`},
		{"relative and ftp", map[string]any{"successUrl": "/wa/linked", "returnUrl": "ftp://example.com/x"},
			`{"successUrl":["Enter a valid URL."],"returnUrl":["Enter a valid URL."]}`},
		{"blank", map[string]any{"successUrl": "", "returnUrl": returnURL}, `{"successUrl":["This field may not be blank."]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/whatsapp-link-sessions/", keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	if n := len(m.s.LinkSessions(keyA)); n != 0 {
		t.Fatalf("%d sessions stored from invalid bodies", n)
	}
}
