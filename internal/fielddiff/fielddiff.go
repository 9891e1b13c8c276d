// Package fielddiff names what differs between two views of one object, by the names the
// spec writes them with, from struct tags: a kind lists its settings once, on its view,
// and every comparison (an update's event, Observe's takeover, an adoption's erasures,
// import's check) reads them from there.
//
// A view is a struct. Each exported field tagged `diff:"specName"` is a setting:
//
//   - a string, number, bool or slice of them is compared whole ("systemPrompt");
//   - a slice of structs, or a pointer to one (a list managed only when set, nil when
//     not), is a list whose entries are matched by the field of the element tagged
//     `diff:",key"`: each entry added, removed or changed is named "tools[order_status]";
//   - a pointer to a struct is compared whole ("paywallConfig").
//
// Only names come out, never values: views may hold secrets.
package fielddiff

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// kind is what a setting is, for the order names come out in and what erasing means.
type kind int

const (
	plain kind = iota // compared whole, erased when emptied
	keyed             // a list matched by key
	block             // a pointer to a struct, erased when removed
)

type setting struct {
	name  string
	index int
	kind  kind
	key   int // the element's key field, for keyed lists
}

// settings reads the tagged fields of a view type.
func settings(t reflect.Type) []setting {
	var out []setting
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("diff")
		if !ok || !f.IsExported() {
			continue
		}
		s := setting{name: name, index: i}
		elem := f.Type
		if elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		switch {
		case elem.Kind() == reflect.Slice && elem.Elem().Kind() == reflect.Struct:
			s.kind, s.key = keyed, keyField(elem.Elem())
		case elem.Kind() == reflect.Struct:
			s.kind = block
		}
		out = append(out, s)
	}
	return out
}

func keyField(t reflect.Type) int {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("diff") == ",key" {
			return i
		}
	}
	panic("fielddiff: " + t.String() + " has no field tagged `diff:\",key\"`")
}

// ordered returns the settings of v's type in the order of kinds given.
func ordered(v reflect.Value, kinds ...kind) []setting {
	all := settings(v.Type())
	var out []setting
	for _, k := range kinds {
		for _, s := range all {
			if s.kind == k {
				out = append(out, s)
			}
		}
	}
	return out
}

// Changes names the settings that differ between want and got, two views of one type:
// whole settings first, then list entries, then blocks.
func Changes(want, got any) []string {
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	var out []string
	for _, s := range ordered(w, plain, keyed, block) {
		wf, gf := w.Field(s.index), g.Field(s.index)
		if s.kind == keyed {
			out = append(out, entryChanges(s, list(wf), list(gf))...)
		} else if !reflect.DeepEqual(wf.Interface(), gf.Interface()) {
			out = append(out, s.name)
		}
	}
	return out
}

// Erasures names what making got equal to want would erase: a setting got has and want
// leaves empty, a block got has and want leaves out, the list entries whose key want
// does not name. Whole settings first, then blocks, then list entries.
func Erasures(want, got any) []string {
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	var out []string
	for _, s := range ordered(w, plain, block, keyed) {
		wf, gf := w.Field(s.index), g.Field(s.index)
		if s.kind == keyed {
			out = append(out, removed(s, list(wf), list(gf))...)
		} else if !gf.IsZero() && isEmpty(wf) && !isEmpty(gf) {
			out = append(out, s.name)
		}
	}
	return out
}

// isEmpty: a zero value, or an empty slice.
func isEmpty(v reflect.Value) bool {
	return v.IsZero() || (v.Kind() == reflect.Slice && v.Len() == 0)
}

// list is a list setting's entries, none for an unmanaged (nil) one.
func list(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		return v.Elem()
	}
	return v
}

// entries indexes a list's entries by key.
func entries(s setting, v reflect.Value) map[string]any {
	m := map[string]any{}
	if !v.IsValid() {
		return m
	}
	for i := range v.Len() {
		e := v.Index(i)
		m[fmt.Sprint(e.Field(s.key).Interface())] = e.Interface()
	}
	return m
}

// entryChanges names the entries added, removed or changed: name[key], sorted by key.
func entryChanges(s setting, want, got reflect.Value) []string {
	w, g := entries(s, want), entries(s, got)
	var keys []string
	for k, v := range w {
		if gv, ok := g[k]; !ok || !reflect.DeepEqual(gv, v) {
			keys = append(keys, k)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	return named(s.name, keys)
}

// removed names the entries of got whose key want does not have.
func removed(s setting, want, got reflect.Value) []string {
	w, g := entries(s, want), entries(s, got)
	var keys []string
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	return named(s.name, keys)
}

func named(field string, keys []string) []string {
	slices.Sort(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, field+"["+k+"]")
	}
	return out
}

// List joins names for a message: "a", "a and b", "a, b and c", at most eight of them
// ("settings" for none).
func List(fields []string) string {
	const most = 8
	if len(fields) > most {
		fields = append(slices.Clone(fields[:most-1]), fmt.Sprintf("%d more", len(fields)-most+1))
	}
	switch len(fields) {
	case 0:
		return "settings"
	case 1:
		return fields[0]
	}
	return strings.Join(fields[:len(fields)-1], ", ") + " and " + fields[len(fields)-1]
}
