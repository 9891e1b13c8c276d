package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// The pages the user's browser lands on after Meta's signup. The API requires both on a
// create; the command learns the outcome by polling, so any page that exists will do, and
// the query tells the two apart in the browser's history.
const (
	defaultSuccessURL = "https://wassist.app/?whatsapp=linked"
	defaultReturnURL  = "https://wassist.app/?whatsapp=cancelled"
)

// Five seconds is 12 requests a minute, well inside the key's 100, which a running operator
// shares; the user takes minutes in Meta's signup, so a faster poll gains nothing.
const (
	defaultPollInterval = 5 * time.Second
	defaultLinkTimeout  = 30 * time.Minute
)

// exitInterrupted is the shell's code for a command stopped by Ctrl-C (128 + SIGINT).
const exitInterrupted = 130

func init() { subcommands = append(subcommands, newLinkCommand) }

// linkFlags are link's flags.
type linkFlags struct {
	api          apiFlags
	successURL   string
	returnURL    string
	pollInterval time.Duration
	timeout      time.Duration
	output       string
}

func newLinkCommand(s Streams) *cobra.Command {
	f := &linkFlags{}
	cmd := &cobra.Command{
		Use:   "link",
		Short: "Onboard a WhatsApp Business account through Meta's signup and print its ids",
		Long: "link creates a Wassist link session and prints its link: open it in a browser and go through Meta's\n" +
			"signup. link waits for the signup to finish (every --poll-interval, up to --timeout), then prints the\n" +
			"WhatsApp accounts and numbers it added, with the ids a WassistDeployment and a WassistTemplate take.\n" +
			"On timeout or Ctrl-C the session is expired, so its link no longer works. Progress goes to stderr,\n" +
			"results to stdout. Exit status: 0 linked, 1 failed, expired or timed out, 130 interrupted.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLink(cmd.Context(), f, s) },
	}
	fs := cmd.Flags()
	f.api.bind(fs)
	fs.StringVar(&f.successURL, "success-url", defaultSuccessURL, "page the browser lands on after a successful signup")
	fs.StringVar(&f.returnURL, "return-url", defaultReturnURL, "page the browser lands on after a cancelled or failed signup")
	fs.DurationVar(&f.pollInterval, "poll-interval", defaultPollInterval,
		"how often to check the session; every check spends the key's budget, which a running operator shares")
	fs.DurationVar(&f.timeout, "timeout", defaultLinkTimeout, "how long to wait for the signup before expiring the session")
	fs.StringVarP(&f.output, "output", "o", "", "output format: yaml or json (default: text with snippets to paste)")
	return cmd
}

func (f *linkFlags) validate() error {
	switch {
	case f.pollInterval <= 0:
		return fmt.Errorf("--poll-interval %v is not positive", f.pollInterval)
	case f.timeout <= 0:
		return fmt.Errorf("--timeout %v is not positive", f.timeout)
	case !slices.Contains([]string{"", outputYAML, outputJSON}, f.output):
		return fmt.Errorf("--output %q is neither yaml nor json", f.output)
	}
	return nil
}

// linker is one run of link.
type linker struct {
	c *wassist.Client
	f *linkFlags
	s Streams
}

func runLink(ctx context.Context, f *linkFlags, s Streams) error {
	if err := f.validate(); err != nil {
		return err
	}
	c, err := f.api.client()
	if err != nil {
		return err
	}
	return (&linker{c: c, f: f, s: s}).run(ctx)
}

// run lists the accounts before the session exists, so that what the signup added can be
// told from what was there.
func (l *linker) run(ctx context.Context) error {
	before, err := withRetry(ctx, l.c.ListWhatsAppAccounts)
	if err != nil {
		return fmt.Errorf("listing the WhatsApp accounts: %w", err)
	}
	ls, err := withRetry(ctx, func(ctx context.Context) (*wassist.LinkSession, error) {
		return l.c.CreateLinkSession(ctx, l.f.successURL, l.f.returnURL)
	})
	if err != nil {
		return fmt.Errorf("creating a link session: %w", err)
	}
	l.announce(ls)
	end, err := l.wait(ctx, ls.ID)
	if err != nil {
		return err
	}
	switch end.Status {
	case wassist.LinkSessionSuccess:
		rctx, cancel := reportContext(ctx)
		defer cancel()
		return l.report(rctx, end, before)
	case wassist.LinkSessionFailed:
		return fmt.Errorf("the signup failed (link session %s is FAILED): nothing was linked; run link again to retry", end.ID)
	default:
		return fmt.Errorf("link session %s expired before the signup finished: nothing was linked; run link again", end.ID)
	}
}

// announce tells where to go. The link is a result (stdout) in the text form; with -o the
// document alone goes to stdout, so the link goes with the progress.
func (l *linker) announce(ls *wassist.LinkSession) {
	l.progressf("Open this link in a browser and go through Meta's signup to connect a WhatsApp Business account:\n")
	if l.f.output == "" {
		_, _ = fmt.Fprintln(l.s.Out, ls.LinkURL)
	} else {
		l.progressf("%s\n", ls.LinkURL)
	}
	l.progressf("Waiting for the signup to finish (link session %s, checked every %s for up to %s; Ctrl-C expires it)...\n",
		ls.ID, shortDuration(l.f.pollInterval), shortDuration(l.f.timeout))
}

func (l *linker) progressf(format string, args ...any) {
	_, _ = fmt.Fprintf(l.s.Err, format, args...)
}

// errInterrupted ends the command after Ctrl-C: what happened was already said.
var errInterrupted = &exitError{code: exitInterrupted}

// shortDuration prints 30m rather than 30m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}
