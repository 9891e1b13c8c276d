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

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// WassistDeploymentSpec says which agent answers on which WhatsApp number.
//
// What answers is an agent, named by agentRef or agentID, or a webhook, named by
// webhookID (exactly one of the three); the number by phoneNumber,
// or by whatsappAccountID together with phoneNumberID (exactly one form). A number is
// managed by one WassistDeployment at a time, however it is written: the oldest claim
// wins, and a newer one waits with AlreadyManaged until the owner is deleted.
// +kubebuilder:validation:XValidation:rule="[has(self.agentRef), has(self.agentID), has(self.webhookID)].filter(x, x).size() == 1",message="exactly one of agentRef, agentID or webhookID must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.webhookID) || has(self.phoneNumber)",message="webhookID routes a number named by phoneNumber (a WhatsApp account's deploy-agent takes agents only)"
// +kubebuilder:validation:XValidation:rule="has(self.phoneNumber) != (has(self.whatsappAccountID) || has(self.phoneNumberID))",message="exactly one of phoneNumber or whatsappAccountID with phoneNumberID must be set"
// +kubebuilder:validation:XValidation:rule="has(self.whatsappAccountID) == has(self.phoneNumberID)",message="whatsappAccountID and phoneNumberID must be set together"
// +kubebuilder:validation:XValidation:rule="!(has(self.agentID) || has(self.webhookID)) || has(self.apiKeySecretRef)",message="apiKeySecretRef is required with agentID or webhookID"
type WassistDeploymentSpec struct {
	// agentRef names the WassistAgent, in this namespace, to deploy. The deployment waits
	// until that agent is Ready and follows it when its agent id changes.
	// +optional
	AgentRef *AgentReference `json:"agentRef,omitempty"`

	// agentID is the Wassist id (a UUID) of an agent not managed in this namespace.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +optional
	AgentID string `json:"agentID,omitempty"`

	// webhookID is the Wassist id (a UUID) of a webhook made in the dashboard: the number
	// is routed to it (POST /phone-numbers/{phoneNumber}/subscribe/) instead of an agent.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +optional
	WebhookID string `json:"webhookID,omitempty"`

	// phoneNumber is the WhatsApp number, E.164 digits without "+", e.g. "447700900100".
	// The agent is connected with POST /phone-numbers/{phoneNumber}/connect-agent/.
	// +kubebuilder:validation:Pattern=`^[1-9][0-9]{6,14}$`
	// +kubebuilder:validation:MaxLength=15
	// +optional
	PhoneNumber string `json:"phoneNumber,omitempty"`

	// whatsappAccountID is the Wassist id (a UUID) of the WhatsApp Business account that
	// holds phoneNumberID. The agent is deployed with
	// POST /whatsapp-accounts/{whatsappAccountID}/deploy-agent/.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +optional
	WhatsAppAccountID string `json:"whatsappAccountID,omitempty"`

	// phoneNumberID is the Wassist id (a UUID) of the number within whatsappAccountID.
	// +kubebuilder:validation:Format=uuid
	// +kubebuilder:validation:MaxLength=36
	// +optional
	PhoneNumberID string `json:"phoneNumberID,omitempty"`

	// applyToExisting moves conversations already running on the number to the new
	// routing (and clears their in-flight session); false leaves running conversations
	// where they are. It defaults to true, as the Wassist API does when it is not sent.
	// The same choice applies when the deployment is deleted and the number unrouted.
	// +kubebuilder:default=true
	// +optional
	ApplyToExisting *bool `json:"applyToExisting,omitempty"`

	// apiKeySecretRef names the Secret, in this namespace, holding the Wassist API key.
	// Optional with agentRef (the agent's Secret is used), required with agentID.
	// +optional
	APIKeySecretRef *SecretKeySelector `json:"apiKeySecretRef,omitempty"`

	// deletionPolicy and managementPolicy, as every kind has them.
	ManagedSpec `json:",inline"`
}

// WassistDeploymentStatus is the deployment as last observed on Wassist.
type WassistDeploymentStatus struct {
	// keyFingerprint, observedGeneration, conditions, lastSyncTime, appliedHash and
	// takeover, as every kind has them.
	ManagedStatus `json:",inline"`

	// agentID is the Wassist id of the agent deployed on the number.
	// +optional
	AgentID string `json:"agentID,omitempty"`

	// webhookID is the Wassist id of the webhook the number is routed to.
	// +optional
	WebhookID string `json:"webhookID,omitempty"`

	// phoneNumberID is the Wassist id of the number the agent is deployed on.
	// +optional
	PhoneNumberID string `json:"phoneNumberID,omitempty"`

	// phoneNumber is the number the deployment routes, as E.164 digits: the spec's, or
	// the one a whatsappAccountID/phoneNumberID pair was found to name. It is how two
	// deployments that write one number differently are known to claim the same one.
	// +optional
	PhoneNumber string `json:"phoneNumber,omitempty"`

	// pendingRoutes are routes this deployment may have on numbers besides the one agentID
	// or webhookID records on phoneNumber: a route written here before it is sent, until the
	// number is read back serving it, and a number the spec moved away from, until it is
	// unrouted (docs/design.md, rule 15). A crash, a budget wait or a lost answer never makes
	// the operator forget a route it may have made, and a deletion unroutes each number that
	// still serves its route here.
	// +optional
	// +listType=atomic
	PendingRoutes []NumberRoute `json:"pendingRoutes,omitempty"`
}

// NumberRoute is a route a deployment may have put on a number.
type NumberRoute struct {
	// phoneNumber is the number, as E.164 digits.
	PhoneNumber string `json:"phoneNumber"`
	// agentID is the agent routed to the number, if an agent.
	// +optional
	AgentID string `json:"agentID,omitempty"`
	// webhookID is the webhook routed to the number, if a webhook.
	// +optional
	WebhookID string `json:"webhookID,omitempty"`
	// confirmed: the number was seen serving the route (it was the deployment's number, or
	// was read since); it is unrouted without being read again.
	// +optional
	Confirmed bool `json:"confirmed,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=wdeploy,categories=wassist
// +kubebuilder:printcolumn:name="Agent",type=string,JSONPath=`.status.agentID`
// +kubebuilder:printcolumn:name="Number",type=string,JSONPath=`.status.phoneNumber`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Synced",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].reason`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Synced")].message`
// +kubebuilder:printcolumn:name="Last Sync",type=date,priority=1,JSONPath=`.status.lastSyncTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// WassistDeployment puts a Wassist agent live on a WhatsApp number.
type WassistDeployment struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is a standard object metadata
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec says which agent answers on which number.
	// +required
	Spec WassistDeploymentSpec `json:"spec"`

	// status is the deployment as last observed.
	// The API server serves observedGeneration 0 until the operator has looked, so that
	// GitOps tools (kstatus) read a new resource as in progress rather than current.
	// +kubebuilder:default={observedGeneration:0}
	// +optional
	Status WassistDeploymentStatus `json:"status,omitzero"`
}

// +kubebuilder:object:root=true

// WassistDeploymentList contains a list of WassistDeployment
type WassistDeploymentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitzero"`
	Items           []WassistDeployment `json:"items"`
}

func init() {
	SchemeBuilder.Register(func(s *runtime.Scheme) error {
		s.AddKnownTypes(SchemeGroupVersion, &WassistDeployment{}, &WassistDeploymentList{})
		return nil
	})
}
