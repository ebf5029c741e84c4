package app_test

import (
	"slices"
	"testing"

	"github.com/execassist/execassist/app"
)

// liveCall waits until the only live call matches want and returns it.
func (h *harness) liveCall(what string, want func(app.LiveCall) bool) app.LiveCall {
	h.t.Helper()
	var got app.LiveCall
	h.eventually(what, func() bool {
		calls, _ := h.app.LiveCalls()
		if len(calls) != 1 {
			return false
		}
		got = calls[0]
		return want(got)
	})
	return got
}

// TestLiveCallsFollowACall: status and the API list a call from the moment it rings
// (at whom), through its answer (by whom), a push (on hold for the executive, ringing
// the executive) and the executive's answer, and not after it ends; each change wakes
// the watchers.
func TestLiveCallsFollowACall(t *testing.T) {
	h := newHarness(t, baseYAML)
	_, changed := h.app.LiveCalls()
	caller := h.call()
	h.ringing("PJSIP/1004")
	select {
	case <-changed:
	default:
		t.Fatal("a new call did not wake the watchers")
	}
	c := h.liveCall("the ringing call", func(c app.LiveCall) bool {
		return c.State == "ringing" && slices.Equal(c.Ringing, []string{"1002", "1003", "1004"})
	})
	if c.Executive != "1001" || c.CallerName != "Bob Caller" || c.CallerNumber != "+15557770000" || c.AnsweredBy != "" || c.Since.IsZero() {
		t.Fatalf("ringing call: %+v", c)
	}
	id := c.ID

	h.fake.Answer(h.ringing("PJSIP/1003"))
	c = h.liveCall("the answered call", func(c app.LiveCall) bool { return c.State == "answered" })
	if c.ID != id || c.AnsweredBy != "1003" || c.Assistant != "1003" || len(c.Ringing) != 0 || c.AnsweredAt.IsZero() {
		t.Fatalf("answered call: %+v", c)
	}

	push := h.fac("PJSIP/1003", "#63")
	h.liveCall("the pushed call", func(c app.LiveCall) bool {
		return c.State == "pushed" && slices.Equal(c.Ringing, []string{"1001"}) && c.AnsweredBy == "1003"
	})
	h.finishFAC(push)
	h.fake.Answer(h.ringing("PJSIP/1001"))
	h.liveCall("the call at the executive", func(c app.LiveCall) bool { return c.State == "executive" && c.ID == id })

	h.fake.Hangup(caller)
	h.settle()
	if calls, _ := h.app.LiveCalls(); len(calls) != 0 {
		t.Fatalf("ended call still listed: %+v", calls)
	}
}

// TestLiveCallsForgetAnAbandonedCall: a caller who hangs up while it rings is gone
// from the list.
func TestLiveCallsForgetAnAbandonedCall(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller := h.call()
	h.liveCall("the ringing call", func(c app.LiveCall) bool { return c.State == "ringing" })
	h.fake.Hangup(caller)
	h.settle()
	if calls, _ := h.app.LiveCalls(); len(calls) != 0 {
		t.Fatalf("ended call still listed: %+v", calls)
	}
}
