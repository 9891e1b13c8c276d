package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wassist-operator/wassist-operator/internal/validate"
)

func init() { subcommands = append(subcommands, newValidate) }

func newValidate(s Streams) *cobra.Command {
	var filenames []string
	cmd := &cobra.Command{
		Use:   "validate [FILE|DIR ...]",
		Short: "Check wassist.app manifests offline with the CRDs' own schemas and CEL rules",
		Long: "validate judges every wassist.app object as the API server would judge its create, without a cluster:\n" +
			"the CRDs' OpenAPI schemas, defaults and CEL rules, built into this binary, and unknown fields refused as\n" +
			"kubectl apply refuses them. Objects of other groups are skipped. Directories are read recursively\n" +
			"(*.yaml, *.yml, *.json); with no FILE, or -f -, standard input. Rules on oldSelf judge updates and are\n" +
			"not checked. Exits 1 when anything was refused (docs/cli.md).",
		Example: "  kubectl wassist validate config/samples/\n" +
			"  kustomize build overlays/prod | kubectl wassist validate -f -",
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), s, append(filenames, args...))
		},
	}
	cmd.Flags().StringArrayVarP(&filenames, "filename", "f", nil, "file or directory of manifests, or - for standard input")
	return cmd
}

func runValidate(ctx context.Context, s Streams, sources []string) error {
	if len(sources) == 0 {
		sources = []string{validate.Stdin}
	}
	files, err := validate.Files(sources)
	if err != nil {
		return err
	}
	v, err := validate.New()
	if err != nil {
		return fmt.Errorf("reading the embedded CRDs: %w", err)
	}
	var t tally
	for _, file := range files {
		t.file(ctx, s, v, file)
	}
	_, _ = fmt.Fprintf(s.Err, "%d valid, %d refused, %d skipped (not %s)\n", t.valid, t.refused, t.skipped, validate.Group)
	if t.refused > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// tally counts the verdicts as it prints them.
type tally struct{ valid, refused, skipped int }

func (t *tally) file(ctx context.Context, s Streams, v *validate.Validator, file string) {
	r, source, closeFile, err := open(s, file)
	if err != nil {
		t.refused++
		_, _ = fmt.Fprintln(s.Err, "error:", err)
		return
	}
	defer closeFile()
	for _, verdict := range v.ValidateStream(ctx, r) {
		t.print(s, source, verdict)
	}
}

// print writes a verdict as kubectl would: a valid object as its dry-run line on Out, a
// refusal as one error line on Err, with the file and document it came from.
func (t *tally) print(s Streams, source string, verdict validate.Verdict) {
	switch {
	case verdict.Skipped:
		t.skipped++
	case verdict.Err != nil:
		t.refused++
		_, _ = fmt.Fprintf(s.Err, "error: %s (document %d): %v\n", source, verdict.Document, verdict.Err)
	default:
		t.valid++
		obj := verdict.Object
		_, _ = fmt.Fprintf(s.Out, "%s.%s/%s valid\n", strings.ToLower(obj.GetKind()), validate.Group,
			cmp.Or(obj.GetName(), obj.GetGenerateName()))
	}
}

// open returns the reader of file, the name to print for it (STDIN, as kubectl names it)
// and the function that closes it.
func open(s Streams, file string) (io.Reader, string, func(), error) {
	if file == validate.Stdin {
		return s.In, "STDIN", func() {}, nil
	}
	f, err := os.Open(file) //nolint:gosec // reading the files the user named is the command's purpose
	if err != nil {
		return nil, "", nil, err
	}
	return f, file, func() { _ = f.Close() }, nil
}
