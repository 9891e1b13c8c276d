package wassisttest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The template enums, as the SDK types them.
const (
	categoryMarketing = "MARKETING"
	componentHeader   = "HEADER"
	componentBody     = "BODY"
	componentFooter   = "FOOTER"
	componentButtons  = "BUTTONS"
	formatPositional  = "POSITIONAL"
	formatNamed       = "NAMED"
	headerFormatText  = "TEXT"
	buttonURL         = "URL"
	buttonPhoneNumber = "PHONE_NUMBER"
	buttonCopyCode    = "COPY_CODE"
)

var (
	templateCategories = []string{"UTILITY", categoryMarketing, "AUTHENTICATION"}
	parameterFormats   = []string{formatPositional, formatNamed}
	componentTypes     = []string{componentHeader, componentBody, componentFooter, componentButtons}
	headerFormats      = []string{headerFormatText, "IMAGE", "VIDEO", "DOCUMENT"}
	buttonTypes        = []string{"QUICK_REPLY", buttonURL, buttonPhoneNumber, buttonCopyCode, "FLOW", "OTP"}
)

// Meta's limits on templates (its message-template documentation); the API passes templates
// on to Meta, so it cannot accept more than Meta does.
const (
	templateNameMax = 512
	bodyTextMax     = 1024
	headerTextMax   = 60
	footerTextMax   = 60
	buttonTextMax   = 25
	copyCodeMax     = 15
	maxButtons      = 10
	maxURLButtons   = 2
	maxHeaderVars   = 1
)

// defaultTemplateLanguage is the language of a template created without one. The SDK makes
// language optional without saying what the API assumes; en_US is Meta's own first example.
const defaultTemplateLanguage = "en_US"

var (
	// templateNamePattern is Meta's rule for template names, also used for named variables.
	templateNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// languagePattern accepts Meta's language codes: "en", "en_US", "fil".
	languagePattern    = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	placeholderPattern = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
	positionalPattern  = regexp.MustCompile(`^[1-9][0-9]*$`)
)

// keyExample and keyText are the fields of a component that hold Meta's example values and
// its text.
const (
	keyExample = "example"
	keyText    = "text"
)

const (
	msgTemplateName = "Use only lowercase letters, digits and underscores, starting with a letter."
	msgLanguage     = "Enter a language code such as en_US."
	msgEmptyList    = "This list may not be empty."
	msgNotExample   = "Not an example this component takes."
	msgBlankExample = "An example may not be blank."
)

// templateWriter applies a POST or PATCH body to a candidate copy of a template.
type templateWriter struct {
	tpl  Template
	errs fieldErrs
}

// writeTemplate returns the template body would make of stored (a new template when create),
// or the field errors; nothing is applied unless everything is valid. Components are checked
// against the parameterFormat the template ends up with, so a PATCH of the format alone is
// refused if the stored components do not fit it.
func writeTemplate(stored Template, body map[string]any, create bool) (Template, fieldErrs) {
	w := &templateWriter{tpl: cloneJSON(stored), errs: fieldErrs{}}
	if create {
		w.tpl.Language, w.tpl.ParameterFormat = defaultTemplateLanguage, formatPositional
	}
	w.patterned(body, "name", &w.tpl.Name, strRule{max: templateNameMax}, create, templateNamePattern, msgTemplateName)
	w.requiredChoice(body, "category", &w.tpl.Category, templateCategories, create)
	w.patterned(body, "language", &w.tpl.Language, strRule{max: 20}, false, languagePattern, msgLanguage)
	w.errs.choice(body, "parameterFormat", &w.tpl.ParameterFormat, parameterFormats)
	raw, sent := w.errs.field(body, "components", create)
	_, formatSent := body["parameterFormat"]
	if !sent && formatSent && w.errs["parameterFormat"] == nil {
		raw, sent = asJSONValue(w.tpl.Components), true
	}
	if sent && w.errs["parameterFormat"] == nil {
		comps, errs := parseComponents(raw, w.tpl.ParameterFormat)
		if errs != nil {
			w.errs["components"] = errs
		} else {
			w.tpl.Components = comps
		}
	}
	return w.tpl, w.errs
}

