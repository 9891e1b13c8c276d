package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

const (
	outputYAML = "yaml"
	outputJSON = "json"
)

// appearTries is how many more times the accounts are listed when a successful signup's
// account does not show yet: the API documents that it appears in the list, not that it
// appears at once.
const appearTries = 3

// linkResult is what link prints: the session and what its signup added.
type linkResult struct {
	LinkSession linkSessionRef  `json:"linkSession"`
	Accounts    []linkedAccount `json:"accounts"`
}

type linkSessionRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// linkedAccount is an account the signup added, or one linked before that it added numbers
// to (New false); PhoneNumbers are the added numbers only.
type linkedAccount struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	New          bool           `json:"new"`
	PhoneNumbers []linkedNumber `json:"phoneNumbers"`
	// WassistTemplate is the spec fragment that publishes a template to the account.
	WassistTemplate templatePublish `json:"wassistTemplate"`
}

// linkedNumber is a number with the spec fragment of a WassistDeployment that puts an agent
// live on it.
type linkedNumber struct {
	Number            string                                `json:"number"` // E.164 with "+"
	ID                string                                `json:"id"`     // the Wassist phone number id
	WassistDeployment wassistv1alpha1.WassistDeploymentSpec `json:"wassistDeployment"`
}

// templatePublish is the publishTo of a WassistTemplateSpec, alone: the spec's other fields
// are required and would print empty.
type templatePublish struct {
	PublishTo []string `json:"publishTo"`
}

// report prints what the successful signup added.
func (l *linker) report(ctx context.Context, ls *wassist.LinkSession, before []wassist.WhatsAppAccount) error {
	added, err := l.added(ctx, before)
	if err != nil {
		return fmt.Errorf("the signup succeeded (link session %s), but listing the WhatsApp accounts failed: %w", ls.ID, err)
	}
	if len(added) == 0 {
		l.progressf("The signup succeeded (link session %s), but no new WhatsApp account or number shows yet; "+
			"it should appear in the dashboard shortly.\n", ls.ID)
	} else {
		l.progressf("The signup succeeded (link session %s): %s.\n", ls.ID, summary(added))
	}
	return writeLinkResult(l.s.Out, l.f.output, linkResult{LinkSession: linkSessionRef{ID: ls.ID, Status: ls.Status}, Accounts: added})
}

// added lists the accounts until what the signup added shows, a few times at most.
func (l *linker) added(ctx context.Context, before []wassist.WhatsAppAccount) ([]linkedAccount, error) {
	for i := 0; ; i++ {
		after, err := withRetry(ctx, l.c.ListWhatsAppAccounts)
		if err != nil {
			return nil, err
		}
		if added := addedSince(before, after); len(added) > 0 || i == appearTries {
			return added, nil
		}
		t := time.NewTimer(l.f.pollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// addedSince is what after holds that before did not: new accounts, and new numbers of
// accounts already there (Meta's signup can add a number to an existing business account).
func addedSince(before, after []wassist.WhatsAppAccount) []linkedAccount {
	hadAccount, hadNumber := map[string]bool{}, map[string]bool{}
	for _, a := range before {
		hadAccount[a.ID] = true
		for _, n := range a.PhoneNumbers {
			hadNumber[digits(n.Number)] = true
		}
	}
	out := []linkedAccount{}
	for _, a := range after {
		la := linkedAccount{ID: a.ID, New: !hadAccount[a.ID], PhoneNumbers: []linkedNumber{},
			WassistTemplate: templatePublish{PublishTo: []string{a.ID}}}
		if a.Name != nil {
			la.Name = *a.Name
		}
		for _, n := range a.PhoneNumbers {
			if !hadNumber[digits(n.Number)] {
				la.PhoneNumbers = append(la.PhoneNumbers, linkedNumber{Number: "+" + digits(n.Number), ID: n.ID,
					WassistDeployment: wassistv1alpha1.WassistDeploymentSpec{WhatsAppAccountID: a.ID, PhoneNumberID: n.ID}})
			}
		}
		if la.New || len(la.PhoneNumbers) > 0 {
			out = append(out, la)
		}
	}
	return out
}

// digits is a number as E.164 digits without "+", the form the API and phoneNumber take.
func digits(number string) string { return strings.TrimPrefix(number, "+") }

func summary(added []linkedAccount) string {
	numbers := 0
	for _, a := range added {
		numbers += len(a.PhoneNumbers)
	}
	return plural(len(added), "WhatsApp account") + " with " + plural(numbers, "new number")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func writeLinkResult(w io.Writer, format string, r linkResult) error {
	var out []byte
	var err error
	switch format {
	case outputJSON:
		out, err = json.MarshalIndent(r, "", "  ")
		out = append(out, '\n')
	case outputYAML:
		out, err = yaml.Marshal(r)
	default:
		out, err = linkText(r)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// linkText is the result for a person: the ids, then spec fragments to paste. Names are
// quoted, so that a name with a newline or a "#" cannot break the YAML it is printed above.
func linkText(r linkResult) ([]byte, error) {
	var b strings.Builder
	for _, a := range r.Accounts {
		state := "new"
		if !a.New {
			state = "linked before, new numbers"
		}
		fmt.Fprintf(&b, "\nWhatsApp account %s (%s), account id %s\n", displayName(a.Name), state, a.ID)
		if len(a.PhoneNumbers) == 0 {
			b.WriteString("  no phone numbers yet\n")
		}
		for _, n := range a.PhoneNumbers {
			fmt.Fprintf(&b, "  %-16s phone number id %s\n", n.Number, n.ID)
		}
		for _, n := range a.PhoneNumbers {
			fmt.Fprintf(&b, "\n# WassistDeployment spec, to put an agent live on %s (or phoneNumber: %q instead of both ids):\n",
				n.Number, digits(n.Number))
			if err := writeYAML(&b, n.WassistDeployment); err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(&b, "\n# WassistTemplate spec, to publish a template to %s:\n", displayName(a.Name))
		if err := writeYAML(&b, a.WassistTemplate); err != nil {
			return nil, err
		}
	}
	return []byte(b.String()), nil
}

func writeYAML(b *strings.Builder, v any) error {
	out, err := yaml.Marshal(v)
	b.Write(out)
	return err
}

func displayName(name string) string {
	if name == "" {
		return "(no name)"
	}
	return strconv.Quote(name)
}
