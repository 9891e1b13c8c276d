package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/wassist-operator/wassist-operator/internal/cli"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// linkKey is recognisable, so that a test can tell it never reached the output.
const linkKey = "sk-live-LINKTEST-5e1f0c9a2b7d"

// newAccount is what the simulated signup adds.
var newAccount = wassisttest.Account{
	ID:   "0b7e4c1a-9d2f-4e63-8a15-3c6f2e9d1b40",
	Name: "Grind & Co. #2",
	PhoneNumbers: []wassisttest.AccountPhoneNumber{
		{ID: "5a1d3f7c-2e4b-4c8a-9f06-7b2d1e3c4a51", Number: "447700900200"},
		{ID: "6b2e4a8d-3f5c-4d9b-a017-8c3e2f4d5b62", Number: "447700900201"},
	},
}

// linkEnv is a simulator holding the demo account, and the flags that reach it.
type linkEnv struct {
	sim    *wassisttest.Server
	apiURL string
	args   []string
}

func newLinkEnv(t *testing.T) *linkEnv {
	t.Helper()
	sim, ts := wassisttest.NewHTTPTest(wassisttest.Options{APIKeys: []string{linkKey}, RateLimit: -1})
	t.Cleanup(ts.Close)
	sim.SeedDemo(linkKey, 0)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(linkKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	apiURL := ts.URL + wassisttest.APIPrefix
	return &linkEnv{sim: sim, apiURL: apiURL, args: []string{"link", "--api-key-file", keyFile, "--api-url", apiURL,
		"--rate-limit", "6000", "--poll-interval", "20ms"}}
}

type linkOutcome struct {
	code        int
	out, errOut string
}

// start runs link in the background; the outcome arrives when it ends.
func (e *linkEnv) start(t *testing.T, ctx context.Context, extra ...string) <-chan linkOutcome {
	t.Helper()
	done := make(chan linkOutcome, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := cli.Run(ctx, append(e.args, extra...), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
		done <- linkOutcome{code: code, out: out.String(), errOut: errOut.String()}
	}()
	return done
}

// outcome waits for the run to end and checks that the key appears nowhere in what it said.
func outcome(t *testing.T, done <-chan linkOutcome) linkOutcome {
	t.Helper()
	select {
	case o := <-done:
		if strings.Contains(o.out, linkKey) || strings.Contains(o.errOut, linkKey) {
			t.Fatalf("the API key was printed:\nstdout: %s\nstderr: %s", o.out, o.errOut)
		}
		return o
	case <-time.After(20 * time.Second):
		t.Fatal("link did not end")
		return linkOutcome{}
	}
}

// pendingSession waits until link has created its session, and returns it.
func (e *linkEnv) pendingSession(t *testing.T) wassisttest.LinkSession {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if all := e.sim.LinkSessions(linkKey); len(all) == 1 && all[0].Status == wassisttest.LinkSessionPending {
			return all[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no pending link session")
	return wassisttest.LinkSession{}
}

func (e *linkEnv) sessionStatus(t *testing.T) string {
	t.Helper()
	all := e.sim.LinkSessions(linkKey)
	if len(all) != 1 {
		t.Fatalf("%d link sessions", len(all))
	}
	return all[0].Status
}

// signUp plays the user finishing Meta's signup, which adds newAccount.
func (e *linkEnv) signUp(t *testing.T, ls wassisttest.LinkSession) {
	t.Helper()
	e.sim.SeedAccount(linkKey, newAccount)
	if !e.sim.FinishLinkSession(linkKey, ls.ID, true) {
		t.Fatal("the session was not pending")
	}
}

func TestLinkPrintsTheAccountItAddedReadyToPaste(t *testing.T) {
	e := newLinkEnv(t)
	done := e.start(t, t.Context())
	ls := e.pendingSession(t)
	e.signUp(t, ls)
	o := outcome(t, done)
	if o.code != 0 {
		t.Fatalf("exit %d\n%s", o.code, o.errOut)
	}
	if first, _, _ := strings.Cut(o.out, "\n"); first != ls.LinkURL {
		t.Errorf("stdout starts with %q, want the link %q", first, ls.LinkURL)
	}
	for _, want := range []string{
		`WhatsApp account "Grind & Co. #2" (new), account id ` + newAccount.ID,
		"+447700900200    phone number id " + newAccount.PhoneNumbers[0].ID,
		"+447700900201    phone number id " + newAccount.PhoneNumbers[1].ID,
		"phoneNumberID: " + newAccount.PhoneNumbers[1].ID + "\nwhatsappAccountID: " + newAccount.ID + "\n",
		`(or phoneNumber: "447700900200" instead of both ids)`,
		"publishTo:\n- " + newAccount.ID + "\n",
	} {
		if !strings.Contains(o.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, o.out)
		}
	}
	if strings.Contains(o.out, wassisttest.DemoAccountID) {
		t.Errorf("the account linked before is reported as new:\n%s", o.out)
	}
	for _, want := range []string{"Open this link in a browser", "link session " + ls.ID, "1 WhatsApp account with 2 new numbers"} {
		if !strings.Contains(o.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, o.errOut)
		}
	}
}

// linkDocument is the -o json and -o yaml output, as a script reads it.
type linkDocument struct {
	LinkSession struct{ ID, Status string }
	Accounts    []struct {
		ID, Name     string
		New          bool
		PhoneNumbers []struct {
			Number, ID        string
			WassistDeployment map[string]string
		}
		WassistTemplate struct{ PublishTo []string }
	}
}

func TestLinkOutputsADocumentWithOnlyTheDocumentOnStdout(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			e := newLinkEnv(t)
			done := e.start(t, t.Context(), "-o", format)
			ls := e.pendingSession(t)
			e.signUp(t, ls)
			o := outcome(t, done)
			var doc linkDocument
			if err := yaml.Unmarshal([]byte(o.out), &doc); o.code != 0 || err != nil {
				t.Fatalf("exit %d, %v\nstdout: %s\nstderr: %s", o.code, err, o.out, o.errOut)
			}
			if format == "json" && !json.Valid([]byte(o.out)) {
				t.Fatalf("not JSON: %s", o.out)
			}
			if doc.LinkSession.ID != ls.ID || doc.LinkSession.Status != "SUCCESS" || len(doc.Accounts) != 1 {
				t.Fatalf("document: %+v", doc)
			}
			expectNewAccount(t, doc)
			if !strings.Contains(o.errOut, ls.LinkURL) {
				t.Errorf("the link is not on stderr:\n%s", o.errOut)
			}
		})
	}
}