// asJSONValue is v as the body decoder would have produced it, to check stored components
// with the rules bodies are checked with.
func asJSONValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out, err := decodeJSON(b)
	if err != nil {
		panic(err)
	}
	return out
}

func (w *templateWriter) patterned(body map[string]any, key string, dst *string, rule strRule, required bool,
	p *regexp.Regexp, msg string) {
	_, sent := body[key]
	var s string
	w.errs.text(body, key, &s, rule, required)
	switch {
	case !sent || w.errs[key] != nil:
	case !p.MatchString(s):
		w.errs.add(key, msg)
	default:
		*dst = s
	}
}

func (w *templateWriter) requiredChoice(body map[string]any, key string, dst *string, choices []string, required bool) {
	if _, ok := w.errs.field(body, key, required); ok {
		w.errs.choice(body, key, dst, choices)
	}
}

// parseComponents checks the components list: each component by itself (errors per index,
// {} for a good one), then the list as a whole.
func parseComponents(v any, format string) ([]TemplateComponent, any) {
	items, ok := v.([]any)
	switch {
	case v == nil:
		return nil, []string{msgNull}
	case !ok:
		return nil, []string{notAList(v)}
	}
	out := make([]TemplateComponent, 0, len(items))
	perIndex := make([]any, len(items))
	failed := false
	for i, item := range items {
		e, isMap := item.(map[string]any)
		if !isMap {
			perIndex[i] = fieldErrs{nonFieldErrors: []string{notADict(item)}}
			failed = true
			continue
		}
		c, errs := parseComponent(e, format)
		perIndex[i] = errs
		failed = failed || len(errs) > 0
		out = append(out, c)
	}
	if failed {
		return nil, perIndex
	}
	if msgs := componentCounts(out); len(msgs) > 0 {
		return nil, msgs
	}
	return out, nil
}

// componentCounts is Meta's shape of a template: exactly one body, at most one of the rest.
func componentCounts(comps []TemplateComponent) []string {
	n := map[string]int{}
	for _, c := range comps {
		n[c.Type]++
	}
	var msgs []string
	if n[componentBody] != 1 {
		msgs = append(msgs, "A template needs exactly one BODY component.")
	}
	for _, typ := range []string{componentHeader, componentFooter, componentButtons} {
		if n[typ] > 1 {
			msgs = append(msgs, fmt.Sprintf("A template may have at most one %s component.", typ))
		}
	}
	return msgs
}

// componentKeys are the fields each component type takes besides type.
var componentKeys = map[string][]string{
	componentHeader:  {"format", keyText, keyExample},
	componentBody:    {keyText, keyExample},
	componentFooter:  {keyText},
	componentButtons: {"buttons"},
}

func parseComponent(e map[string]any, format string) (TemplateComponent, fieldErrs) {
	errs := fieldErrs{}
	var c TemplateComponent
	if _, ok := errs.field(e, "type", true); ok {
		errs.choice(e, "type", &c.Type, componentTypes)
	}
	if c.Type == "" {
		return c, errs
	}
	for _, k := range []string{"format", keyText, keyExample, "buttons"} {
		if _, present := e[k]; present && !slices.Contains(componentKeys[c.Type], k) {
			errs.add(k, fmt.Sprintf("A %s component has no %s.", c.Type, k))
		}
	}
	switch c.Type {
	case componentBody:
		if vars, ok := variablesOf(e, &c, bodyTextMax, format, errs); ok {
			c.Example = textExample(e, vars, format, "body_text", "body_text_named_params", errs)
		}
	case componentHeader:
		parseHeader(e, &c, format, errs)
	case componentFooter:
		if vars, ok := variablesOf(e, &c, footerTextMax, format, errs); ok && len(vars) > 0 {
			errs.add(keyText, "A FOOTER may not have variables.")
		}
	case componentButtons:
		c.Buttons = parseButtons(e, errs)
	}
	return c, errs
}

