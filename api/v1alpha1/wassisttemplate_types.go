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

// The rules below are Meta's rules for the shape of a message template, checked at
// admission so that a template Meta would reject for its shape never reaches the API:
// placeholders are {{1}}, {{2}}, ... in order (POSITIONAL) or {{snake_case}} (NAMED), each
// with an example; the body may not start or end with one; buttons by kind and count.
// What Meta decides about content (a promotional UTILITY template, say) comes back as its
// review, on status.accounts.

// WassistTemplateSpec is a WhatsApp message template, published to WhatsApp Business
// accounts for Meta's review.
// +kubebuilder:validation:XValidation:rule="self.parameterFormat != 'POSITIONAL' || self.body.text.findAll('\\\\{\\\\{[^}]*\\\\}\\\\}', 21).all(p, p.matches('^\\\\{\\\\{[1-9][0-9]?\\\\}\\\\}$'))",message="with parameterFormat POSITIONAL, body placeholders are {{1}}, {{2}}, ..."
// +kubebuilder:validation:XValidation:rule="self.parameterFormat != 'NAMED' || self.body.text.findAll('\\\\{\\\\{[^}]*\\\\}\\\\}', 21).all(p, p.matches('^\\\\{\\\\{[a-z][a-z0-9_]*\\\\}\\\\}$'))",message="with parameterFormat NAMED, body placeholders are lowercase snake_case names, e.g. {{order_id}}"
// +kubebuilder:validation:XValidation:rule="self.parameterFormat != 'POSITIONAL' || self.body.text.findAll('\\\\{\\\\{[0-9]+\\\\}\\\\}', 21).all(p, int(p.substring(2, p.size() - 2)) <= (has(self.body.examples) ? size(self.body.examples) : 0))",message="every body placeholder {{n}} needs an example: body.examples must have at least n entries"
// +kubebuilder:validation:XValidation:rule="self.parameterFormat != 'POSITIONAL' || !has(self.body.examples) || self.body.text.findAll('\\\\{\\\\{[0-9]+\\\\}\\\\}', 21).exists(p, int(p.substring(2, p.size() - 2)) == size(self.body.examples))",message="body.examples has an entry for a placeholder the body does not use: with POSITIONAL, examples go in the order {{1}}, {{2}}, ..."
// +kubebuilder:validation:XValidation:rule="self.parameterFormat != 'NAMED' || self.body.text.findAll('\\\\{\\\\{[a-z][a-z0-9_]*\\\\}\\\\}', 21).all(p, has(self.body.namedExamples) && p.substring(2, p.size() - 2) in self.body.namedExamples.map(e, e.name))",message="every body placeholder {{name}} needs an entry in body.namedExamples"
// +kubebuilder:validation:XValidation:rule="self.parameterFormat == 'NAMED' || !has(self.body.namedExamples)",message="body.namedExamples is for parameterFormat NAMED; use body.examples"
// +kubebuilder:validation:XValidation:rule="!has(self.buttons) || self.buttons.all(b, b.type != 'OTP') || self.category == 'AUTHENTICATION'",message="OTP buttons are for AUTHENTICATION templates"
// +kubebuilder:validation:XValidation:rule="self.category != 'AUTHENTICATION' || !has(self.header) || self.header.format == 'TEXT'",message="an AUTHENTICATION template has no media header"
type WassistTemplateSpec struct {
	// apiKeySecretRef names the Secret, in this namespace, holding the Wassist API key.
	// +required
	APIKeySecretRef SecretKeySelector `json:"apiKeySecretRef"`

	// name of the template, as Meta knows it: lowercase letters, digits and underscores.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9_]*$`
	// +required
	Name string `json:"name"`

	// category Meta files the template under, which sets what it may say and what it costs.
	// +required
	Category TemplateCategory `json:"category"`

	// language of the template, as Meta writes it: "en_US", "pt_BR", "de".
	// +kubebuilder:validation:Pattern=`^[a-z]{2,3}(_[A-Z]{2})?$`
	// +kubebuilder:validation:MaxLength=6
	// +kubebuilder:default=en_US
	// +optional
	Language string `json:"language,omitempty"`

	// parameterFormat says how placeholders are written: {{1}} (POSITIONAL) or {{name}} (NAMED).
	// +kubebuilder:default=POSITIONAL
	// +optional
	ParameterFormat TemplateParameterFormat `json:"parameterFormat,omitempty"`

	// header is the optional first line: text, or an image, video or document.
	// +optional
	Header *TemplateHeader `json:"header,omitempty"`

	// body is the message itself.
	// +required
	Body TemplateBody `json:"body"`

	// footer is an optional last line, in small type, without placeholders.
	// +optional
	Footer *TemplateFooter `json:"footer,omitempty"`

	// buttons under the message: at most 10, of which at most 2 URL, 1 PHONE_NUMBER and 1
	// COPY_CODE.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:XValidation:rule="self.filter(b, b.type == 'URL').size() <= 2",message="at most 2 URL buttons"
	// +kubebuilder:validation:XValidation:rule="self.filter(b, b.type == 'PHONE_NUMBER').size() <= 1",message="at most 1 PHONE_NUMBER button"
	// +kubebuilder:validation:XValidation:rule="self.filter(b, b.type == 'COPY_CODE').size() <= 1",message="at most 1 COPY_CODE button"
	// +listType=atomic
	// +optional
	Buttons []TemplateButton `json:"buttons,omitempty"`

	// publishTo are the WhatsApp Business accounts (their Wassist ids) the template is
	// published to, each submitting it to Meta's review. The published set follows it:
	// an account removed here is unpublished.
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:Format=uuid
	// +kubebuilder:validation:items:MaxLength=36
	// +listType=set
	// +optional
	PublishTo []string `json:"publishTo,omitempty"`

	// deletionPolicy and managementPolicy, as every kind has them.
	ManagedSpec `json:",inline"`
}

