package template

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller/kit"
	"github.com/wassist-operator/wassist-operator/internal/controller/managed"
	"github.com/wassist-operator/wassist-operator/internal/fielddiff"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// templateView is a template reduced to what the spec controls, in one form for both
// sides: its content as the API writes it, and the accounts it is published to.
type templateView struct {
	Input     wassist.TemplateInput
	PublishTo []string // sorted
}

// desiredTemplate is the template the spec asks for.
func desiredTemplate(tpl *wassistv1alpha1.WassistTemplate) templateView {
	spec := tpl.Spec
	in := wassist.TemplateInput{Name: spec.Name, Category: string(spec.Category), Language: cmp.Or(spec.Language, "en_US"),
		ParameterFormat: cmp.Or(string(spec.ParameterFormat), "POSITIONAL")}
	named := in.ParameterFormat == "NAMED"
	if h := spec.Header; h != nil {
		c := wassist.TemplateComponent{Type: "HEADER", Format: cmp.Or(h.Format, "TEXT"), Text: h.Text}
		switch {
		case h.MediaExample != "":
			c.Example = &wassist.TemplateExample{HeaderURL: []string{h.MediaExample}}
		case h.Example != "" && named:
			c.Example = &wassist.TemplateExample{HeaderTextNamedParams: []wassist.TemplateNamedParam{
				{ParamName: firstPlaceholder(h.Text), Example: h.Example}}}
		case h.Example != "":
			c.Example = &wassist.TemplateExample{HeaderText: []string{h.Example}}
		}
		in.Components = append(in.Components, c)
	}
	body := wassist.TemplateComponent{Type: "BODY", Text: spec.Body.Text}
	switch {
	case len(spec.Body.NamedExamples) > 0:
		body.Example = &wassist.TemplateExample{}
		for _, e := range spec.Body.NamedExamples {
			body.Example.BodyTextNamedParams = append(body.Example.BodyTextNamedParams,
				wassist.TemplateNamedParam{ParamName: e.Name, Example: e.Example})
		}
	case len(spec.Body.Examples) > 0:
		body.Example = &wassist.TemplateExample{BodyText: [][]string{slices.Clone(spec.Body.Examples)}}
	}
	in.Components = append(in.Components, body)
	if f := spec.Footer; f != nil {
		in.Components = append(in.Components, wassist.TemplateComponent{Type: "FOOTER", Text: f.Text})
	}
	if len(spec.Buttons) > 0 {
		c := wassist.TemplateComponent{Type: "BUTTONS"}
		for _, b := range spec.Buttons {
			btn := wassist.TemplateButton{Type: b.Type, Text: b.Text, URL: b.URL, PhoneNumber: b.PhoneNumber}
			if b.Example != "" {
				btn.Example = []string{b.Example}
			}
			c.Buttons = append(c.Buttons, btn)
		}
		in.Components = append(in.Components, c)
	}
	return templateView{Input: in, PublishTo: slices.Sorted(slices.Values(spec.PublishTo))}
}

var placeholder = regexp.MustCompile(`\{\{([^}]*)\}\}`)

// firstPlaceholder is the name inside a text's first {{...}}.
func firstPlaceholder(text string) string {
	if m := placeholder.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// remoteTemplate is the part of a remote template the spec controls.
func remoteTemplate(t *wassist.Template) templateView {
	v := templateView{Input: wassist.TemplateInput{Name: t.Name, Category: t.Category, Language: t.Language,
		ParameterFormat: cmp.Or(t.ParameterFormat, "POSITIONAL"), Components: t.Components}}
	for _, l := range t.AccountLinks {
		v.PublishTo = append(v.PublishTo, l.AccountID)
	}
	slices.Sort(v.PublishTo)
	return v
}

// sameContent says whether two views hold the same template, whatever they are
// published to. Components compare as JSON: empty and absent lists are one.
func (v templateView) sameContent(o templateView) bool {
	a, _ := json.Marshal(v.Input)
	b, _ := json.Marshal(o.Input)
	return string(a) == string(b)
}

// templateChanges names what differs between want and got, as the spec writes it
// (category, body, buttons, publishTo[account]), and what of it an update would erase: a
// component the spec leaves out, an account it no longer publishes to.
func templateChanges(want, got templateView) (changes, erases []string) {
	for _, f := range []struct{ name, want, got string }{
		{"name", want.Input.Name, got.Input.Name},
		{"language", want.Input.Language, got.Input.Language},
		{"category", want.Input.Category, got.Input.Category},
		{"parameterFormat", want.Input.ParameterFormat, got.Input.ParameterFormat},
	} {
		if f.want != f.got {
			changes = append(changes, f.name)
		}
	}
	components := func(v templateView) map[string]string {
		m := map[string]string{}
		for _, c := range v.Input.Components {
			data, _ := json.Marshal(c)
			m[strings.ToLower(c.Type)] = string(data)
		}
		return m
	}
	w, g := components(want), components(got)
	for _, typ := range []string{"header", "body", "footer", "buttons"} {
		if w[typ] != g[typ] {
			changes = append(changes, typ)
		}
		if w[typ] == "" && g[typ] != "" {
			erases = append(erases, typ)
		}
	}
	for _, acc := range got.PublishTo {
		if !slices.Contains(want.PublishTo, acc) {
			erases = append(erases, "publishTo["+acc+"]")
		}
	}
	if !slices.Equal(kit.NilIfEmpty(want.PublishTo), kit.NilIfEmpty(got.PublishTo)) {
		changes = append(changes, "publishTo")
	}
	return changes, erases
}

func (v templateView) equal(o templateView) bool {
	return v.sameContent(o) && reflect.DeepEqual(kit.NilIfEmpty(v.PublishTo), kit.NilIfEmpty(o.PublishTo))
}

func (v templateView) hash() string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}

// publishChanges are the accounts to publish to and to unpublish from, so that the
// published set becomes v's.
func (v templateView) publishChanges(remote templateView) (publish, unpublish []string) {
	for _, id := range v.PublishTo {
		if !slices.Contains(remote.PublishTo, id) {
			publish = append(publish, id)
		}
	}
	for _, id := range remote.PublishTo {
		if !slices.Contains(v.PublishTo, id) {
			unpublish = append(unpublish, id)
		}
	}
	return publish, unpublish
}

// reviewOf says what Meta's review of the accounts in publishTo still waits for: nil
// when the template is approved in each of them.
func reviewOf(links []wassist.TemplateAccountLink, publishTo []string) *managed.WaitingError {
	var pending, rejected []string
	for _, l := range links {
		if !slices.Contains(publishTo, l.AccountID) {
			continue
		}
		switch l.Status {
		case "APPROVED":
		case "REJECTED":
			rejected = append(rejected, accountLabel(l)+": "+cmp.Or(l.RejectionReason, "no reason given"))
		default:
			pending = append(pending, accountLabel(l)+" ("+cmp.Or(l.Status, "not submitted")+")")
		}
	}
	switch {
	case len(rejected) > 0:
		return &managed.WaitingError{Reason: wassistv1alpha1.ReasonTemplateRejected, Stalled: true,
			Message: "Meta rejected the template in " + strings.Join(rejected, "; ") +
				"; change the template to submit it again"}
	case len(pending) > 0:
		return &managed.WaitingError{Reason: wassistv1alpha1.ReasonReviewPending,
			Message: "waiting for Meta's review in " + fielddiff.List(pending)}
	}
	return nil
}

func accountLabel(l wassist.TemplateAccountLink) string {
	return "account " + cmp.Or(l.AccountName, l.AccountID)
}