func parseHeader(e map[string]any, c *TemplateComponent, format string, errs fieldErrs) {
	if _, ok := errs.field(e, "format", true); ok {
		errs.choice(e, "format", &c.Format, headerFormats)
	}
	switch c.Format {
	case "":
	case headerFormatText:
		vars, ok := variablesOf(e, c, headerTextMax, format, errs)
		if ok && len(vars) > maxHeaderVars {
			errs.add(keyText, fmt.Sprintf("A HEADER may have at most %d variable.", maxHeaderVars))
		} else if ok {
			c.Example = textExample(e, vars, format, "header_text", "header_text_named_params", errs)
		}
	default:
		if _, present := e[keyText]; present {
			errs.add(keyText, "A HEADER of format "+c.Format+" has no text.")
		}
		c.Example = mediaExample(e, errs)
	}
}

// variablesOf reads the component's required text and its variables, in order of first use.
func variablesOf(e map[string]any, c *TemplateComponent, max int, format string, errs fieldErrs) ([]string, bool) {
	errs.text(e, keyText, &c.Text, strRule{max: max}, true)
	if errs[keyText] != nil {
		return nil, false
	}
	vars, msg := templateVariables(c.Text, format)
	if msg != "" {
		errs.add(keyText, msg)
		return nil, false
	}
	return vars, true
}

// templateVariables lists the variables of text: {{1}}, {{2}}, ... numbered from 1 without
// gaps in a POSITIONAL template, {{snake_case}} names in a NAMED one.
func templateVariables(text, format string) ([]string, string) {
	if rest := placeholderPattern.ReplaceAllString(text, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return nil, "Unbalanced braces: write a variable as {{1}} or {{name}}."
	}
	var vars []string
	for _, m := range placeholderPattern.FindAllStringSubmatch(text, -1) {
		name := m[1]
		switch {
		case format == formatPositional && !positionalPattern.MatchString(name):
			return nil, fmt.Sprintf("{{%s}} is not a positional variable such as {{1}}.", name)
		case format == formatNamed && !templateNamePattern.MatchString(name):
			return nil, fmt.Sprintf("{{%s}} is not a named variable such as {{first_name}}.", name)
		}
		if !slices.Contains(vars, name) {
			vars = append(vars, name)
		}
	}
	if format == formatPositional {
		for i := 1; i <= len(vars); i++ {
			if !slices.Contains(vars, strconv.Itoa(i)) {
				return nil, fmt.Sprintf("Positional variables must be numbered {{1}} to {{%d}} without gaps.", len(vars))
			}
		}
	}
	return vars, ""
}

// exampleOf reads the component's optional example object; false if there is none to check.
func exampleOf(e map[string]any, errs fieldErrs) (map[string]any, bool) {
	raw, present := e[keyExample]
	if !present {
		return nil, false
	}
	m, ok := raw.(map[string]any)
	if !ok {
		if raw == nil {
			errs.add(keyExample, msgNull)
		} else {
			errs.add(keyExample, fmt.Sprintf("Expected a dictionary of items but got type %q.", pyType(raw)))
		}
		return nil, false
	}
	return m, true
}

// textExample checks the example of a text BODY or HEADER: one value per variable, in the
// key of the template's parameterFormat (positional lists, or named params).
func textExample(e map[string]any, vars []string, format, positionalKey, namedKey string, errs fieldErrs) *TemplateExample {
	m, ok := exampleOf(e, errs)
	if !ok {
		if errs[keyExample] == nil && len(vars) > 0 {
			errs.add(keyExample, fmt.Sprintf("Give an example for each of the %d variable(s).", len(vars)))
		}
		return nil
	}
	key, other := positionalKey, namedKey
	if format == formatNamed {
		key, other = namedKey, positionalKey
	}
	ex := &TemplateExample{}
	exErrs := fieldErrs{}
	for k := range m {
		switch k {
		case key:
		case other:
			exErrs.add(k, fmt.Sprintf("A %s template gives its examples in %s.", format, key))
		default:
			exErrs.add(k, msgNotExample)
		}
	}
	raw, present := m[key]
	switch {
	case !present && len(vars) > 0:
		exErrs.add(key, msgRequired)
	case !present:
	case key == "body_text":
		ex.BodyText = positionalRows(raw, len(vars), exErrs, key)
	case key == "header_text":
		ex.HeaderText = positionalValues(raw, len(vars), exErrs, key)
	case key == "body_text_named_params":
		ex.BodyTextNamedParams = namedParams(raw, vars, exErrs, key)
	default:
		ex.HeaderTextNamedParams = namedParams(raw, vars, exErrs, key)
	}
	if len(exErrs) > 0 {
		errs[keyExample] = exErrs
	}
	return ex
}

