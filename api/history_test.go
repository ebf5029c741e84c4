package api

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/execassist/execassist/store"
)

// TestHistoryShowsTodaysCallsToThoseWhoMaySeeThem: each user sees today's ended calls
// of the executives they may see (the executive, the pool, an admin), newest first;
// yesterday's, another executive's and feature codes are left out; a call placed as the
// executive reads as outgoing, with who placed it.
func TestHistoryShowsTodaysCallsToThoseWhoMaySeeThem(t *testing.T) {
	r := newRig(t)
	now := r.clock.Now()
	err := r.store.AppendJournal(
		store.JournalEntry{At: now.Add(-30 * time.Hour), CallID: "old", Kind: "call", Executive: "1001", Caller: "+15550000000", Outcome: "answered"},
		store.JournalEntry{At: now.Add(-2 * time.Minute), CallID: "c1", Kind: "call", Executive: "1001", Caller: "+12125551234", CallerName: "Bob",
			Outcome: "answered", AnsweredBy: "1002", EndCause: "caller-hung-up"},
		store.JournalEntry{At: now.Add(-time.Minute), CallID: "c2", Kind: "call", Executive: "1006", Caller: "+12125550000", Outcome: "caller-hung-up"},
		store.JournalEntry{At: now.Add(-50 * time.Second), CallID: "f1", Kind: "fac", Executive: "1001", Caller: "PJSIP/1002", Decision: "filtering_on", Outcome: "filtering-on"},
		store.JournalEntry{At: now.Add(-40 * time.Second), CallID: "f2", Kind: "fac", Executive: "1001", Caller: "PJSIP/1002", Decision: "initiate",
			Outcome: "initiated", AnsweredBy: "+442071234567"},
	)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(user string) ([]string, History) {
		c := r.login(user)
		code, body := c.do("GET", "/v1/calls/history", nil, nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", user, code, body)
		}
		var h History
		json.Unmarshal([]byte(body), &h)
		var out []string
		for _, it := range h.Items {
			out = append(out, it.Call)
		}
		return out, h
	}
	for user, want := range map[string][]string{
		"1001": {"f2", "c1"}, "1002": {"f2", "c1"}, "1004": {"c2"}, "1005": nil, "root": {"f2", "c2", "c1"},
	} {
		if got, _ := ids(user); !slices.Equal(got, want) {
			t.Errorf("%s sees %v, want %v", user, got, want)
		}
	}
	_, h := ids("1001")
	out, in := h.Items[0], h.Items[1]
	if out.Direction != "outgoing" || out.PlacedBy != "1002" || out.CallerNumberDisplay != "+44 20 7123 4567" {
		t.Errorf("the call placed as the executive: %+v", out)
	}
	if in.Direction != "incoming" || in.CallerName != "Bob" || in.CallerNumberDisplay != "(212) 555-1234" || in.EndCause != "caller-hung-up" {
		t.Errorf("the incoming call: %+v", in)
	}
}
