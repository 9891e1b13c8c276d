// Package importer turns one API key's Wassist account into manifests that, once
// applied, take it over with no remote change (docs/migration.md).
package importer

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// Account is what one API key sees.
type Account struct {
	Agents    []wassist.Agent
	Numbers   []wassist.PhoneNumber
	Templates []wassist.Template
}

// Read lists the account: agents, phone numbers, templates, each list at the client's
// pace (its budget), every page told to ctx's wassist.PageHook.
func Read(ctx context.Context, c *wassist.Client, retry func(context.Context, func(context.Context) error) error) (Account, error) {
	var a Account
	steps := []func(context.Context) error{
		func(ctx context.Context) (err error) { a.Agents, err = c.ListAgents(ctx); return err },
		func(ctx context.Context) (err error) { a.Numbers, err = c.ListPhoneNumbers(ctx); return err },
		func(ctx context.Context) (err error) { a.Templates, err = c.ListTemplates(ctx); return err },
	}
	for _, step := range steps {
		if err := retry(ctx, step); err != nil {
			return a, err
		}
	}
	return a, nil
}

// Options say what to import and how the manifests manage it.
type Options struct {
	Namespace string
	// SecretName and SecretKey name the API key's Secret, which the import never writes.
	SecretName, SecretKey string
	// Policy is every object's managementPolicy (Full when empty).
	Policy wassistv1alpha1.ManagementPolicy
	// DeletionPolicy is every object's deletionPolicy: Orphan by default, so that a
	// mistaken delete loses nothing that was built by hand.
	DeletionPolicy wassistv1alpha1.DeletionPolicy
	// Names keeps the agents and templates whose name matches (all when nil); Numbers the
	// numbers (digits, with or without "+") routed to keep (all when empty).
	Names   *regexp.Regexp
	Numbers []string
	// Check says whether the API server would accept a manifest (nil: every one is
	// written). One it would refuse is left out with a warning in its words: Wassist
	// holds things the CRDs' rules refuse (a template body that starts with a variable).
	Check func(*unstructured.Unstructured) error
}

// Object is one manifest and the file it goes to, relative to the output directory.
type Object struct {
	Path   string
	Object client.Object
}

// Result is the manifests, and what a person must know before applying them.
type Result struct {
	Objects []Object
	// Secrets are the Secrets the manifests name that the import does not write (their
	// values are credentials): the API key's, and credit grant passwords.
	Secrets []SecretNeed
	// Warnings say what was imported under Observe (it cannot be expressed exactly) or
	// left out, and why.
	Warnings []string
	// Agents, Deployments and Templates count what was imported.
	Agents, Deployments, Templates int
}

// SecretNeed is a Secret to create before applying: its name, key and what goes in it.
type SecretNeed struct{ Name, Key, Holds string }

// Build makes the manifests. It reads nothing: a and o say everything.
func Build(a Account, o Options) Result {
	b := newBuilder(a, o)
	b.importTemplates()
	b.agents()
	b.deployments()
	slices.SortFunc(b.res.Objects, func(x, y Object) int { return strings.Compare(x.Path, y.Path) })
	return b.res
}
