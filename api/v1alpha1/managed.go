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

// What the operator's managed core reads and writes of every kind (docs/design.md, "The
// managed core"): the shared spec and status, and the id of the remote object, which
// each kind names in its own words.

// Managed returns the shared spec fields.
func (a *WassistAgent) Managed() ManagedSpec { return a.Spec.ManagedSpec }

// ManagedStatus returns the shared status fields, to read and write.
func (a *WassistAgent) ManagedStatus() *ManagedStatus { return &a.Status.ManagedStatus }

// GetRemoteID returns status.agentID, the agent the operator has seen exist.
func (a *WassistAgent) GetRemoteID() string { return a.Status.AgentID }

// SetRemoteID sets status.agentID.
func (a *WassistAgent) SetRemoteID(id string) { a.Status.AgentID = id }

// Managed returns the shared spec fields.
func (d *WassistDeployment) Managed() ManagedSpec { return d.Spec.ManagedSpec }

// ManagedStatus returns the shared status fields, to read and write.
func (d *WassistDeployment) ManagedStatus() *ManagedStatus { return &d.Status.ManagedStatus }

// GetRemoteID returns status.phoneNumberID, the number the operator has seen exist.
func (d *WassistDeployment) GetRemoteID() string { return d.Status.PhoneNumberID }

// SetRemoteID sets status.phoneNumberID.
func (d *WassistDeployment) SetRemoteID(id string) { d.Status.PhoneNumberID = id }

// Managed returns the shared spec fields.
func (t *WassistTemplate) Managed() ManagedSpec { return t.Spec.ManagedSpec }

// ManagedStatus returns the shared status fields, to read and write.
func (t *WassistTemplate) ManagedStatus() *ManagedStatus { return &t.Status.ManagedStatus }

// GetRemoteID returns status.templateID, the template the operator has seen exist.
func (t *WassistTemplate) GetRemoteID() string { return t.Status.TemplateID }

// SetRemoteID sets status.templateID.
func (t *WassistTemplate) SetRemoteID(id string) { t.Status.TemplateID = id }
