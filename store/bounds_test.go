package store

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditKeepsWhatChanged: Before and After are cut to what differs: changed fields,
// the elements of an id list that were added, removed or changed, or the new order.
func TestAuditKeepsWhatChanged(t *testing.T) {
	for _, c := range []struct{ before, after, wantBefore, wantAfter string }{
		{`{"a":1,"b":2}`, `{"a":1,"b":3}`, `{"b":2}`, `{"b":3}`},
		{`{"a":{"x":1,"y":2}}`, `{"a":{"x":1,"y":5}}`, `{"a":{"y":2}}`, `{"a":{"y":5}}`},
		{`[{"id":"a","n":1},{"id":"b","n":2}]`, `[{"id":"a","n":1},{"id":"b","n":2},{"id":"c","n":3}]`, `null`, `[{"id":"c","n":3}]`},
		{`[{"id":"a","n":1},{"id":"b","n":2}]`, `[{"id":"a","n":1}]`, `[{"id":"b","n":2}]`, `null`},
		{`[{"id":"a","n":1},{"id":"b","n":2}]`, `[{"id":"a","n":9},{"id":"b","n":2}]`, `[{"id":"a","n":1}]`, `[{"id":"a","n":9}]`},
		{`[{"id":"a"},{"id":"b"}]`, `[{"id":"b"},{"id":"a"}]`, `{"order":["a","b"]}`, `{"order":["b","a"]}`},
		{`{"ids":["1","2"]}`, `{"ids":["2","1"]}`, `{"ids":["1","2"]}`, `{"ids":["2","1"]}`},
		{`{"a":1}`, `{"a":1}`, `{}`, `{}`},
	} {
		b, a := changedOnly(json.RawMessage(c.before), json.RawMessage(c.after))
		if string(b) != c.wantBefore || string(a) != c.wantAfter {
			t.Errorf("%s -> %s: kept %s -> %s, want %s -> %s", c.before, c.after, b, a, c.wantBefore, c.wantAfter)
		}
	}
	big := `{"x":"` + strings.Repeat("y", maxAuditSide) + `"}`
	if b, _ := changedOnly(json.RawMessage(big), json.RawMessage(`{"x":""}`)); len(b) > 100 || !strings.Contains(string(b), "notKept") {
		t.Errorf("an oversized side was kept: %d bytes", len(b))
	}
}

// TestJournalEntriesAreBounded: an entry with hundreds of reasons (one per custom filter)
// or an endless reason is stored cut, and says so.
func TestJournalEntriesAreBounded(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reasons := make([]string, 408)
	for i := range reasons {
		reasons[i] = fmt.Sprintf("filter %d does not match", i)
	}
	reasons[3] = strings.Repeat("é", 1000)
	if err := s.AppendJournal(JournalEntry{CallID: "c1", Kind: "call", Reasons: reasons}); err != nil {
		t.Fatal(err)
	}
	j, err := s.Journal(JournalFilter{})
	if err != nil || len(j) != 1 {
		t.Fatal(j, err)
	}
	got := j[0].Reasons
	if len(got) != maxReasons || !strings.Contains(got[len(got)-1], "361 more reasons not kept") || len(got[3]) > maxReasonLen+3 || !json.Valid([]byte(`"`+got[3]+`"`)) {
		t.Fatalf("%d reasons kept, last %q, long one %d bytes", len(got), got[len(got)-1], len(got[3]))
	}
}

// FuzzAuditDiffIsBounded: whatever two JSON documents a write produces, each side kept
// is valid JSON of at most maxAuditSide bytes, and identical documents keep nothing.
func FuzzAuditDiffIsBounded(f *testing.F) {
	f.Add(`{"a":[{"id":"x","n":1}]}`, `{"a":[{"id":"y","n":1}]}`)
	f.Add(`[{"id":"a"},{"id":"a"}]`, `[{"id":"a"}]`)
	f.Add(`{"x":"`+strings.Repeat("y", maxAuditSide)+`"}`, `{}`)
	f.Fuzz(func(t *testing.T, before, after string) {
		b, a := changedOnly(json.RawMessage(before), json.RawMessage(after))
		for _, side := range []json.RawMessage{b, a} {
			if len(side) > maxAuditSide || (len(side) > 0 && json.Valid([]byte(before)) && json.Valid([]byte(after)) && !json.Valid(side)) {
				t.Fatalf("%q -> %q: kept %q", before, after, side)
			}
		}
		if before == after && json.Valid([]byte(before)) && len(before) <= maxAuditSide {
			if string(b) != "{}" && string(b) != "null" {
				t.Fatalf("identical documents kept %s", b)
			}
		}
	})
}
