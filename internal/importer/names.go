package importer

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxName keeps names DNS labels: valid for every kind, for Secrets derived from them
// and as file names.
const maxName = 63

// names hands out Kubernetes names, valid and unique per kind, made from what people
// called things in the dashboard.
type names struct{ taken map[string]bool }

func newNames() *names { return &names{taken: map[string]bool{}} }

// name returns a valid, unused name for a thing called display (fallback when nothing of
// it survives): "Café Crème ☕" → "cafe-creme", then "cafe-creme-2" for the next one.
func (n *names) name(display, fallback string) string {
	base := dnsLabel(display)
	if base == "" {
		base = fallback
	}
	candidate := base
	for i := 2; n.taken[candidate]; i++ {
		suffix := "-" + strconv.Itoa(i)
		candidate = strings.TrimRight(truncate(base, maxName-len(suffix)), "-") + suffix
	}
	n.taken[candidate] = true
	return candidate
}

// dnsLabel lowercases s, drops accents, turns every run of other characters into one
// "-", and keeps at most maxName characters.
func dnsLabel(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a decomposed letter
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(truncate(b.String(), maxName), "-")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
