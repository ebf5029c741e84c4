package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// maxAuditSide bounds each of an audit entry's Before and After once reduced to what
// changed; beyond it the side says how large it was instead.
const maxAuditSide = 8 << 10

// changedOnly reduces an audit entry's Before and After (the resource as the API
// showed it) to what the write changed: the fields that differ, recursively, and of a
// list of objects with ids only the elements added, removed or changed. A write that
// adds one filter to a long list then records one filter, not the list twice (the
// audit grew with the square of the filters before).
func changedOnly(before, after json.RawMessage) (json.RawMessage, json.RawMessage) {
	if len(before) == 0 || len(after) == 0 {
		return bounded(before), bounded(after)
	}
	var a, b any
	if json.Unmarshal(before, &a) != nil || json.Unmarshal(after, &b) != nil {
		return bounded(before), bounded(after)
	}
	da, db, _ := diff(a, b)
	ra, _ := json.Marshal(da)
	rb, _ := json.Marshal(db)
	return bounded(ra), bounded(rb)
}

func bounded(raw json.RawMessage) json.RawMessage {
	if len(raw) <= maxAuditSide {
		return raw
	}
	return json.RawMessage(fmt.Sprintf(`{"notKept":"%d bytes"}`, len(raw)))
}

func diff(a, b any) (da, db any, changed bool) {
	if am, ok := a.(map[string]any); ok {
		if bm, ok := b.(map[string]any); ok {
			outA, outB := map[string]any{}, map[string]any{}
			for k, va := range am {
				vb, in := bm[k]
				if !in {
					outA[k] = va
					continue
				}
				if x, y, ch := diff(va, vb); ch {
					outA[k], outB[k] = x, y
				}
			}
			for k, vb := range bm {
				if _, in := am[k]; !in {
					outB[k] = vb
				}
			}
			return outA, outB, len(outA)+len(outB) > 0
		}
	}
	if aa, ok := a.([]any); ok {
		if ba, ok := b.([]any); ok {
			if ida, ok := ids(aa); ok {
				if idb, ok := ids(ba); ok {
					return diffByID(aa, ba, ida, idb)
				}
			}
		}
	}
	if reflect.DeepEqual(a, b) {
		return nil, nil, false
	}
	return a, b, true
}

// ids lists the "id" of every element of a list of objects, or says it is not one.
func ids(list []any) ([]string, bool) {
	out := make([]string, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		id, ok := m["id"].(string)
		if !ok {
			return nil, false
		}
		out[i] = id
	}
	return out, len(list) > 0
}

// diffByID keeps the elements removed or changed (before) and added or changed
// (after); a list whose elements only moved records the order of ids.
func diffByID(a, b []any, ida, idb []string) (any, any, bool) {
	inB := map[string]any{}
	for i, id := range idb {
		inB[id] = b[i]
	}
	inA := map[string]bool{}
	var outA, outB []any
	for i, id := range ida {
		inA[id] = true
		if eb, ok := inB[id]; !ok || !reflect.DeepEqual(a[i], eb) {
			outA = append(outA, a[i])
			if ok {
				outB = append(outB, eb)
			}
		}
	}
	for i, id := range idb {
		if !inA[id] {
			outB = append(outB, b[i])
		}
	}
	if outA == nil && outB == nil {
		if slices.Equal(ida, idb) {
			return nil, nil, false
		}
		return map[string]any{"order": ida}, map[string]any{"order": idb}, true
	}
	return outA, outB, true
}

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
