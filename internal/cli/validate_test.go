//nolint:goconst // the manifests and lines printed are the assertions; naming them would hide what is checked
package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/cli"
)

// run runs kubectl-wassist with args and stdin, and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(context.Background(), args, cli.Streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const invalidAgent = `apiVersion: wassist.app/v1alpha1
kind: WassistAgent
metadata: {name: support}
spec:
  apiKeySecretRef: {name: wassist-api-key}
  tools: [{apiSchema: {}}]
`

func TestValidateAcceptsTheSamplesAndSaysSoAsKubectlDoes(t *testing.T) {
	code, out, errOut := run(t, "", "validate", filepath.Join("..", "..", "config", "samples"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"wassistagent.wassist.app/concierge valid\n", "wassistagent.wassist.app/support valid\n",
		"wassistdeployment.wassist.app/concierge-main-number valid\n", "wassisttemplate.wassist.app/order-shipped valid\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if errOut != "4 valid, 0 refused, 1 skipped (not wassist.app)\n" {
		t.Errorf("stderr: %q", errOut)
	}
}

func TestValidateRefusesWithTheFieldTheFileAndTheDocumentAndExits1(t *testing.T) {
	file := write(t, "agents.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\n---\n"+invalidAgent)
	code, out, errOut := run(t, "", "validate", "-f", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := "error: " + file + ` (document 2): WassistAgent.wassist.app "support" is invalid: [spec.tools[0].name: Required value`
	if !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr does not start with %q:\n%s", want, errOut)
	}
	if out != "" || !strings.HasSuffix(errOut, "\n0 valid, 1 refused, 1 skipped (not wassist.app)\n") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
}

func TestValidateReadsStdinAndSkipsWhatIsNotWassist(t *testing.T) {
	build := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\n" +
		"apiVersion: wassist.app/v1alpha1\nkind: WassistAgent\nmetadata: {name: concierge}\nspec: {apiKeySecretRef: {name: k}}\n"
	for _, args := range [][]string{{"validate"}, {"validate", "-f", "-"}} {
		code, out, errOut := run(t, build, args...)
		if code != 0 || out != "wassistagent.wassist.app/concierge valid\n" ||
			errOut != "1 valid, 0 refused, 1 skipped (not wassist.app)\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, _, errOut := run(t, invalidAgent, "validate")
	if code != 1 || !strings.HasPrefix(errOut, `error: STDIN (document 1): WassistAgent.wassist.app "support" is invalid`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestValidateRefusesWhatItCannotReadOrDoesNotKnow(t *testing.T) {
	file := write(t, "broken.yaml", "apiVersion: wassist.app/v1alpha1\nkind: WassistBot\nmetadata: {name: x}\n---\nspec: [\n")
	code, _, errOut := run(t, "", "validate", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"error: " + file + ` (document 1): no matches for kind "WassistBot" in version "wassist.app/v1alpha1"` + "\n",
		"error: " + file + " (document 2): ",
		"0 valid, 2 refused, 0 skipped",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, _, errOut = run(t, "", "validate", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != 1 || !strings.HasPrefix(errOut, "error: ") {
		t.Errorf("a missing file: exit %d, stderr %q", code, errOut)
	}
}
