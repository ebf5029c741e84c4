package store

import (
	"encoding/json"
	"sort"
	"strings"
)

// Changes says what the entry changed, one line per changed field: "path: before →
// after" (the admin page and `execassist audit` show these, not raw JSON).
func (e AuditEntry) Changes() []string {
	before, after := e.Before, e.After
	flat := func(raw json.RawMessage) map[string]string {
		out := map[string]string{}
		var v any
		if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
			return out
		}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, val := range x {
					walk(strings.TrimPrefix(prefix+"."+k, "."), val)
				}
			default:
				b, _ := json.Marshal(x)
				out[prefix] = string(b)
			}
		}
		walk("", v)
		return out
	}
	b, a := flat(before), flat(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	lines := []string{}
	for k := range keys {
		from, to := b[k], a[k]
		if from == "" {
			from = "(none)"
		}
		if to == "" {
			to = "(none)"
		}
		if from != to {
			lines = append(lines, k+": "+from+" → "+to)
		}
	}
	sort.Strings(lines)
	return lines
}