// expectNewAccount checks the document's one account against newAccount.
func expectNewAccount(t *testing.T, doc linkDocument) {
	t.Helper()
	a := doc.Accounts[0]
	if a.ID != newAccount.ID || a.Name != newAccount.Name || !a.New || len(a.PhoneNumbers) != 2 ||
		len(a.WassistTemplate.PublishTo) != 1 || a.WassistTemplate.PublishTo[0] != newAccount.ID {
		t.Fatalf("account: %+v", a)
	}
	n := a.PhoneNumbers[0]
	want := map[string]string{"whatsappAccountID": newAccount.ID, "phoneNumberID": newAccount.PhoneNumbers[0].ID}
	if n.Number != "+447700900200" || n.ID != newAccount.PhoneNumbers[0].ID || !maps.Equal(n.WassistDeployment, want) {
		t.Fatalf("number: %+v", n)
	}
}

func TestLinkWaitsOutTransientFailuresWhilePolling(t *testing.T) {
	e := newLinkEnv(t)
	e.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Method: http.MethodGet,
		Route: "/whatsapp-link-sessions/{id}/", Status: http.StatusBadGateway, Count: 2})
	done := e.start(t, t.Context())
	ls := e.pendingSession(t)
	e.signUp(t, ls)
	o := outcome(t, done)
	if o.code != 0 || !strings.Contains(o.errOut, "trying again") || !strings.Contains(o.out, newAccount.ID) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", o.code, o.out, o.errOut)
	}
}

