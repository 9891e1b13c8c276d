package importer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/wassist-operator/wassist-operator/internal/wassist"
)

// credentialKey names the fields of an API tool's schema that usually hold a credential.
var credentialKey = regexp.MustCompile(`(?i)(authorization|api[-_]?key|token|secret|password|bearer|credential)`)

// warnCredentials warns of what looks like a credential in remote's API tools: the CRD
// holds a tool's schema as Wassist does, headers included, so the import writes it, and
// says where (never what) before the files go to Git.
func (b *builder) warnCredentials(name string, remote *wassist.Agent) {
	for _, t := range remote.Tools {
		var schema any
		if json.Unmarshal(t.APISchema, &schema) != nil {
			continue
		}
		if paths := credentialPaths(schema, ""); len(paths) > 0 {
			b.warn(fmt.Sprintf("agent %s: tools[%s].apiSchema holds what looks like a credential at %s; it is written as "+
				"Wassist holds it: review before committing it to Git", name, t.Name, strings.Join(paths, ", ")))
		}
	}
}

// credentialPaths are the paths of the non-empty strings under a credential-like key.
func credentialPaths(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := strings.TrimPrefix(path+"."+k, ".")
			if s, ok := child.(string); ok && s != "" && credentialKey.MatchString(k) {
				out = append(out, p)
				continue
			}
			out = append(out, credentialPaths(child, p)...)
		}
	case []any:
		for i, child := range v {
			out = append(out, credentialPaths(child, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	slices.Sort(out)
	return out
}
