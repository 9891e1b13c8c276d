package wassisttest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// fieldErrs is DRF's validation error body: field name to a list of messages, or to a
// nested map (objects) or per-index list (lists of objects).
type fieldErrs map[string]any

const nonFieldErrors = "non_field_errors"

// DRF's own wording, so clients can be tested against the messages they will really see.
const (
	msgRequired   = "This field is required."
	msgNull       = "This field may not be null."
	msgBlank      = "This field may not be blank."
	msgString     = "Not a valid string."
	msgInteger    = "A valid integer is required."
	msgBoolean    = "Must be a valid boolean."
	msgURL        = "Enter a valid URL."
	msgHTTPS      = "Enter a valid URL that starts with https://."
	msgUUID       = "Must be a valid UUID."
	msgNumber     = "A valid number is required."
	msgPhone      = "Enter a valid phone number."
	msgMinZero    = "Ensure this value is greater than or equal to 0."
	msgMaxInt     = "Ensure this value is less than or equal to 2147483647."
	msgMaxLength  = "Ensure this field has no more than %d characters."
	msgNoSuchPK   = "Invalid pk \"%s\" - object does not exist."
	msgBadChoice  = "\"%v\" is not a valid choice."
	msgDecimals   = "Ensure that there are no more than 2 decimal places."
	msgWholeDigit = "Ensure that there are no more than 8 digits before the decimal point."
)

var (
	decimalPattern = regexp.MustCompile(`^(-?)([0-9]+)(?:\.([0-9]+))?$`)
	phonePattern   = regexp.MustCompile(`^\+?([0-9]{7,15})$`)
)

func (f fieldErrs) add(key, msg string) {
	msgs, _ := f[key].([]string)
	f[key] = append(msgs, msg)
}

// field returns the value under key, recording "required" when it is absent and must not be.
func (f fieldErrs) field(e map[string]any, key string, required bool) (any, bool) {
	v, ok := e[key]
	if !ok && required {
		f.add(key, msgRequired)
	}
	return v, ok
}

// strRule is a CharField's options. DRF trims surrounding whitespace before checking them.
type strRule struct {
	allowBlank bool
	allowNull  bool
	max        int
}

var (
	anyText  = strRule{allowBlank: true}
	nullText = strRule{allowBlank: true, allowNull: true}
)

// parseString returns the trimmed string, nil for an allowed null, or the field's errors.
// Unlike DRF it refuses numbers: a client sending a number for text has a bug.
func parseString(v any, rule strRule) (*string, []string) {
	if v == nil {
		if rule.allowNull {
			return nil, nil
		}
		return nil, []string{msgNull}
	}
	s, ok := v.(string)
	if !ok {
		return nil, []string{msgString}
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "" && !rule.allowBlank:
		return nil, []string{msgBlank}
	case rule.max > 0 && len([]rune(s)) > rule.max:
		return nil, []string{fmt.Sprintf(msgMaxLength, rule.max)}
	}
	return &s, nil
}

func (f fieldErrs) text(e map[string]any, key string, dst *string, rule strRule, required bool) {
	v, ok := f.field(e, key, required)
	if !ok {
		return
	}
	s, errs := parseString(v, rule)
	switch {
	case errs != nil:
		f[key] = errs
	case s != nil:
		*dst = *s
	}
}

func (f fieldErrs) nullableText(e map[string]any, key string, dst **string, rule strRule) {
	v, ok := e[key]
	if !ok {
		return
	}
	rule.allowNull = true
	s, errs := parseString(v, rule)
	if errs != nil {
		f[key] = errs
		return
	}
	*dst = s
}

