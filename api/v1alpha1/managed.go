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

// The accessors below are what the operator's managed-resource core reads and writes
// of every kind's status (docs/design.md, "The managed core"): one set of methods per
// kind instead of pointers into each status.

// GetConditions returns status.conditions.
func (a *WassistAgent) GetConditions() []metav1.Condition { return a.Status.Conditions }

// SetConditions sets status.conditions.
func (a *WassistAgent) SetConditions(c []metav1.Condition) { a.Status.Conditions = c }

// GetObservedGeneration returns status.observedGeneration.
func (a *WassistAgent) GetObservedGeneration() int64 { return a.Status.ObservedGeneration }

// SetObservedGeneration sets status.observedGeneration.
func (a *WassistAgent) SetObservedGeneration(g int64) { a.Status.ObservedGeneration = g }

// GetLastSyncTime returns status.lastSyncTime.
func (a *WassistAgent) GetLastSyncTime() *metav1.Time { return a.Status.LastSyncTime }

// SetLastSyncTime sets status.lastSyncTime.
func (a *WassistAgent) SetLastSyncTime(t *metav1.Time) { a.Status.LastSyncTime = t }

// GetAppliedHash returns status.appliedHash.
func (a *WassistAgent) GetAppliedHash() string { return a.Status.AppliedHash }

// SetAppliedHash sets status.appliedHash.
func (a *WassistAgent) SetAppliedHash(h string) { a.Status.AppliedHash = h }

// GetRemoteID returns status.agentID, the agent the operator has seen exist.
func (a *WassistAgent) GetRemoteID() string { return a.Status.AgentID }

// SetRemoteID sets status.agentID.
func (a *WassistAgent) SetRemoteID(id string) { a.Status.AgentID = id }

// GetDeletionPolicy returns spec.deletionPolicy.
func (a *WassistAgent) GetDeletionPolicy() DeletionPolicy { return a.Spec.DeletionPolicy }

// GetConditions returns status.conditions.
func (d *WassistDeployment) GetConditions() []metav1.Condition { return d.Status.Conditions }

// SetConditions sets status.conditions.
func (d *WassistDeployment) SetConditions(c []metav1.Condition) { d.Status.Conditions = c }

// GetObservedGeneration returns status.observedGeneration.
func (d *WassistDeployment) GetObservedGeneration() int64 { return d.Status.ObservedGeneration }

// SetObservedGeneration sets status.observedGeneration.
func (d *WassistDeployment) SetObservedGeneration(g int64) { d.Status.ObservedGeneration = g }

// GetLastSyncTime returns status.lastSyncTime.
func (d *WassistDeployment) GetLastSyncTime() *metav1.Time { return d.Status.LastSyncTime }

// SetLastSyncTime sets status.lastSyncTime.
func (d *WassistDeployment) SetLastSyncTime(t *metav1.Time) { d.Status.LastSyncTime = t }

// GetAppliedHash returns status.appliedHash.
func (d *WassistDeployment) GetAppliedHash() string { return d.Status.AppliedHash }

// SetAppliedHash sets status.appliedHash.
func (d *WassistDeployment) SetAppliedHash(h string) { d.Status.AppliedHash = h }

// GetRemoteID returns status.phoneNumberID: a deployment's remote object is the number,
// named by its spec, and this is its Wassist id.
func (d *WassistDeployment) GetRemoteID() string { return d.Status.PhoneNumberID }

// SetRemoteID sets status.phoneNumberID.
func (d *WassistDeployment) SetRemoteID(id string) { d.Status.PhoneNumberID = id }

// GetDeletionPolicy returns spec.deletionPolicy.
func (d *WassistDeployment) GetDeletionPolicy() DeletionPolicy { return d.Spec.DeletionPolicy }

// GetConditions returns status.conditions.
func (t *WassistTemplate) GetConditions() []metav1.Condition { return t.Status.Conditions }