// TemplateCategory is Meta's category of a template.
// +kubebuilder:validation:Enum=UTILITY;MARKETING;AUTHENTICATION
type TemplateCategory string

// TemplateParameterFormat is how a template writes its placeholders.
// +kubebuilder:validation:Enum=POSITIONAL;NAMED
type TemplateParameterFormat string

// TemplateHeader is a template's header.
// +kubebuilder:validation:XValidation:rule="self.format != 'TEXT' || has(self.text)",message="a TEXT header needs text"
// +kubebuilder:validation:XValidation:rule="self.format == 'TEXT' || (!has(self.text) && has(self.mediaExample))",message="a media header has no text, and needs mediaExample: a URL of a sample image, video or document for Meta's review"
// +kubebuilder:validation:XValidation:rule="!has(self.text) || self.text.findAll('\\\\{\\\\{[^}]*\\\\}\\\\}', 2).size() <= 1",message="a header has at most one placeholder"
// +kubebuilder:validation:XValidation:rule="!has(self.text) || self.text.findAll('\\\\{\\\\{[^}]*\\\\}\\\\}', 2).size() == 0 || has(self.example)",message="a header placeholder needs an example"
type TemplateHeader struct {
	// format of the header.
	// +kubebuilder:validation:Enum=TEXT;IMAGE;VIDEO;DOCUMENT
	// +kubebuilder:default=TEXT
	// +optional
	Format string `json:"format,omitempty"`

	// text of a TEXT header, with at most one placeholder.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=60
	// +optional
	Text string `json:"text,omitempty"`

	// example is the value of the header's placeholder shown to Meta's reviewers.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=60
	// +optional
	Example string `json:"example,omitempty"`

	// mediaExample is the URL of a sample of a media header, for Meta's review.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') && isURL(self)",message="mediaExample must be an https URL"
	// +optional
	MediaExample string `json:"mediaExample,omitempty"`
}

// TemplateBody is a template's text.
// +kubebuilder:validation:XValidation:rule="!self.text.trim().startsWith('{{') && !self.text.trim().endsWith('}}')",message="the body may not start or end with a placeholder (Meta rejects it): put words before and after"
type TemplateBody struct {
	// text of the message, up to 1024 characters, with placeholders in the template's format.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.trim().size() > 0",message="body text must not be blank"
	// +required
	Text string `json:"text"`

	// examples are the values of {{1}}, {{2}}, ... in order, shown to Meta's reviewers.
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	// +listType=atomic
	// +optional
	Examples []string `json:"examples,omitempty"`

	// namedExamples are the values of the named placeholders, shown to Meta's reviewers.
	// +kubebuilder:validation:MaxItems=20
	// +listType=map
	// +listMapKey=name
	// +optional
	NamedExamples []TemplateNamedExample `json:"namedExamples,omitempty"`
}

// TemplateNamedExample is an example value of a named placeholder.
type TemplateNamedExample struct {
	// name of the placeholder, without braces: "order_id" for {{order_id}}.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9_]*$`
	// +required
	Name string `json:"name"`

	// example value.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	Example string `json:"example"`
}

// TemplateFooter is a template's footer.
type TemplateFooter struct {
	// text of the footer, without placeholders.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=60
	// +kubebuilder:validation:XValidation:rule="!self.contains('{{')",message="a footer has no placeholders"
	// +required
	Text string `json:"text"`
}