// parseCount accepts only JSON integers in [0, 2^31-1], the range of the database column.
func parseCount(v any) (int, []string) {
	n, ok := v.(json.Number)
	if !ok {
		if v == nil {
			return 0, []string{msgNull}
		}
		return 0, []string{msgInteger}
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	switch {
	case err != nil:
		return 0, []string{msgInteger}
	case i < 0:
		return 0, []string{msgMinZero}
	case i > math.MaxInt32:
		return 0, []string{msgMaxInt}
	}
	return int(i), nil
}

func (f fieldErrs) count(e map[string]any, key string, dst *int) {
	v, ok := e[key]
	if !ok {
		return
	}
	n, errs := parseCount(v)
	if errs != nil {
		f[key] = errs
		return
	}
	*dst = n
}

func (f fieldErrs) nullableCount(e map[string]any, key string, dst **int) {
	v, ok := e[key]
	switch {
	case !ok:
		return
	case v == nil:
		*dst = nil
		return
	}
	n, errs := parseCount(v)
	if errs != nil {
		f[key] = errs
		return
	}
	*dst = &n
}

// stringList is a DRF ListField of CharField, optional: per-item errors are keyed by index.
func (f fieldErrs) stringList(e map[string]any, key string, dst *[]string) {
	v, ok := e[key]
	if !ok {
		return
	}
	items, isList := v.([]any)
	switch {
	case v == nil:
		f.add(key, msgNull)
		return
	case !isList:
		f.add(key, notAList(v))
		return
	}
	out := make([]string, 0, len(items))
	perIndex := fieldErrs{}
	for i, item := range items {
		s, errs := parseString(item, strRule{})
		if errs != nil {
			perIndex[strconv.Itoa(i)] = errs
			continue
		}
		out = append(out, *s)
	}
	if len(perIndex) > 0 {
		f[key] = perIndex
		return
	}
	*dst = out
}

// boolean accepts only JSON booleans; DRF would also take "true" or 1, which hides bugs.
func (f fieldErrs) boolean(e map[string]any, key string, dst *bool) {
	v, ok := e[key]
	if !ok {
		return
	}
	b, isBool := v.(bool)
	switch {
	case v == nil:
		f.add(key, msgNull)
	case !isBool:
		f.add(key, msgBoolean)
	default:
		*dst = b
	}
}

func (f fieldErrs) choice(e map[string]any, key string, dst *string, choices []string) {
	v, ok := e[key]
	if !ok {
		return
	}
	s, isString := v.(string)
	switch {
	case v == nil:
		f.add(key, msgNull)
	case !isString || !slices.Contains(choices, s):
		f.add(key, fmt.Sprintf(msgBadChoice, v))
	default:
		*dst = s
	}
}

// isHTTPURL is the check of a URLField as far as a client can tell: absolute http(s) with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (f fieldErrs) link(e map[string]any, key string, dst *string, required bool) {
	v, ok := f.field(e, key, required)
	if !ok {
		return
	}
	s, errs := parseString(v, strRule{})
	switch {
	case errs != nil:
		f[key] = errs
	case !isHTTPURL(*s):
		f.add(key, msgURL)
	default:
		*dst = *s
	}
}

// nullableLink takes null or "" as "no URL" and checks anything else.
func (f fieldErrs) nullableLink(e map[string]any, key string, dst **string) {
	v, ok := e[key]
	if !ok {
		return
	}
	s, errs := parseString(v, nullText)
	switch {
	case errs != nil:
		f[key] = errs
	case s != nil && *s != "" && !isHTTPURL(*s):
		f.add(key, msgURL)
	default:
		*dst = s
	}
}

// object accepts a JSON object and stores it compacted with sorted keys; the key order a
// client sent does not survive, as it would not through a jsonb column.
func (f fieldErrs) object(e map[string]any, key string, dst *json.RawMessage) {
	v, ok := e[key]
	if !ok {
		return
	}
	m, isMap := v.(map[string]any)
	switch {
	case v == nil:
		f.add(key, msgNull)
	case !isMap:
		f.add(key, fmt.Sprintf("Expected a dictionary of items but got type %q.", pyType(v)))
	default:
		b, _ := json.Marshal(m)
		*dst = b
	}
}

// ref reads a required-or-optional uuid field naming an object that exists(id) must confirm.
func (f fieldErrs) ref(e map[string]any, key string, dst *string, required bool, exists func(string) bool) {
	v, ok := f.field(e, key, required)
	if !ok {
		return
	}
	s, isString := v.(string)
	switch {
	case v == nil:
		f.add(key, msgNull)
	case !isString || !isUUID(s):
		f.add(key, msgUUID)
	case !exists(s):
		f.add(key, fmt.Sprintf(msgNoSuchPK, s))
	default:
		*dst = s
	}
}

// decimal stores a money amount with exactly two places, as DRF renders a DecimalField.
func (f fieldErrs) decimal(e map[string]any, key string, dst **string) {
	v, ok := e[key]
	switch {
	case !ok:
		return
	case v == nil:
		*dst = nil
		return
	}
	s, msg := parseDecimal(v)
	if msg != "" {
		f.add(key, msg)
		return
	}
	*dst = &s
}

func parseDecimal(v any) (string, string) {
	var raw string
	switch x := v.(type) {
	case string:
		raw = strings.TrimSpace(x)
	case json.Number:
		raw = x.String()
	default:
		return "", msgNumber
	}
	m := decimalPattern.FindStringSubmatch(raw)
	if m == nil {
		return "", msgNumber
	}
	sign, whole, frac := m[1], strings.TrimLeft(m[2], "0"), m[3]
	switch {
	case len(frac) > 2:
		return "", msgDecimals
	case len(whole) > 8:
		return "", msgWholeDigit
	}
	if whole == "" {
		whole = "0"
	}
	return sign + whole + "." + frac + strings.Repeat("0", 2-len(frac)), ""
}

// normalisePhone accepts E.164 with or without "+" and returns it with "+".
func normalisePhone(v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	m := phonePattern.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return "+" + m[1], true
}

// pyType names a JSON value's type the way DRF's messages do, since DRF is written in Python.
func pyType(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "int"
		}
		return "float"
	case []any:
		return "list"
	default:
		return "dict"
	}
}

func notADict(v any) string {
	return "Invalid data. Expected a dictionary, but got " + pyType(v) + "."
}

func notAList(v any) string {
	return fmt.Sprintf("Expected a list of items but got type %q.", pyType(v))
}
