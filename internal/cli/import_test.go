package cli_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/wassist-operator/wassist-operator/internal/cli"
	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// importKey is recognisable, so that a test can tell it never reached a file or the output.
const importKey = "sk-live-IMPORTTEST-93c1d7e0a4b2"

// importEnv is a simulator holding SeedAgency's account, and the flags that import it.
type importEnv struct {
	sim    *wassisttest.Server
	agency wassisttest.Agency
	dir    string
	args   []string
}

// newImportEnv also empties the key's environment variable, so that only what a test gives
// reaches the command.
func newImportEnv(t *testing.T) *importEnv {
	t.Helper()
	t.Setenv(cli.KeyEnv, "")
	sim, ts := wassisttest.NewHTTPTest(wassisttest.Options{APIKeys: []string{importKey}, RateLimit: -1})
	t.Cleanup(ts.Close)
	agency := sim.SeedAgency(importKey)
	dir := filepath.Join(t.TempDir(), "manifests")
	return &importEnv{sim: sim, agency: agency, dir: dir, args: []string{"import", "--api-url", ts.URL + wassisttest.APIPrefix,
		"--rate-limit", "6000", "-o", dir}}
}

type importOutcome struct {
	code        int
	out, errOut string
	files       map[string]string // by slash path under the output directory
}

// run imports with the key in a file; extra flags come after the environment's.
func (e *importEnv) run(t *testing.T, extra ...string) importOutcome {
	t.Helper()
	keyFile := write(t, "key", importKey+"\n")
	return e.runWithout(t, append([]string{"--api-key-file", keyFile}, extra...)...)
}

