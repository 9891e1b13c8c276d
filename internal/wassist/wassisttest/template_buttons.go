package wassisttest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// buttonKeys are the fields each button type takes besides type and text.
var buttonKeys = map[string][]string{
	buttonURL:         {"url", keyExample},
	buttonPhoneNumber: {"phone_number"},
	buttonCopyCode:    {keyExample},
}

// buttonLimits are Meta's limits per button type, in the order their errors are reported.
var buttonLimits = []struct {
	typ string
	max int
}{{buttonURL, maxURLButtons}, {buttonPhoneNumber, 1}, {buttonCopyCode, 1}}

// urlVariable is the one variable a URL button may have, at the end of its URL.
const urlVariable = "{{1}}"

// parseButtons checks a BUTTONS component's list: 1 to 10 buttons, at most two URL buttons
// and one each of phone number and copy code (Meta's limits), errors per index.
func parseButtons(e map[string]any, errs fieldErrs) []TemplateButton {
	v, ok := errs.field(e, "buttons", true)
	if !ok {
		return nil
	}
	items, isList := v.([]any)
	switch {
	case v == nil:
		errs.add("buttons", msgNull)
		return nil
	case !isList:
		errs.add("buttons", notAList(v))
		return nil
	case len(items) == 0:
		errs.add("buttons", msgEmptyList)
		return nil
	case len(items) > maxButtons:
		errs.add("buttons", fmt.Sprintf("A template may have at most %d buttons.", maxButtons))
		return nil
	}
	out := make([]TemplateButton, 0, len(items))
	perIndex := make([]any, len(items))
	failed := false
	for i, item := range items {
		b, bErrs := parseButton(item)
		perIndex[i] = bErrs
		failed = failed || len(bErrs) > 0
		out = append(out, b)
	}
	if failed {
		errs["buttons"] = perIndex
		return nil
	}
	for _, l := range buttonLimits {
		if n := countButtons(out, l.typ); n > l.max {
			errs.add("buttons", fmt.Sprintf("A template may have at most %d %s button(s), not %d.", l.max, l.typ, n))
		}
	}
	return out
}

func countButtons(buttons []TemplateButton, typ string) int {
	n := 0
	for _, b := range buttons {
		if b.Type == typ {
			n++
		}
	}
	return n
}

func parseButton(item any) (TemplateButton, fieldErrs) {
	errs := fieldErrs{}
	var b TemplateButton
	e, ok := item.(map[string]any)
	if !ok {
		errs[nonFieldErrors] = []string{notADict(item)}
		return b, errs
	}
	if _, ok := errs.field(e, "type", true); ok {
		errs.choice(e, "type", &b.Type, buttonTypes)
	}
	errs.text(e, "text", &b.Text, strRule{max: buttonTextMax}, true)
	if b.Type == "" {
		return b, errs
	}
	for _, k := range []string{"url", "phone_number", keyExample} {
		if _, present := e[k]; present && !slices.Contains(buttonKeys[b.Type], k) {
			errs.add(k, fmt.Sprintf("A %s button has no %s.", b.Type, k))
		}
	}
	switch b.Type {
	case buttonURL:
		urlButton(e, &b, errs)
	case buttonPhoneNumber:
		errs.text(e, "phone_number", &b.PhoneNumber, strRule{}, true)
		if _, valid := normalisePhone(b.PhoneNumber); errs["phone_number"] == nil && !valid {
			errs.add("phone_number", msgPhone)
		}
	case buttonCopyCode:
		b.Example = buttonExample(e, errs, copyCodeMax)
	}
	return b, errs
}

// urlButton checks a URL button: an absolute https URL that may end in {{1}}, with an
// example of the whole URL when it does.
func urlButton(e map[string]any, b *TemplateButton, errs fieldErrs) {
	errs.text(e, "url", &b.URL, strRule{max: 2000}, true)
	if errs["url"] != nil {
		return
	}
	base, variable := strings.CutSuffix(b.URL, urlVariable)
	switch {
	case strings.Contains(base, "{{") || strings.Contains(base, "}}"):
		errs.add("url", "A URL may have one variable, "+urlVariable+", at its end.")
	case !strings.HasPrefix(base, "https://") || !isHTTPURL(base):
		errs.add("url", msgHTTPS)
	case variable:
		b.Example = buttonExample(e, errs, 2000)
	default:
		if _, present := e[keyExample]; present {
			errs.add(keyExample, "A URL without a variable has no example.")
		}
	}
}

// buttonExample reads the one example value of a COPY_CODE button or a URL with a variable.
func buttonExample(e map[string]any, errs fieldErrs, max int) []string {
	v, ok := errs.field(e, keyExample, true)
	if !ok {
		return nil
	}
	values := exampleStrings(v, errs, keyExample)
	switch {
	case errs[keyExample] != nil:
	case len(values) != 1:
		errs.add(keyExample, "Give exactly one example, not "+strconv.Itoa(len(values))+".")
	case len([]rune(values[0])) > max:
		errs.add(keyExample, fmt.Sprintf(msgMaxLength, max))
	}
	return values
}
