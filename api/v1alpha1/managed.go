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

func (a *WassistAgent) GetConditions() []metav1.Condition  { return a.Status.Conditions }
func (a *WassistAgent) SetConditions(c []metav1.Condition) { a.Status.Conditions = c }
func (a *WassistAgent) GetObservedGeneration() int64       { return a.Status.ObservedGeneration }
func (a *WassistAgent) SetObservedGeneration(g int64)      { a.Status.ObservedGeneration = g }
func (a *WassistAgent) GetLastSyncTime() *metav1.Time      { return a.Status.LastSyncTime }
func (a *WassistAgent) SetLastSyncTime(t *metav1.Time)     { a.Status.LastSyncTime = t }
func (a *WassistAgent) GetAppliedHash() string             { return a.Status.AppliedHash }
func (a *WassistAgent) SetAppliedHash(h string)            { a.Status.AppliedHash = h }
func (a *WassistAgent) GetRemoteID() string                { return a.Status.AgentID }
func (a *WassistAgent) SetRemoteID(id string)              { a.Status.AgentID = id }
func (a *WassistAgent) GetDeletionPolicy() DeletionPolicy  { return a.Spec.DeletionPolicy }

func (d *WassistDeployment) GetConditions() []metav1.Condition  { return d.Status.Conditions }
func (d *WassistDeployment) SetConditions(c []metav1.Condition) { d.Status.Conditions = c }
func (d *WassistDeployment) GetObservedGeneration() int64       { return d.Status.ObservedGeneration }
func (d *WassistDeployment) SetObservedGeneration(g int64)      { d.Status.ObservedGeneration = g }
func (d *WassistDeployment) GetLastSyncTime() *metav1.Time      { return d.Status.LastSyncTime }
func (d *WassistDeployment) SetLastSyncTime(t *metav1.Time)     { d.Status.LastSyncTime = t }

func (d *WassistDeployment) GetAppliedHash() string  { return d.Status.AppliedHash }
func (d *WassistDeployment) SetAppliedHash(h string) { d.Status.AppliedHash = h }

// A deployment's remote object is the number, named by its spec; its Wassist id is
// status.phoneNumberID.
func (d *WassistDeployment) GetRemoteID() string   { return d.Status.PhoneNumberID }
func (d *WassistDeployment) SetRemoteID(id string) { d.Status.PhoneNumberID = id }

// A deployment never deletes anything remote: Wassist's number stays as it is.
func (d *WassistDeployment) GetDeletionPolicy() DeletionPolicy { return DeletionPolicyOrphan }
