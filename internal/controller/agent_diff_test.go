package controller

import (
	"slices"
	"testing"
)

func TestChangedFieldsNamesWhatDiffersAndNoValue(t *testing.T) {
	base := agentView{
		Name: "Concierge", SystemPrompt: "You are a barista.",
		Tools:    []toolView{{Name: "order_status", APISchema: "{}", Active: true}, {Name: "menu", APISchema: "{}"}},
		Handoffs: []handoffView{{ChildAgentID: "a1", Description: "support"}},
		Credits:  &creditsView{InitialCredits: 5, GrantPassword: "s3cret-password"},
	}
	drifted := base
	drifted.SystemPrompt = "edited in the dashboard"
	drifted.Tools = []toolView{{Name: "order_status", APISchema: "{}", Active: false}, {Name: "extra", APISchema: "{}"}}
	drifted.Credits = &creditsView{InitialCredits: 5, GrantPassword: "other"}

	got := changedFields(base, drifted)
	want := []string{"systemPrompt", "tools[extra]", "tools[menu]", "tools[order_status]", "creditSettings"}
	if !slices.Equal(got, want) {
		t.Fatalf("changedFields = %q, want %q", got, want)
	}
	if msg := fieldList(got); msg != "systemPrompt, tools[extra], tools[menu], tools[order_status] and creditSettings" {
		t.Fatalf("fieldList = %q", msg)
	}
	if same := changedFields(base, base); len(same) != 0 {
		t.Fatalf("an unchanged agent reports %q", same)
	}
	copied := base
	copied.Credits = &creditsView{InitialCredits: 5, GrantPassword: "s3cret-password"}
	if same := changedFields(base, copied); len(same) != 0 {
		t.Fatalf("equal values behind other pointers report %q", same)
	}
}

func TestFieldListStopsAtEight(t *testing.T) {
	fields := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	if got := fieldList(fields); got != "a, b, c, d, e, f, g and 3 more" {
		t.Fatalf("fieldList = %q", got)
	}
	if got := fieldList(nil); got != "settings" {
		t.Fatalf("fieldList(nil) = %q", got)
	}
}