// TemplateButton is a button under a template's message.
// +kubebuilder:validation:XValidation:rule="(self.type == 'URL') == has(self.url)",message="url is set on URL buttons, and only on them"
// +kubebuilder:validation:XValidation:rule="(self.type == 'PHONE_NUMBER') == has(self.phoneNumber)",message="phoneNumber is set on PHONE_NUMBER buttons, and only on them"
// +kubebuilder:validation:XValidation:rule="!has(self.url) || !self.url.contains('{{') || has(self.example)",message="a URL with a placeholder needs an example: the full URL as a customer would get it"
type TemplateButton struct {
	// type of the button.
	// +kubebuilder:validation:Enum=QUICK_REPLY;URL;PHONE_NUMBER;COPY_CODE;OTP
	// +required
	Type string `json:"type"`

	// text on the button.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=25
	// +required
	Text string `json:"text"`

	// url a URL button opens (https), which may end in one {{1}} placeholder.
	// +kubebuilder:validation:MaxLength=2000
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://') && isURL(self.replace('{{1}}', 'x'))",message="url must be an https URL"
	// +optional
	URL string `json:"url,omitempty"`

	// phoneNumber a PHONE_NUMBER button calls, E.164 with "+".
	// +kubebuilder:validation:Pattern=`^\+[1-9][0-9]{6,14}$`
	// +kubebuilder:validation:MaxLength=16
	// +optional
	PhoneNumber string `json:"phoneNumber,omitempty"`

	// example is the full URL of a URL button whose url has a placeholder, for Meta's review.
	// +kubebuilder:validation:MaxLength=2000
	// +optional
	Example string `json:"example,omitempty"`
}

// TemplateAccountStatus is the template as published to one WhatsApp Business account.
type TemplateAccountStatus struct {
	// accountID is the Wassist id of the WhatsApp Business account.
	AccountID string `json:"accountID"`
	// accountName is the account's name.
	// +optional
	AccountName string `json:"accountName,omitempty"`
	// metaTemplateID is Meta's id of the template in that account.
	// +optional
	MetaTemplateID string `json:"metaTemplateID,omitempty"`
	// status is Meta's review status: PENDING, APPROVED, REJECTED, PAUSED (or DRAFT).
	// +optional
	Status string `json:"status,omitempty"`
	// qualityScore is Meta's quality rating: GREEN, YELLOW, RED or UNKNOWN.
	// +optional
	QualityScore string `json:"qualityScore,omitempty"`
	// rejectionReason is Meta's reason when status is REJECTED.
	// +optional
	RejectionReason string `json:"rejectionReason,omitempty"`
}

// WassistTemplateStatus is the template as last observed on Wassist.
type WassistTemplateStatus struct {
	// keyFingerprint, observedGeneration, conditions, lastSyncTime, appliedHash and
	// takeover, as every kind has them.
	ManagedStatus `json:",inline"`

	// templateID is the Wassist id of the template.
	// +optional
	TemplateID string `json:"templateID,omitempty"`

	// accounts are the accounts the template is published to, with Meta's review in each.
	// +listType=map
	// +listMapKey=accountID
	// +optional
	Accounts []TemplateAccountStatus `json:"accounts,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=wtemplate,categories=wassist
// +kubebuilder:printcolumn:name="Template",type=string,JSONPath=`.spec.name`
// +kubebuilder:printcolumn:name="Category",type=string,JSONPath=`.spec.category`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Synced",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Synced")].reason`
// +kubebuilder:printcolumn:name="Review",type=string,JSONPath=`.status.accounts[*].status`
// +kubebuilder:printcolumn:name="Message",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Synced")].message`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// WassistTemplate is a WhatsApp message template managed on Wassist and reviewed by Meta.
type WassistTemplate struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is a standard object metadata
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the desired template.
	// +required
	Spec WassistTemplateSpec `json:"spec"`

	// status is the template as last observed. The API server serves observedGeneration 0
	// until the operator has looked, so that GitOps tools (kstatus) read a new resource as
	// in progress rather than current.
	// +kubebuilder:default={observedGeneration:0}
	// +optional
	Status WassistTemplateStatus `json:"status,omitzero"`
}

// +kubebuilder:object:root=true

// WassistTemplateList contains a list of WassistTemplate.
type WassistTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitzero"`
	Items           []WassistTemplate `json:"items"`
}

func init() {
	SchemeBuilder.Register(func(s *runtime.Scheme) error {
		s.AddKnownTypes(SchemeGroupVersion, &WassistTemplate{}, &WassistTemplateList{})
		return nil
	})
}
