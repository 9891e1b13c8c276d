/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// SecretKeySelector names one key of a Secret in the same namespace as the object
// that refers to it. There is deliberately no namespace field: a resource can only
// ever read credentials from its own namespace.
type SecretKeySelector struct {
	// name of the Secret, in the same namespace as this resource.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// key within the Secret's data that holds the value.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	// +kubebuilder:default=apiKey
	// +optional
	Key string `json:"key,omitempty"`
}

// AgentReference names a WassistAgent in the same namespace.
type AgentReference struct {
	// name of the WassistAgent, in the same namespace as this resource.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// DeletionPolicy says what happens to the remote object when the resource is deleted.
// +kubebuilder:validation:Enum=Delete;Orphan
type DeletionPolicy string

const (
	// DeletionPolicyDelete deletes the remote agent (or unroutes the number) with the resource.
	DeletionPolicyDelete DeletionPolicy = "Delete"
	// DeletionPolicyOrphan leaves the remote object in place when the resource is deleted.
	DeletionPolicyOrphan DeletionPolicy = "Orphan"
)

// ManagementPolicy says what the operator may do to the remote object.
// +kubebuilder:validation:Enum=Full;Observe
type ManagementPolicy string

const (
	// ManagementPolicyFull creates, updates and deletes the remote object to match the spec.
	ManagementPolicyFull ManagementPolicy = "Full"
	// ManagementPolicyObserve only reads the remote object the resource names and reports
	// it, with what Full would change (status.takeover); nothing remote is ever written,
	// created or deleted.
	ManagementPolicyObserve ManagementPolicy = "Observe"
)

// Takeover is what managementPolicy Full would do to the remote object, as last
// observed: under Observe, and while an adoption is refused because it would erase.
type Takeover struct {
	// changes names the settings Full would write: the remote value differs from the spec's.
	// +optional
	// +listType=atomic
	Changes []string `json:"changes,omitempty"`
	// erases names the remote settings the spec leaves out, which Full would erase. An
	// adoption refuses to (AdoptionWouldErase) unless the resource carries the
	// wassist.app/allow-erase-on-adoption: "true" annotation.
	// +optional
	// +listType=atomic
	Erases []string `json:"erases,omitempty"`
}

// Annotations users and the operator set on WassistAgent and WassistDeployment objects.
const (
	// AnnotationAgentID adopts an existing remote agent instead of creating one. The
	// operator also writes it itself, right after a create, so the id survives a lost status.
	AnnotationAgentID = "wassist.app/agent-id"
	// AnnotationTemplateID adopts an existing WhatsApp template, as AnnotationAgentID does
	// an agent; the operator writes it after a create.
	AnnotationTemplateID = "wassist.app/template-id"
	// AnnotationAllowEraseOnAdoption set to "true" lets the adoption of a remote object
	// erase the settings the spec leaves out (refused otherwise: AdoptionWouldErase).
	AnnotationAllowEraseOnAdoption = "wassist.app/allow-erase-on-adoption"
	// AnnotationPaused set to "true" stops all API traffic for the object.
	AnnotationPaused = "wassist.app/paused"
	// AnnotationCreatePending is written before a create is sent and removed once its
	// id is persisted; a reconcile that finds it without an id recovers by marker.
	AnnotationCreatePending = "wassist.app/create-pending"

	// Finalizer holds a resource until its remote agent is deleted or its number
	// unrouted (or either orphaned).
	Finalizer = "wassist.app/finalizer"
)

// Condition types.
const (
	// ConditionReady is True when the remote object exists and matched the spec at the
	// last confirmed check. Rate limits, 5xx answers and timeouts leave it as it was.
	ConditionReady = "Ready"
	// ConditionSynced is True when the last reconcile succeeded; it carries the reason of
	// any failure, transient ones included.
	ConditionSynced = "Synced"
	// ConditionReconciling is True while work toward the spec is under way or waits
	// (creating, waiting for a reference or the API budget, retrying); absent otherwise.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when only a person can move the resource on (invalid spec,
	// rejected or missing credentials, another resource managing the same remote object,
	// an ambiguous create, an adopted id that does not exist); absent otherwise.
	ConditionStalled = "Stalled"
)

// Condition reasons: the vocabulary shared by the operator, its users and the tests.
const (
	ReasonAvailable           = "Available"
	ReasonReconcileSuccess    = "ReconcileSuccess"
	ReasonPaused              = "Paused"
	ReasonRateLimited         = "RateLimited"
	ReasonInvalidSpec         = "InvalidSpec"
	ReasonCredentialsRejected = "CredentialsRejected"
	// ReasonPermissionDenied: Wassist answered 403, the key is valid but may not do this
	// (an agent of another organisation, say).
	ReasonPermissionDenied = "PermissionDenied"
	// ReasonRemoteConflict: Wassist answered 409, the request conflicts with the remote
	// object's state; the same spec is not sent again until it changes.
	ReasonRemoteConflict      = "RemoteConflict"
	ReasonCredentialsMissing  = "CredentialsMissing"
	ReasonSecretNotFound      = "SecretNotFound"
	ReasonSecretKeyMissing    = "SecretKeyMissing"
	ReasonSecretKeyEmpty      = "SecretKeyEmpty"
	ReasonCreateAmbiguous     = "CreateAmbiguous"
	ReasonRemoteError         = "RemoteError"
	ReasonRemoteNotFound      = "RemoteNotFound"
	ReasonHandoffAgentPending = "HandoffAgentPending"
	ReasonAgentNotReady       = "AgentNotReady"
	// ReasonAlreadyManaged: an older resource manages the same remote object; this one
	// sends nothing until that one is deleted.
	ReasonAlreadyManaged = "AlreadyManaged"
	// ReasonHandingOver: a deleted resource waits for the next resource that names its
	// remote object to take it over, instead of deleting it.
	ReasonHandingOver = "HandingOver"
	// ReasonInUse: a deleted resource waits for the resources that use it (deployments
	// routing to an agent, agents whose triggers name a template) to be deleted or to stop
	// naming it; nothing is deleted until then.
	ReasonInUse = "InUse"
	// ReasonRemoteNotVisible: the remote object was last seen with another API key, and
	// the key the resource uses now cannot see it (another account's); nothing is sent.
	ReasonRemoteNotVisible = "RemoteNotVisible"
	// ReasonIdentityChanged: the agent-id annotation names another agent than the one
	// the resource manages; the change is refused.
	ReasonIdentityChanged = "IdentityChanged"
	// ReasonReviewPending: Meta is reviewing the template in at least one account.
	ReasonReviewPending = "ReviewPending"
	// ReasonTemplateRejected: Meta rejected the template in at least one account; the
	// message carries Meta's reason. An edit of the template submits it again.
	ReasonTemplateRejected = "TemplateRejected"
	// ReasonTemplatePending: an outbound trigger names a WassistTemplate not created yet.
	ReasonTemplatePending = "TemplatePending"
	// ReasonSecretNotOwned: a trigger's secretName names a Secret the operator did not
	// create; it writes credentials only into Secrets it owns.
	ReasonSecretNotOwned = "SecretNotOwned"
	// ReasonObserved: under managementPolicy Observe, the remote object was read and
	// reported (Ready and Synced True); nothing is written.
	ReasonObserved = "Observed"
	// ReasonWouldChange: under Observe, the remote object differs from the spec
	// (Synced True): status.takeover says what Full would change.
	ReasonWouldChange = "WouldChange"
	// ReasonAdoptionWouldErase: taking over a remote object would erase settings the
	// spec leaves out (status.takeover.erases); nothing is written until the spec names
	// them or the allow-erase-on-adoption annotation is set.
	ReasonAdoptionWouldErase = "AdoptionWouldErase"
	// ReasonWaitingForBudget: a new resource waits for its API key's turn (Ready Unknown).
	ReasonWaitingForBudget = "WaitingForBudget"
)

// ManagedSpec says how the operator manages a resource's remote object: every kind has it.
type ManagedSpec struct {
	// deletionPolicy says what deleting this resource does to its remote object: Delete
	// (the default) deletes the agent or template, or takes the agent off the number (its
	// routing cleared); Orphan leaves it in place. Either way, a remote object another
	// resource of the kind also names is left for that one to take over, and a resource
	// others use (an agent a deployment routes to, a template a trigger names) waits for
	// them to go first.
	// +kubebuilder:default=Delete
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// managementPolicy says what the operator may do to the remote object: Full (the
	// default) makes it match the spec; Observe only reads the one the resource names
	// and reports what Full would change in status.takeover, and never writes, creates
	// or deletes anything remote (deletion then orphans it, whatever deletionPolicy says).
	// Taking over an object the operator did not create (an id annotation, or a switch
	// from Observe) never erases by surprise: while the spec leaves out a setting the
	// object has (a text, an entry of a list, a paywall, credits, a share, a template's
	// component), the adoption is refused with AdoptionWouldErase and nothing is written,
	// until the spec names it or the wassist.app/allow-erase-on-adoption: "true"
	// annotation is set. The lists managed only when set are never erased by leaving
	// them out.
	// +kubebuilder:default=Full
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`
}

// ManagedStatus is what the operator's managed core records on every kind's status
// (docs/design.md, "The managed core").
type ManagedStatus struct {
	// keyFingerprint is a short one-way fingerprint of the API key that last saw the
	// remote object (never the key). A "not found" under another key is not a deletion:
	// the resource stops with RemoteNotVisible and sends nothing (docs/design.md, rule 14).
	// +optional
	KeyFingerprint string `json:"keyFingerprint,omitempty"`

	// observedGeneration is the metadata.generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// conditions: Ready (the remote object exists and equals the spec), Synced (the last
	// reconcile reached the API), Stalled (only a person can help) and Reconciling (work
	// toward the spec goes on or waits), each with a reason from a fixed vocabulary.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// lastSyncTime is when the remote object was last read or written successfully.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`

	// appliedHash is a hash of the remote object the operator last applied, found equal,
	// or saw refused by the API, after resolving references. A reconcile whose resolved
	// spec still hashes to it calls no API: within the sync period when Ready, or at all
	// when refused.
	// +optional
	AppliedHash string `json:"appliedHash,omitempty"`

	// takeover is what managementPolicy Full would change on the remote object, as last
	// observed under Observe or by an adoption refused for erasing; absent otherwise.
	// +optional
	Takeover *Takeover `json:"takeover,omitempty"`
}
