//nolint:goconst // literal paths and wire bodies are the assertions; naming them would hide what is checked
package wassisttest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// templateBody is a create body: the name order_ready, category UTILITY and components.
func templateBody(components ...any) map[string]any {
	components = append([]any{}, components...) // never null: a nil Go slice would be a 400
	return map[string]any{"name": "order_ready", "category": "UTILITY", "components": components}
}

// namedBody is templateBody in the NAMED parameter format.
func namedBody(components ...any) map[string]any {
	b := templateBody(components...)
	b["parameterFormat"] = "NAMED"
	return b
}

func body(text string, example any) map[string]any {
	c := map[string]any{"type": "BODY", "text": text}
	if example != nil {
		c["example"] = example
	}
	return c
}

func buttons(b ...any) map[string]any {
	return map[string]any{"type": "BUTTONS", "buttons": append([]any{}, b...)}
}

func quickReply(text string) map[string]any {
	return map[string]any{"type": "QUICK_REPLY", "text": text}
}

// createTemplate creates a template through the API and returns it decoded.
func (m *sim) createTemplate(key string, b map[string]any) map[string]any {
	m.t.Helper()
	r := m.do(http.MethodPost, "/whatsapp-templates/", key, b)
	expectStatus(m.t, r, http.StatusCreated)
	return r.object(m.t)
}

func TestCreateTemplateTakesTheDefaultsAndServesItBack(t *testing.T) {
	m := newSim(t, wassisttest.Options{Clock: wassisttest.NewFakeClock(t0)})
	r := m.do(http.MethodPost, "/whatsapp-templates/", keyA, templateBody(body("Your order is ready.", nil)))
	expectStatus(t, r, http.StatusCreated)
	id := str(t, r.object(t), "id")
	want := `{"id":"` + id + `","name":"order_ready","category":"UTILITY","language":"en_US","parameterFormat":"POSITIONAL",
		"components":[{"type":"BODY","text":"Your order is ready."}],"accountLinks":[],
		"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}`
	expectEqualJSON(t, r.body, want)
	expectJSON(t, m.do(http.MethodGet, "/whatsapp-templates/"+id+"/", keyA, nil), http.StatusOK, want)
	if items := m.do(http.MethodGet, "/whatsapp-templates/", keyA, nil).items(t); len(items) != 1 || mustJSON(t, items[0]) != mustJSON(t, r.object(t)) {
		t.Fatalf("list = %v", items)
	}
	expectStatus(t, m.do(http.MethodGet, "/whatsapp-templates/"+id+"/", keyB, nil), http.StatusNotFound)
	expectStatus(t, m.do(http.MethodPut, "/whatsapp-templates/"+id+"/", keyA, templateBody()), http.StatusMethodNotAllowed)
}

// Every part Meta allows comes back as it was sent: snake_case inside components.
func TestAFullTemplateComesBackAsSent(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	components := []any{
		map[string]any{"type": "HEADER", "format": "TEXT", "text": "Order {{order_id}}",
			"example": map[string]any{"header_text_named_params": []any{map[string]any{"param_name": "order_id", "example": "A-17"}}}},
		body("Hi {{first_name}}, your {{drink}} is ready.", map[string]any{"body_text_named_params": []any{
			map[string]any{"param_name": "first_name", "example": "Ann"}, map[string]any{"param_name": "drink", "example": "flat white"}}}),
		map[string]any{"type": "FOOTER", "text": "Daily Grind"},
		buttons(
			map[string]any{"type": "URL", "text": "Track", "url": "https://shop.example.com/orders/{{1}}",
				"example": []any{"https://shop.example.com/orders/A-17"}},
			map[string]any{"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+447700900100"},
			map[string]any{"type": "COPY_CODE", "text": "Copy code", "example": []any{"SAVE20"}},
			quickReply("Thanks"),
		),
	}
	b := namedBody(components...)
	b["language"], b["category"] = "en_GB", "MARKETING"
	got := m.createTemplate(keyA, b)
	expectEqualJSON(t, []byte(mustJSON(t, got["components"])), mustJSON(t, components))
	if got["language"] != "en_GB" || got["parameterFormat"] != "NAMED" || got["category"] != "MARKETING" {
		t.Fatalf("template = %v", got)
	}

	image := []any{
		map[string]any{"type": "HEADER", "format": "IMAGE", "example": map[string]any{"header_handle": []any{"4::aW1hZ2U="}}},
		body("Hi {{1}}", map[string]any{"body_text": []any{[]any{"Ann"}}}),
	}
	b = templateBody(image...)
	b["name"] = "with_image"
	got = m.createTemplate(keyA, b)
	expectEqualJSON(t, []byte(mustJSON(t, got["components"])), mustJSON(t, image))
}