func TestLinkFailedSignupExitsNonZeroAndLinksNothing(t *testing.T) {
	e := newLinkEnv(t)
	done := e.start(t, t.Context())
	ls := e.pendingSession(t)
	e.sim.FinishLinkSession(linkKey, ls.ID, false)
	o := outcome(t, done)
	if o.code != 1 || !strings.Contains(o.errOut, "error: the signup failed (link session "+ls.ID+" is FAILED)") {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	if o.out != ls.LinkURL+"\n" {
		t.Errorf("stdout = %q, want only the link", o.out)
	}
}

func TestLinkSessionExpiredByWassistExitsNonZero(t *testing.T) {
	e := newLinkEnv(t)
	done := e.start(t, t.Context())
	ls := e.pendingSession(t)
	c, err := wassist.New(linkKey, wassist.Options{BaseURL: e.apiURL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExpireLinkSession(t.Context(), ls.ID); err != nil {
		t.Fatal(err)
	}
	o := outcome(t, done)
	if o.code != 1 || !strings.Contains(o.errOut, "link session "+ls.ID+" expired before the signup finished") {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
}

func TestLinkTimeoutExpiresTheSession(t *testing.T) {
	e := newLinkEnv(t)
	o := outcome(t, e.start(t, t.Context(), "--timeout", "200ms"))
	if o.code != 1 || e.sessionStatus(t) != wassisttest.LinkSessionExpired {
		t.Fatalf("exit %d, session %s\nstderr: %s", o.code, e.sessionStatus(t), o.errOut)
	}
	want := "error: timed out after 200ms waiting for the signup: link session " + e.sim.LinkSessions(linkKey)[0].ID +
		" is expired, its link no longer works"
	if !strings.Contains(o.errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, o.errOut)
	}
}

func TestLinkInterruptedExpiresTheSession(t *testing.T) {
	e := newLinkEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := e.start(t, ctx)
	ls := e.pendingSession(t)
	cancel()
	o := outcome(t, done)
	if o.code != 130 || e.sessionStatus(t) != wassisttest.LinkSessionExpired {
		t.Fatalf("exit %d, session %s\nstderr: %s", o.code, e.sessionStatus(t), o.errOut)
	}
	if want := "Interrupted: link session " + ls.ID + " is expired"; !strings.Contains(o.errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, o.errOut)
	}
}

func TestLinkRefusedWhilePollingExpiresTheSession(t *testing.T) {
	e := newLinkEnv(t)
	e.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultPermissionDenied, Method: http.MethodGet,
		Route: "/whatsapp-link-sessions/{id}/"})
	o := outcome(t, e.start(t, t.Context()))
	if o.code != 1 || e.sessionStatus(t) != wassisttest.LinkSessionExpired || !strings.Contains(o.errOut, "is expired") {
		t.Fatalf("exit %d, session %s\nstderr: %s", o.code, e.sessionStatus(t), o.errOut)
	}
}

func TestLinkNeverPrintsTheKey(t *testing.T) {
	e := newLinkEnv(t)
	e.sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Method: http.MethodPost, Route: "/whatsapp-link-sessions/"})
	o := outcome(t, e.start(t, t.Context()))
	if o.code != 1 || !strings.Contains(o.errOut, "creating a link session") {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}

	unknown := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(unknown, []byte("sk-live-UNKNOWN-1c2d3e"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, e.args...), "--api-key-file", unknown)
	var out, errOut bytes.Buffer
	code := cli.Run(t.Context(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	if code != 1 || strings.Contains(out.String()+errOut.String(), "UNKNOWN-1c2d3e") || !strings.Contains(errOut.String(), "401") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errOut.String())
	}
}

func TestLinkRefusesBadFlags(t *testing.T) {
	e := newLinkEnv(t)
	for _, bad := range [][]string{{"-o", "table"}, {"--poll-interval", "0s"}, {"--timeout", "-1m"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if code := cli.Run(t.Context(), append(append([]string{}, e.args...), bad...), cli.Streams{Out: &out, Err: &errOut}); code != 1 {
			t.Errorf("%q: exit %d", bad, code)
		}
		if len(e.sim.LinkSessions(linkKey)) != 0 {
			t.Fatalf("%q created a session", bad)
		}
	}
}
