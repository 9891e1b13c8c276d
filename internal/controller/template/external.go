package template

import (
	"context"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// templateExternal reaches one WassistTemplate's remote template.
type templateExternal struct {
	api      *wassist.Client
	tpl      *wassistv1alpha1.WassistTemplate
	recorder events.EventRecorder
	cache    client.Reader
}

var (
	_ external         = (*templateExternal)(nil)
	_ managed.Reserver = (*templateExternal)(nil)
)

func (e *templateExternal) ReserveCreate(ctx context.Context) error {
	return e.api.ReserveCreateTemplate(ctx)
}

func (e *templateExternal) Observe(ctx context.Context, id string, d desired) (observation, error) {
	remote, err := e.api.GetTemplate(ctx, id)
	if wassist.IsNotFound(err) {
		return observation{ID: id}, nil
	}
	if err != nil {
		return observation{}, err
	}
	if managed.Observing(e.tpl) {
		e.record(remote) // reported as it stands: only an Update records it under Full
	}
	return e.observation(remote, d), nil
}

// Find returns the template an interrupted create made. A template is created under its
// own name, which with its language is unique per organisation (a second create of it
// is refused with 409): the one template of that name and language that no
// WassistTemplate names is the one to manage, whoever made it. One made before this
// resource's create was sent is someone else's (Foreign): taken as an adoption, which
// erases nothing the spec leaves out.
func (e *templateExternal) Find(ctx context.Context, _ string, d desired) ([]observation, error) {
	want := d.View
	templates, err := e.api.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	var found []observation
	for i := range templates {
		t := &templates[i]
		if t.Name != e.tpl.Spec.Name || (want.Input.Language != "" && t.Language != want.Input.Language) {
			continue
		}
		claimed, err := managed.Claimed(ctx, e.cache, &wassistv1alpha1.WassistTemplateList{}, "template:"+t.ID)
		if err != nil {
			return nil, err
		}
		if !claimed {
			obs := e.observation(t, d)
			obs.Foreign = e.madeBefore(t)
			found = append(found, obs)
		}
	}
	return found, nil
}

// madeBefore says t existed before this resource's create was sent (by the create-pending
// annotation's time, less a minute for the clocks): an unreadable time counts as before.
func (e *templateExternal) madeBefore(t *wassist.Template) bool {
	sent, err := time.Parse(time.RFC3339, e.tpl.Annotations[wassistv1alpha1.AnnotationCreatePending])
	return err != nil || t.CreatedAt == nil || t.CreatedAt.Before(sent.Add(-time.Minute))
}

// Create creates the template under its name, not yet published.
func (e *templateExternal) Create(ctx context.Context, _ string, d desired) (observation, error) {
	want := d.View
	in := want.Input
	if in.Name == "" { // a deletion's lookup has no view
		in.Name = e.tpl.Spec.Name
	}
	created, err := e.api.CreateTemplate(ctx, in)
	if err != nil {
		return observation{}, err
	}
	if created.ID == "" {
		return observation{}, kit.EmptyCreateAnswer("template")
	}
	return e.observation(created, d), nil
}

// Update makes the template's content the spec's (a changed template goes back to Meta's
// review), then publishes and unpublishes it so that it is published to exactly
// publishTo, and reports Meta's review in each account.
func (e *templateExternal) Update(ctx context.Context, obs observation, d desired) (observation, error) {
	want := d.View
	remote := obs.Remote
	if remote == nil {
		observed, err := e.Observe(ctx, obs.ID, d)
		if err != nil || !observed.Exists {
			return observed, err
		}
		remote = observed.Remote
	}
	got := remoteTemplate(remote)
	if !want.sameContent(got) {
		updated, err := e.api.UpdateTemplate(ctx, remote.ID, want.Input)
		if err != nil {
			return obs, err
		}
		if updated.ID == "" { // an empty answer: read what the PATCH left
			if updated, err = e.api.GetTemplate(ctx, remote.ID); err != nil {
				return obs, err
			}
		}
		e.event(corev1.EventTypeNormal, "Updated", "Updated remote template %s; Meta reviews it again", remote.ID)
		remote = updated
	}
	publish, unpublish := want.publishChanges(remoteTemplate(remote))
	var failed []string
	if len(publish) > 0 {
		published, results, err := e.api.PublishTemplate(ctx, remote.ID, publish)
		if err != nil {
			return e.observation(remote, d), err
		}
		for _, r := range results {
			if r.Error != "" {
				failed = append(failed, "account "+r.AccountID+": "+r.Error)
			}
		}
		e.event(corev1.EventTypeNormal, "Published", "Submitted template %s to Meta's review in %s", remote.ID, accountList(publish))
		remote = published
	}
	if len(unpublish) > 0 {
		unpublished, err := e.api.UnpublishTemplate(ctx, remote.ID, unpublish)
		if err != nil {
			return e.observation(remote, d), err
		}
		e.event(corev1.EventTypeNormal, "Unpublished", "Unpublished template %s from %s", remote.ID, accountList(unpublish))
		remote = unpublished
	}
	e.record(remote)
	after := e.observation(remote, d)
	if len(failed) > 0 {
		return after, &managed.WaitingError{Reason: wassistv1alpha1.ReasonInvalidSpec, Stalled: true,
			Message: "publishing failed in " + strings.Join(failed, "; ")}
	}
	return after, nil
}

func (e *templateExternal) Delete(ctx context.Context, id string) error {
	return e.api.DeleteTemplate(ctx, id)
}

func (e *templateExternal) KeyFingerprint() string { return e.api.Fingerprint() }

// observation compares a remote template with the desired one and says what Meta's
// review still waits for. A review the status does not report yet is a change too: the
// Update that follows sends nothing for it, and writes it on the status.
func (e *templateExternal) observation(remote *wassist.Template, d desired) observation {
	want, ok := d.View, d.Hash != ""
	// Under Observe the status does not record the review: only an Update does.
	recorded := managed.Observing(e.tpl) || slices.Equal(accountsOf(remote.AccountLinks), e.tpl.Status.Accounts)
	obs := observation{ID: remote.ID, Exists: true, Remote: remote,
		UpToDate: ok && want.equal(remoteTemplate(remote)) && recorded}
	if ok {
		obs.Wait = reviewOf(remote.AccountLinks, want.PublishTo)
		if !obs.UpToDate {
			obs.Changes, obs.Erases = templateChanges(want, remoteTemplate(remote))
		}
	}
	return obs
}

// record writes Meta's review per account on the status, with an event for each verdict
// that is new.
func (e *templateExternal) record(remote *wassist.Template) {
	before := map[string]string{}
	for _, a := range e.tpl.Status.Accounts {
		before[a.AccountID] = a.Status
	}
	e.tpl.Status.Accounts = accountsOf(remote.AccountLinks)
	for _, a := range e.tpl.Status.Accounts {
		if before[a.AccountID] == a.Status {
			continue
		}
		switch a.Status {
		case "APPROVED":
			e.event(corev1.EventTypeNormal, "Approved", "Meta approved template %s in account %s", remote.ID, accountName(a))
		case "REJECTED":
			e.event(corev1.EventTypeWarning, "Rejected", "Meta rejected template %s in account %s: %s", remote.ID, accountName(a),
				a.RejectionReason)
		}
	}
}

// accountList names accounts by id in a message: "account a", "accounts a and b".
func accountList(ids []string) string {
	if len(ids) == 1 {
		return "account " + ids[0]
	}
	return "accounts " + fielddiff.List(ids)
}

func accountName(a wassistv1alpha1.TemplateAccountStatus) string {
	if a.AccountName != "" {
		return a.AccountName
	}
	return a.AccountID
}

// accountsOf is Meta's review per account, as the status reports it.
func accountsOf(links []wassist.TemplateAccountLink) []wassistv1alpha1.TemplateAccountStatus {
	accounts := make([]wassistv1alpha1.TemplateAccountStatus, 0, len(links))
	for _, l := range links {
		accounts = append(accounts, wassistv1alpha1.TemplateAccountStatus{AccountID: l.AccountID, AccountName: l.AccountName,
			MetaTemplateID: l.MetaTemplateID, Status: l.Status, QualityScore: l.QualityScore, RejectionReason: l.RejectionReason})
	}
	slices.SortFunc(accounts, func(a, b wassistv1alpha1.TemplateAccountStatus) int { return strings.Compare(a.AccountID, b.AccountID) })
	return accounts
}

func (e *templateExternal) event(eventType, reason, note string, args ...any) {
	managed.Emit(e.recorder, e.tpl, eventType, reason, note, args...)
}
