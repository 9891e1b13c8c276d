package fielddiff

import (
	"slices"
	"testing"
)

type entry struct {
	Name  string `diff:",key"`
	Value int
}

type limits struct{ Limit int }

type view struct {
	Title   string   `diff:"title"`
	Tags    []string `diff:"tags"`
	Entries []entry  `diff:"entries"`
	Later   *[]entry `diff:"later"`
	Block   *limits  `diff:"block"`
	secret  string
	Skipped string
}

func TestChangesNamesEverySettingThatDiffersAndNoValue(t *testing.T) {
	base := view{Title: "Concierge", Tags: []string{"a"}, Entries: []entry{{"order_status", 1}, {"menu", 2}},
		Block: &limits{Limit: 5}, secret: "s3cret", Skipped: "x"}
	drifted := base
	drifted.Title = "edited in the dashboard"
	drifted.Entries = []entry{{"order_status", 9}, {"extra", 0}}
	drifted.Block = &limits{Limit: 6}
	drifted.secret, drifted.Skipped = "other", "y"

	want := []string{"title", "entries[extra]", "entries[menu]", "entries[order_status]", "block"}
	if got := Changes(base, drifted); !slices.Equal(got, want) {
		t.Fatalf("Changes = %q, want %q", got, want)
	}
	if same := Changes(base, base); len(same) != 0 {
		t.Fatalf("an unchanged view reports %q", same)
	}
	copied := base
	copied.Block = &limits{Limit: 5}
	if same := Changes(base, copied); len(same) != 0 {
		t.Fatalf("equal values behind other pointers report %q", same)
	}
	managed := base
	managed.Later = &[]entry{{"wake", 1}}
	if got := Changes(managed, base); !slices.Equal(got, []string{"later[wake]"}) {
		t.Fatalf("a list managed on one side only: %q", got)
	}
}

func TestErasuresNameWhatTheSpecLeavesOut(t *testing.T) {
	remote := view{Title: "Concierge", Tags: []string{"a"}, Entries: []entry{{"order_status", 1}, {"menu", 2}},
		Later: &[]entry{{"wake", 1}}, Block: &limits{Limit: 5}}
	spec := view{Entries: []entry{{"order_status", 3}}, Later: &[]entry{}}
	want := []string{"title", "tags", "block", "entries[menu]", "later[wake]"}
	if got := Erasures(spec, remote); !slices.Equal(got, want) {
		t.Fatalf("Erasures = %q, want %q", got, want)
	}
	unmanaged := spec
	unmanaged.Later = nil
	if got := Erasures(unmanaged, view{Later: nil}); len(got) != 0 {
		t.Fatalf("nothing set remotely, yet %q", got)
	}
	if got := Erasures(remote, spec); len(got) != 0 {
		t.Fatalf("adding erases nothing, yet %q", got)
	}
}

func TestListStopsAtEight(t *testing.T) {
	fields := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	if got := List(fields); got != "a, b, c, d, e, f, g and 3 more" {
		t.Fatalf("List = %q", got)
	}
	if got := List(nil); got != "settings" {
		t.Fatalf("List(nil) = %q", got)
	}
	if got := List([]string{"a", "b"}); got != "a and b" {
		t.Fatalf("List = %q", got)
	}
}