// mediaExample checks the example of an IMAGE, VIDEO or DOCUMENT header: Meta reviews a
// sample of the media, by upload handle or by URL.
func mediaExample(e map[string]any, errs fieldErrs) *TemplateExample {
	m, ok := exampleOf(e, errs)
	if !ok {
		if errs[keyExample] == nil {
			errs.add(keyExample, "A media HEADER needs an example: header_handle or header_url.")
		}
		return nil
	}
	ex := &TemplateExample{}
	exErrs := fieldErrs{}
	for k, v := range m {
		switch k {
		case "header_handle":
			ex.HeaderHandle = exampleStrings(v, exErrs, k)
		case "header_url":
			ex.HeaderURL = exampleStrings(v, exErrs, k)
		default:
			exErrs.add(k, msgNotExample)
		}
	}
	if len(exErrs) == 0 && len(ex.HeaderHandle)+len(ex.HeaderURL) == 0 {
		exErrs.add(nonFieldErrors, "A media HEADER needs an example: header_handle or header_url.")
	}
	if len(exErrs) > 0 {
		errs[keyExample] = exErrs
	}
	return ex
}

// exampleStrings reads a list of non-blank strings.
func exampleStrings(v any, errs fieldErrs, key string) []string {
	items, ok := v.([]any)
	if !ok {
		errs.add(key, notAList(v))
		return nil
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, isString := item.(string)
		if !isString || strings.TrimSpace(s) == "" {
			errs.add(key, msgBlankExample)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func positionalValues(v any, n int, errs fieldErrs, key string) []string {
	values := exampleStrings(v, errs, key)
	if errs[key] == nil && len(values) != n {
		errs.add(key, fmt.Sprintf("The text has %d variable(s) but the example gives %d.", n, len(values)))
	}
	return values
}

// positionalRows reads body_text: one row of values, one per variable.
func positionalRows(v any, n int, errs fieldErrs, key string) [][]string {
	rows, ok := v.([]any)
	if !ok {
		errs.add(key, notAList(v))
		return nil
	}
	if n == 0 && len(rows) == 0 {
		return [][]string{}
	}
	if len(rows) != 1 {
		errs.add(key, fmt.Sprintf("Give one row of examples, not %d.", len(rows)))
		return nil
	}
	row := positionalValues(rows[0], n, errs, key)
	return [][]string{row}
}

// namedParams reads [{param_name, example}]: exactly one example per variable.
func namedParams(v any, vars []string, errs fieldErrs, key string) []TemplateNamedParam {
	items, ok := v.([]any)
	if !ok {
		errs.add(key, notAList(v))
		return nil
	}
	out := make([]TemplateNamedParam, 0, len(items))
	for _, item := range items {
		e, isMap := item.(map[string]any)
		name, _ := e["param_name"].(string)
		example, _ := e[keyExample].(string)
		switch {
		case !isMap:
			errs.add(key, notADict(item))
		case !slices.Contains(vars, name):
			errs.add(key, fmt.Sprintf("{{%s}} is not a variable of the text.", name))
		case slices.ContainsFunc(out, func(p TemplateNamedParam) bool { return p.ParamName == name }):
			errs.add(key, fmt.Sprintf("{{%s}} has more than one example.", name))
		case strings.TrimSpace(example) == "":
			errs.add(key, msgBlankExample)
		default:
			out = append(out, TemplateNamedParam{ParamName: name, Example: example})
			continue
		}
		return nil
	}
	for _, name := range vars {
		if !slices.ContainsFunc(out, func(p TemplateNamedParam) bool { return p.ParamName == name }) {
			errs.add(key, fmt.Sprintf("{{%s}} has no example.", name))
		}
	}
	return out
}