// runWithout imports with no key but what args give, and checks that the key appears
// nowhere the command wrote.
func (e *importEnv) runWithout(t *testing.T, args ...string) importOutcome {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(t.Context(), append(slices.Clone(e.args), args...), cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	o := importOutcome{code: code, out: out.String(), errOut: errOut.String(), files: readTree(t, e.dir)}
	if strings.Contains(o.out+o.errOut, importKey) {
		t.Errorf("the API key was printed:\nstdout: %s\nstderr: %s", o.out, o.errOut)
	}
	for path, content := range o.files {
		if strings.Contains(content, importKey) {
			t.Errorf("%s holds the API key", path)
		}
	}
	return o
}

// readTree reads every file under dir (none when dir does not exist).
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) && path == dir {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// kind lists the files of one directory (agents, deployments, templates), sorted.
func (o importOutcome) kind(dir string) []string {
	var out []string
	for path := range o.files {
		if strings.HasPrefix(path, dir+"/") {
			out = append(out, path)
		}
	}
	slices.Sort(out)
	return out
}

// specField is one string field of each manifest's spec under dir.
func (o importOutcome) specField(t *testing.T, dir, field string) []string {
	t.Helper()
	var out []string
	for _, path := range o.kind(dir) {
		var m struct{ Spec map[string]any }
		if err := yaml.Unmarshal([]byte(o.files[path]), &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		s, _ := m.Spec[field].(string)
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestImportWritesTheAccountAndNeverTheKey(t *testing.T) {
	e := newImportEnv(t)
	o := e.run(t)
	if o.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	agents, deployments := o.kind("agents"), o.kind("deployments")
	if len(agents) != len(e.agency.Agents) || len(deployments) != 9 || len(o.kind("templates")) == 0 {
		t.Errorf("%d agents, %d deployments and %d templates written, want %d agents and the 9 routed numbers",
			len(agents), len(deployments), len(o.kind("templates")), len(e.agency.Agents))
	}
	var k struct{ Resources []string }
	if err := yaml.Unmarshal([]byte(o.files["kustomization.yaml"]), &k); err != nil {
		t.Fatal(err)
	}
	written := slices.DeleteFunc(slices.Sorted(maps.Keys(o.files)), func(p string) bool { return p == "kustomization.yaml" })
	if !slices.Equal(slices.Sorted(slices.Values(k.Resources)), written) {
		t.Errorf("kustomization.yaml lists %q, the files written are %q", k.Resources, written)
	}
	summary := "wrote " + strconv.Itoa(len(agents)) + " agents, 9 deployments and " + strconv.Itoa(len(o.kind("templates"))) +
		" templates to " + e.dir
	for _, want := range []string{summary, "  wassist-api-key, key apiKey: the Wassist API key\n",
		"  dental-appointments-credit-grant, key password: ", "kubectl apply --dry-run=server -k " + e.dir} {
		if !strings.Contains(o.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, o.out)
		}
	}
	for path, content := range o.files {
		if strings.Contains(content, "SMILE-2026!") {
			t.Errorf("%s holds a credit grant password", path)
		}
	}
	n := strconv.Itoa(len(e.agency.Agents))
	if want := "read /agents/: " + n + " of " + n + "\n"; !strings.Contains(o.errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, o.errOut)
	}
	expectProgress(t, e, o.errOut)
}

// expectProgress checks that stderr tells each page read, one line a page, as the
// simulator served them.
func expectProgress(t *testing.T, e *importEnv, stderr string) {
	t.Helper()
	for _, route := range []string{"/agents/", "/phone-numbers/", "/whatsapp-templates/"} {
		var lines []string
		for line := range strings.Lines(stderr) {
			if strings.HasPrefix(line, "read "+route+": ") {
				lines = append(lines, line)
			}
		}
		if pages := e.sim.Count(importKey, "GET", route); len(lines) != pages || pages == 0 {
			t.Errorf("%d progress lines for %d pages of %s:\n%s", len(lines), pages, route, stderr)
		}
	}
}

func TestImportTellsEveryPageOfALongList(t *testing.T) {
	e := newImportEnv(t)
	for i := range 120 {
		e.sim.SeedAgent(importKey, wassisttest.Agent{Name: "Bulk agent " + strconv.Itoa(i), SystemPrompt: "You help."})
	}
	o := e.run(t)
	if o.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	total := strconv.Itoa(len(e.agency.Agents) + 120)
	if !strings.Contains(o.errOut, "read /agents/: 100 of "+total+"\nread /agents/: "+total+" of "+total+"\n") {
		t.Errorf("stderr does not tell both pages of the agents:\n%s", o.errOut)
	}
	expectProgress(t, e, o.errOut)
}

func TestImportTakesTheKeyFromTheEnvironment(t *testing.T) {
	e := newImportEnv(t)
	t.Setenv(cli.KeyEnv, importKey)
	if o := e.runWithout(t); o.code != 0 || len(o.kind("agents")) != len(e.agency.Agents) {
		t.Fatalf("exit %d, %d agents\nstderr: %s", o.code, len(o.kind("agents")), o.errOut)
	}
}

func TestImportRefusesTheKeyAsAFlagValue(t *testing.T) {
	e := newImportEnv(t)
	for _, flag := range [][]string{{"--api-key=" + importKey}, {"--api-key", importKey}, {"--key=" + importKey}} {
		o := e.runWithout(t, flag...)
		if o.code == 0 || !strings.Contains(o.errOut, "unknown flag") {
			t.Errorf("%s: exit %d\nstderr: %s", flag[0], o.code, o.errOut)
		}
	}
	if n := e.sim.Count(importKey, "", ""); n != 0 {
		t.Errorf("%d requests made with the key", n)
	}
}

func TestImportWithoutAKeySaysHowToGiveOne(t *testing.T) {
	e := newImportEnv(t)
	o := e.runWithout(t)
	if o.code != 1 || !strings.Contains(o.errOut, "error: no API key: give --api-key-file or set "+cli.KeyEnv) {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	if len(o.files) != 0 || e.sim.Count("", "", "") != 0 {
		t.Errorf("%d files written and %d requests made without a key", len(o.files), e.sim.Count("", "", ""))
	}
}

func TestImportRefusesAnUnknownDeletionPolicy(t *testing.T) {
	e := newImportEnv(t)
	o := e.run(t, "--deletion-policy", "Bogus")
	if o.code != 1 || !strings.Contains(o.errOut, `error: --deletion-policy "Bogus": want Orphan or Delete`) {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	if len(o.files) != 0 || e.sim.Count(importKey, "", "") != 0 {
		t.Errorf("%d files written and %d requests made before refusing the flag", len(o.files), e.sim.Count(importKey, "", ""))
	}
	o = e.run(t, "--deletion-policy", "Delete")
	if policies := slices.Compact(o.specField(t, "agents", "deletionPolicy")); o.code != 0 || !slices.Equal(policies, []string{"Delete"}) {
		t.Errorf("exit %d, deletion policies %q, want Delete everywhere", o.code, policies)
	}
}

func TestImportKeepsWhatTheFiltersName(t *testing.T) {
	e := newImportEnv(t)
	all := e.run(t)
	if all.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", all.code, all.errOut)
	}
	if err := os.RemoveAll(e.dir); err != nil {
		t.Fatal(err)
	}
	o := e.run(t, "--name", "^Sales", "--number", "447700900503", "--number", "+12025550140")
	if o.code != 0 {
		t.Fatalf("exit %d\nstderr: %s", o.code, o.errOut)
	}
	names := o.specField(t, "agents", "name")
	if len(names) == 0 || len(names) >= len(all.kind("agents")) ||
		slices.ContainsFunc(names, func(n string) bool { return !strings.HasPrefix(n, "Sales") }) {
		t.Errorf("--name ^Sales imported %q", names)
	}
	if numbers := o.specField(t, "deployments", "phoneNumber"); !slices.Equal(numbers, []string{"12025550140", "447700900503"}) {
		t.Errorf("--number imported the deployments of %q", numbers)
	}
	if templates := o.kind("templates"); len(templates) != 0 {
		t.Errorf("--name ^Sales imported the templates %q", templates)
	}
}