func TestTemplateWritesAreValidatedLikeMeta(t *testing.T) {
	m := newSim(t, wassisttest.Options{RateLimit: -1})
	ok := body("Hello", nil)
	footer := map[string]any{"type": "FOOTER", "text": "Daily Grind"}
	textHeader := func(text string) map[string]any {
		return map[string]any{"type": "HEADER", "format": "TEXT", "text": text}
	}
	elevenButtons := make([]any, 11)
	for i := range elevenButtons {
		elevenButtons[i] = quickReply(fmt.Sprint("Option ", i))
	}
	url := func(u string) map[string]any { return map[string]any{"type": "URL", "text": "Open", "url": u} }
	with := func(b map[string]any, key string, v any) map[string]any { b[key] = v; return b }
	cases := []struct {
		name string
		body any
		want string
	}{
		{"nothing", map[string]any{}, `{"name":["This field is required."],"category":["This field is required."],` +
			`"components":["This field is required."]}`},
		{"a name with spaces and capitals", with(templateBody(ok), "name", "Order Ready"),
			`{"name":["Use only lowercase letters, digits and underscores, starting with a letter."]}`},
		{"a name starting with a digit", with(templateBody(ok), "name", "1st_order"),
			`{"name":["Use only lowercase letters, digits and underscores, starting with a letter."]}`},
		{"a name too long", with(templateBody(ok), "name", strings.Repeat("a", 513)),
			`{"name":["Ensure this field has no more than 512 characters."]}`},
		{"an unknown category", with(templateBody(ok), "category", "PROMO"), `{"category":["\"PROMO\" is not a valid choice."]}`},
		{"a language that is not a code", with(templateBody(ok), "language", "English"),
			`{"language":["Enter a language code such as en_US."]}`},
		{"a blank language", with(templateBody(ok), "language", ""), `{"language":["This field may not be blank."]}`},
		{"an unknown parameter format", with(templateBody(ok), "parameterFormat", "ORDERED"),
			`{"parameterFormat":["\"ORDERED\" is not a valid choice."]}`},
		{"components not a list", with(templateBody(), "components", "BODY"),
			`{"components":["Expected a list of items but got type \"str\"."]}`},
		{"no BODY", templateBody(), `{"components":["A template needs exactly one BODY component."]}`},
		{"two BODYs", templateBody(ok, ok), `{"components":["A template needs exactly one BODY component."]}`},
		{"two FOOTERs", templateBody(ok, footer, footer), `{"components":["A template may have at most one FOOTER component."]}`},
		{"an unknown component", templateBody(ok, map[string]any{"type": "CAROUSEL"}),
			`{"components":[{},{"type":["\"CAROUSEL\" is not a valid choice."]}]}`},
		{"a component that is not an object", templateBody(ok, "FOOTER"),
			`{"components":[{},{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}]}`},
		{"a BODY with a format", templateBody(map[string]any{"type": "BODY", "format": "TEXT", "text": "Hi"}),
			`{"components":[{"format":["A BODY component has no format."]}]}`},
		{"a BODY without text", templateBody(map[string]any{"type": "BODY"}), `{"components":[{"text":["This field is required."]}]}`},
		{"a BODY too long", templateBody(body(strings.Repeat("a", 1025), nil)),
			`{"components":[{"text":["Ensure this field has no more than 1024 characters."]}]}`},
		{"a HEADER too long", templateBody(textHeader(strings.Repeat("a", 61)), ok),
			`{"components":[{"text":["Ensure this field has no more than 60 characters."]},{}]}`},
		{"a HEADER without format", templateBody(map[string]any{"type": "HEADER", "text": "Hi"}, ok),
			`{"components":[{"format":["This field is required."]},{}]}`},
		{"a HEADER with two variables", templateBody(textHeader("{{1}} {{2}}"), ok),
			`{"components":[{"text":["A HEADER may have at most 1 variable."]},{}]}`},
		{"an IMAGE HEADER with text", templateBody(map[string]any{"type": "HEADER", "format": "IMAGE", "text": "Hi",
			"example": map[string]any{"header_handle": []any{"4::aW1hZ2U="}}}, ok),
			`{"components":[{"text":["A HEADER of format IMAGE has no text."]},{}]}`},
		{"an IMAGE HEADER without example", templateBody(map[string]any{"type": "HEADER", "format": "IMAGE"}, ok),
			`{"components":[{"example":["A media HEADER needs an example: header_handle or header_url."]},{}]}`},
		{"a FOOTER too long", templateBody(ok, map[string]any{"type": "FOOTER", "text": strings.Repeat("a", 61)}),
			`{"components":[{},{"text":["Ensure this field has no more than 60 characters."]}]}`},
		{"a FOOTER with a variable", templateBody(ok, map[string]any{"type": "FOOTER", "text": "Ref {{1}}"}),
			`{"components":[{},{"text":["A FOOTER may not have variables."]}]}`},
		{"variables with a gap", templateBody(body("Hi {{1}}, {{3}}", map[string]any{"body_text": []any{[]any{"a", "b"}}})),
			`{"components":[{"text":["Positional variables must be numbered {{1}} to {{2}} without gaps."]}]}`},
		{"a named variable in a POSITIONAL template", templateBody(body("Hi {{name}}", nil)),
			`{"components":[{"text":["{{name}} is not a positional variable such as {{1}}."]}]}`},
		{"a positional variable in a NAMED template", namedBody(body("Hi {{1}}", nil)),
			`{"components":[{"text":["{{1}} is not a named variable such as {{first_name}}."]}]}`},
		{"unbalanced braces", templateBody(body("Hi {{1}", nil)),
			`{"components":[{"text":["Unbalanced braces: write a variable as {{1}} or {{name}}."]}]}`},
		{"variables without an example", templateBody(body("Hi {{1}}", nil)),
			`{"components":[{"example":["Give an example for each of the 1 variable(s)."]}]}`},
		{"too few examples", templateBody(body("{{1}} {{2}}", map[string]any{"body_text": []any{[]any{"a"}}})),
			`{"components":[{"example":{"body_text":["The text has 2 variable(s) but the example gives 1."]}}]}`},
		{"an example for a text without variables", templateBody(body("Hello", map[string]any{"body_text": []any{[]any{"a"}}})),
			`{"components":[{"example":{"body_text":["The text has 0 variable(s) but the example gives 1."]}}]}`},
		{"two rows of examples", templateBody(body("{{1}}", map[string]any{"body_text": []any{[]any{"a"}, []any{"b"}}})),
			`{"components":[{"example":{"body_text":["Give one row of examples, not 2."]}}]}`},
		{"a blank example", templateBody(body("{{1}}", map[string]any{"body_text": []any{[]any{" "}}})),
			`{"components":[{"example":{"body_text":["An example may not be blank."]}}]}`},
		{"positional examples in a NAMED template", namedBody(body("Hi {{first_name}}", map[string]any{"body_text": []any{[]any{"Ann"}}})),
			`{"components":[{"example":{"body_text":["A NAMED template gives its examples in body_text_named_params."],` +
				`"body_text_named_params":["This field is required."]}}]}`},
		{"a named variable without its example", namedBody(body("Hi {{first_name}} in {{city}}", map[string]any{
			"body_text_named_params": []any{map[string]any{"param_name": "first_name", "example": "Ann"}}})),
			`{"components":[{"example":{"body_text_named_params":["{{city}} has no example."]}}]}`},
		{"an example of no variable", namedBody(body("Hi {{first_name}}", map[string]any{"body_text_named_params": []any{
			map[string]any{"param_name": "first_name", "example": "Ann"}, map[string]any{"param_name": "city", "example": "Leeds"}}})),
			`{"components":[{"example":{"body_text_named_params":["{{city}} is not a variable of the text."]}}]}`},
		{"a header example in the body", templateBody(body("Hello", map[string]any{"header_text": []any{"a"}})),
			`{"components":[{"example":{"header_text":["Not an example this component takes."]}}]}`},
		{"no buttons", templateBody(ok, buttons()), `{"components":[{},{"buttons":["This list may not be empty."]}]}`},
		{"eleven buttons", templateBody(ok, buttons(elevenButtons...)),
			`{"components":[{},{"buttons":["A template may have at most 10 buttons."]}]}`},
		{"a button text too long", templateBody(ok, buttons(quickReply(strings.Repeat("a", 26)))),
			`{"components":[{},{"buttons":[{"text":["Ensure this field has no more than 25 characters."]}]}]}`},
		{"three URL buttons", templateBody(ok, buttons(url("https://a.example.com/"), url("https://b.example.com/"), url("https://c.example.com/"))),
			`{"components":[{},{"buttons":["A template may have at most 2 URL button(s), not 3."]}]}`},
		{"a URL button on http", templateBody(ok, buttons(url("http://shop.example.com/"))),
			`{"components":[{},{"buttons":[{"url":["Enter a valid URL that starts with https://."]}]}]}`},
		{"a URL variable without its example", templateBody(ok, buttons(url("https://shop.example.com/orders/{{1}}"))),
			`{"components":[{},{"buttons":[{"example":["This field is required."]}]}]}`},
		{"a URL variable in the middle", templateBody(ok, buttons(url("https://shop.example.com/{{1}}/track"))),
			`{"components":[{},{"buttons":[{"url":["A URL may have one variable, {{1}}, at its end."]}]}]}`},
		{"a phone button without a number", templateBody(ok, buttons(map[string]any{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "call us"})),
			`{"components":[{},{"buttons":[{"phone_number":["Enter a valid phone number."]}]}]}`},
		{"a quick reply with a url", templateBody(ok, buttons(map[string]any{"type": "QUICK_REPLY", "text": "Hi", "url": "https://a.example.com/"})),
			`{"components":[{},{"buttons":[{"url":["A QUICK_REPLY button has no url."]}]}]}`},
		{"a copy code without its code", templateBody(ok, buttons(map[string]any{"type": "COPY_CODE", "text": "Copy"})),
			`{"components":[{},{"buttons":[{"example":["This field is required."]}]}]}`},
		{"a button without type", templateBody(ok, buttons(map[string]any{"text": "Hi"})),
			`{"components":[{},{"buttons":[{"type":["This field is required."]}]}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectJSON(t, m.do(http.MethodPost, "/whatsapp-templates/", keyA, tc.body), http.StatusBadRequest, tc.want)
		})
	}
	if n := len(m.s.Templates(keyA)); n != 0 {
		t.Fatalf("refused creates stored %d templates", n)
	}
}

// A PATCH is checked as a create is, against the template it would make: a new parameter
// format alone is refused when the stored text does not fit it, and nothing is applied.
func TestPatchTemplateChecksTheTemplateItWouldMake(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	created := m.createTemplate(keyA, templateBody(body("Hi {{1}}", map[string]any{"body_text": []any{[]any{"Ann"}}})))
	path := "/whatsapp-templates/" + str(t, created, "id") + "/"
	expectJSON(t, m.do(http.MethodPatch, path, keyA, map[string]any{"parameterFormat": "NAMED"}), http.StatusBadRequest,
		`{"components":[{"text":["{{1}} is not a named variable such as {{first_name}}."]}]}`)
	expectJSON(t, m.do(http.MethodPatch, path, keyA, map[string]any{"name": "Bad Name", "category": "MARKETING"}), http.StatusBadRequest,
		`{"name":["Use only lowercase letters, digits and underscores, starting with a letter."]}`)
	if got := m.do(http.MethodGet, path, keyA, nil).object(t); mustJSON(t, got) != mustJSON(t, created) {
		t.Fatalf("a refused PATCH changed the template: %v", got)
	}
	r := m.do(http.MethodPatch, path, keyA, map[string]any{"parameterFormat": "NAMED", "components": []any{
		body("Hi {{first_name}}", map[string]any{"body_text_named_params": []any{map[string]any{"param_name": "first_name", "example": "Ann"}}}),
	}})
	expectStatus(t, r, http.StatusOK)
	if got := r.object(t); got["parameterFormat"] != "NAMED" || got["name"] != "order_ready" || got["category"] != "UTILITY" {
		t.Fatalf("patched = %v", got)
	}
	expectStatus(t, m.do(http.MethodPatch, "/whatsapp-templates/5b6f1c0e-2f7a-4c1e-9d0b-6a8e1f2c3d4e/", keyA, map[string]any{}),
		http.StatusNotFound)
}

// A name and language pair is the key's only once; the same name in another language, or in
// another key, is another template.
func TestTemplateNameAndLanguageAreUniquePerKey(t *testing.T) {
	m := newSim(t, wassisttest.Options{})
	b := templateBody(body("Hello", nil))
	m.createTemplate(keyA, b)
	expectJSON(t, m.do(http.MethodPost, "/whatsapp-templates/", keyA, b), http.StatusConflict,
		`{"error":"A template named \"order_ready\" in en_US already exists.","code":"conflict"}`)
	b["language"] = "pt_BR"
	other := m.createTemplate(keyA, b)
	m.createTemplate(keyB, templateBody(body("Hello", nil)))
	expectJSON(t, m.do(http.MethodPatch, "/whatsapp-templates/"+str(t, other, "id")+"/", keyA, map[string]any{"language": "en_US"}),
		http.StatusConflict, `{"error":"A template named \"order_ready\" in en_US already exists.","code":"conflict"}`)
	if n := len(m.s.Templates(keyA)); n != 2 {
		t.Fatalf("key A has %d templates, want 2", n)
	}
}
