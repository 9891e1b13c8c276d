// Package cli is kubectl-wassist: import, link and validate (docs/migration.md).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Streams are the command's standard streams.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// exitError ends the command with a code and no further message: what went wrong was
// already printed (validate's findings).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Run runs the command line args and returns the process's exit code.
func Run(ctx context.Context, args []string, s Streams) int {
	root := newRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	if e, ok := errors.AsType[*exitError](err); ok {
		return e.code
	}
	_, _ = fmt.Fprintln(s.Err, "error:", err)
	return 1
}

func newRoot(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kubectl-wassist",
		Short: "Bring Wassist accounts into Git and check their manifests",
		Long: "kubectl-wassist (kubectl wassist, on the PATH) works with the Wassist API and the operator's manifests:\n" +
			"import writes manifests for an existing account, link onboards a new WhatsApp account, validate checks\n" +
			"manifests offline with the CRDs' own rules. The API key is read from --api-key-file or WASSIST_API_KEY,\n" +
			"never from a flag's value.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	for _, add := range subcommands {
		root.AddCommand(add(s))
	}
	return root
}

// subcommands are registered by the files that hold them.
var subcommands []func(Streams) *cobra.Command