// SetConditions sets status.conditions.
func (t *WassistTemplate) SetConditions(c []metav1.Condition) { t.Status.Conditions = c }

// GetObservedGeneration returns status.observedGeneration.
func (t *WassistTemplate) GetObservedGeneration() int64 { return t.Status.ObservedGeneration }

// SetObservedGeneration sets status.observedGeneration.
func (t *WassistTemplate) SetObservedGeneration(g int64) { t.Status.ObservedGeneration = g }

// GetLastSyncTime returns status.lastSyncTime.
func (t *WassistTemplate) GetLastSyncTime() *metav1.Time { return t.Status.LastSyncTime }

// SetLastSyncTime sets status.lastSyncTime.
func (t *WassistTemplate) SetLastSyncTime(tm *metav1.Time) { t.Status.LastSyncTime = tm }

// GetAppliedHash returns status.appliedHash.
func (t *WassistTemplate) GetAppliedHash() string { return t.Status.AppliedHash }

// SetAppliedHash sets status.appliedHash.
func (t *WassistTemplate) SetAppliedHash(h string) { t.Status.AppliedHash = h }

// GetRemoteID returns status.templateID, the template the operator has seen exist.
func (t *WassistTemplate) GetRemoteID() string { return t.Status.TemplateID }

// SetRemoteID sets status.templateID.
func (t *WassistTemplate) SetRemoteID(id string) { t.Status.TemplateID = id }

// GetDeletionPolicy returns spec.deletionPolicy.
func (t *WassistTemplate) GetDeletionPolicy() DeletionPolicy { return t.Spec.DeletionPolicy }

// GetManagementPolicy returns spec.managementPolicy.
func (a *WassistAgent) GetManagementPolicy() ManagementPolicy { return a.Spec.ManagementPolicy }

// GetTakeover returns status.takeover.
func (a *WassistAgent) GetTakeover() *Takeover { return a.Status.Takeover }

// SetTakeover sets status.takeover.
func (a *WassistAgent) SetTakeover(t *Takeover) { a.Status.Takeover = t }

// GetManagementPolicy returns spec.managementPolicy.
func (d *WassistDeployment) GetManagementPolicy() ManagementPolicy { return d.Spec.ManagementPolicy }

// GetTakeover returns status.takeover.
func (d *WassistDeployment) GetTakeover() *Takeover { return d.Status.Takeover }

// SetTakeover sets status.takeover.
func (d *WassistDeployment) SetTakeover(t *Takeover) { d.Status.Takeover = t }

// GetManagementPolicy returns spec.managementPolicy.
func (t *WassistTemplate) GetManagementPolicy() ManagementPolicy { return t.Spec.ManagementPolicy }

// GetTakeover returns status.takeover.
func (t *WassistTemplate) GetTakeover() *Takeover { return t.Status.Takeover }

// SetTakeover sets status.takeover.
func (t *WassistTemplate) SetTakeover(tk *Takeover) { t.Status.Takeover = tk }

// GetKeyFingerprint returns status.keyFingerprint.
func (a *WassistAgent) GetKeyFingerprint() string { return a.Status.KeyFingerprint }

// SetKeyFingerprint sets status.keyFingerprint.
func (a *WassistAgent) SetKeyFingerprint(f string) { a.Status.KeyFingerprint = f }

// GetKeyFingerprint returns status.keyFingerprint.
func (d *WassistDeployment) GetKeyFingerprint() string { return d.Status.KeyFingerprint }

// SetKeyFingerprint sets status.keyFingerprint.
func (d *WassistDeployment) SetKeyFingerprint(f string) { d.Status.KeyFingerprint = f }

// GetKeyFingerprint returns status.keyFingerprint.
func (t *WassistTemplate) GetKeyFingerprint() string { return t.Status.KeyFingerprint }

// SetKeyFingerprint sets status.keyFingerprint.
func (t *WassistTemplate) SetKeyFingerprint(f string) { t.Status.KeyFingerprint = f }
