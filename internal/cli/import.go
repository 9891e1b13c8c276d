package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/importer"
	"github.com/wassist-operator/wassist-operator/internal/validate"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

func init() { subcommands = append(subcommands, newImportCmd) }

type importFlags struct {
	api            apiFlags
	out, namespace string
	secretName     string
	secretKey      string
	observe        bool
	deletionPolicy string
	names          string
	numbers        []string
}

func newImportCmd(s Streams) *cobra.Command {
	f := &importFlags{}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write manifests that take an existing Wassist account over with no remote change",
		Long: "import reads the account of one API key (agents, routed numbers, templates) and writes a WassistAgent,\n" +
			"WassistDeployment and WassistTemplate per object, one file each, with a kustomization.yaml. Applied, they\n" +
			"name the remote objects (agent-id and template-id annotations) and match them exactly, so the operator\n" +
			"writes nothing; whatever Kubernetes cannot hold exactly is imported under managementPolicy Observe, with a\n" +
			"warning. The manifests name the API key's Secret; they never hold the key. See docs/migration.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runImport(cmd.Context(), f, s) },
	}
	fs := cmd.Flags()
	f.api.bind(fs)
	fs.StringVarP(&f.out, "output-dir", "o", "wassist-import", "directory to write the manifests to")
	fs.StringVarP(&f.namespace, "namespace", "n", "", "namespace of the manifests (none: kubectl's or kustomize's)")
	fs.StringVar(&f.secretName, "secret-name", "wassist-api-key", "the Secret, in the namespace, that will hold the API key")
	fs.StringVar(&f.secretKey, "secret-key", "apiKey", "the key of that Secret")
	fs.BoolVar(&f.observe, "observe", false, "write managementPolicy: Observe (report, never write) instead of Full")
	fs.StringVar(&f.deletionPolicy, "deletion-policy", string(wassistv1alpha1.DeletionPolicyOrphan),
		"deletionPolicy of every object: Orphan (a mistaken delete loses nothing) or Delete")
	fs.StringVar(&f.names, "name", "", "import only the agents and templates whose name matches this regular expression")
	fs.StringSliceVar(&f.numbers, "number", nil, "import only the deployments of these numbers (repeatable)")
	return cmd
}

func (f *importFlags) options() (importer.Options, error) {
	o := importer.Options{Namespace: f.namespace, SecretName: f.secretName, SecretKey: f.secretKey, Numbers: f.numbers,
		DeletionPolicy: wassistv1alpha1.DeletionPolicy(f.deletionPolicy)}
	if f.observe {
		o.Policy = wassistv1alpha1.ManagementPolicyObserve
	}
	if o.DeletionPolicy != wassistv1alpha1.DeletionPolicyOrphan && o.DeletionPolicy != wassistv1alpha1.DeletionPolicyDelete {
		return o, fmt.Errorf("--deletion-policy %q: want Orphan or Delete", f.deletionPolicy)
	}
	if f.names != "" {
		re, err := regexp.Compile(f.names)
		if err != nil {
			return o, fmt.Errorf("--name: %w", err)
		}
		o.Names = re
	}
	return o, nil
}

func runImport(ctx context.Context, f *importFlags, s Streams) error {
	o, err := f.options()
	if err != nil {
		return err
	}
	c, err := f.api.client()
	if err != nil {
		return err
	}
	ctx = wassist.WithPageHook(ctx, func(route string, read, count int) {
		if count > 0 {
			_, _ = fmt.Fprintf(s.Err, "read %s: %d of %d\n", route, read, count)
			return
		}
		_, _ = fmt.Fprintf(s.Err, "read %s: %d\n", route, read)
	})
	account, err := importer.Read(ctx, c, func(ctx context.Context, step func(context.Context) error) error {
		_, err := withRetry(ctx, func(ctx context.Context) (struct{}, error) { return struct{}{}, step(ctx) })
		return err
	})
	if err != nil {
		return err
	}
	v, err := validate.New()
	if err != nil {
		return err
	}
	o.Check = func(u *unstructured.Unstructured) error { return v.Check(ctx, u) }
	res := importer.Build(account, o)
	if err := os.MkdirAll(f.out, 0o750); err != nil {
		return err
	}
	if err := importer.Write(f.out, res); err != nil {
		return err
	}
	summarize(s.Out, f.out, res)
	return nil
}

// summarize says what was written, what was imported under Observe and why, and which
// Secrets to create before applying.
func summarize(w io.Writer, dir string, res importer.Result) {
	_, _ = fmt.Fprintf(w, "wrote %d agents, %d deployments and %d templates to %s (kustomization.yaml lists them)\n",
		res.Agents, res.Deployments, res.Templates, dir)
	for _, warning := range res.Warnings {
		_, _ = fmt.Fprintln(w, "warning:", warning)
	}
	_, _ = fmt.Fprintln(w, "before applying, create these Secrets in the namespace (import writes no credential):")
	for _, sec := range res.Secrets {
		_, _ = fmt.Fprintf(w, "  %s, key %s: %s\n", sec.Name, sec.Key, sec.Holds)
	}
	_, _ = fmt.Fprintf(w, "then: kubectl apply --dry-run=server -k %s && kubectl apply -k %s\n", dir, dir)
}
