package importer

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/util/validation"
)

// expectLabel fails unless name is what every kind, Secret and file name can take.
func expectLabel(t *testing.T, display, name string) {
	t.Helper()
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		t.Errorf("%q became %q: %s", display, name, strings.Join(errs, "; "))
	}
}

func TestNamesMakeDashboardNamesIntoDNSLabels(t *testing.T) {
	long := strings.Repeat("Customer onboarding assistant ", 7) // 210 characters
	for _, tc := range []struct{ display, want string }{
		{"Café Crème ☕", "cafe-creme"},
		{"Support", "support"},
		{"  --Support!!  ", "support"},
		{"Sales (EU) / Europe", "sales-eu-europe"},
		{"Ångström Œuvre naïve", "angstrom-uvre-naive"}, // Œ has no decomposition: dropped like any symbol
		{"v3.14_beta", "v3-14-beta"},
		{"ÉCOLE 42", "ecole-42"},
		{long, strings.TrimRight(strings.Repeat("customer-onboarding-assistant-", 3)[:63], "-")},
	} {
		got := newNames().name(tc.display, "agent")
		if got != tc.want {
			t.Errorf("%q became %q, want %q", tc.display, got, tc.want)
		}
		expectLabel(t, tc.display, got)
	}
}

func TestNamesFallBackWhenNothingOfTheNameSurvives(t *testing.T) {
	n := newNames()
	for _, display := range []string{"", "☕☕☕", "日本語サポート", "Поддержка", "---", "   "} {
		got := n.name(display, "agent")
		if got != "agent" && !strings.HasPrefix(got, "agent-") {
			t.Errorf("%q became %q, want the fallback", display, got)
		}
		expectLabel(t, display, got)
	}
}

func TestNamesNumberCollisionsAndStayWithin63(t *testing.T) {
	n := newNames()
	got := []string{n.name("Support", "agent"), n.name("support", "agent"), n.name("Support!", "agent"), n.name("support-2", "agent")}
	want := []string{"support", "support-2", "support-3", "support-2-2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d is %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
	long := strings.Repeat("x", 200)
	seen := map[string]bool{}
	for i := range 12 {
		name := n.name(long, "agent")
		expectLabel(t, long, name)
		if len(name) > maxName || seen[name] {
			t.Fatalf("copy %d of a 200-character name became %q (%d characters, seen before: %t)", i, name, len(name), seen[name])
		}
		seen[name] = true
	}
	if !seen[strings.Repeat("x", 60)+"-10"] {
		t.Errorf("the tenth copy was not shortened to make room for -10: %v", seen)
	}
	// Shortened to a dash, a name loses it rather than gain a double one before the suffix.
	cut := strings.Repeat("y", 60) + " and more"
	if first, second := n.name(cut, "agent"), n.name(cut, "agent"); second != strings.Repeat("y", 60)+"-2" {
		t.Errorf("the second %q became %q (the first %q)", cut, second, first)
	}
}

// TestNamesAreValidAndUniqueForAnyInput draws names from every plane of Unicode, with runs
// of the characters that matter (letters, digits, dashes, accents) so that collisions,
// trims and truncations happen often.
func TestNamesAreValidAndUniqueForAnyInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "Z", "0", "9", "-", "--", " ", "é", "\u0301", "☕", "日", "ß", "İ", "\u200d", "x-2", "-3"}
	n := newNames()
	seen := map[string]string{}
	for range 5000 {
		display := randomName(rng, pieces)
		if !utf8.ValidString(display) {
			display = strings.ToValidUTF8(display, "?")
		}
		name := n.name(display, "agent")
		expectLabel(t, display, name)
		if prev, ok := seen[name]; ok {
			t.Fatalf("%q and %q both became %q", prev, display, name)
		}
		seen[name] = display
	}
}

func randomName(rng *rand.Rand, pieces []string) string {
	var b strings.Builder
	for range rng.IntN(90) {
		if rng.IntN(3) == 0 {
			b.WriteRune(rune(rng.IntN(0x10FFFF + 1)))
			continue
		}
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}
