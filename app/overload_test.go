package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
)

// TestACallBeyondTheSetupLimitWaitsNoLongerThanItsDeadline: while the only setup slot
// is held by a call whose leg Asterisk does not create, the next caller waits for the
// slot only until its setup deadline, then goes to the executive's own Dial, journaled
// overload:continued and counted.
func TestACallBeyondTheSetupLimitWaitsNoLongerThanItsDeadline(t *testing.T) {
	h := newHarnessWith(t, func(o *app.Options) { o.SetupLimit, o.SetupDeadline = 1, 300*time.Millisecond }, baseYAML)
	remove := h.fake.InjectFault(aritest.Fault{Method: "POST", Path: `^/channels/create$`, Hang: true})
	first := h.call()
	second := h.call()
	if to := h.continuedTo(second); to != "from-internal,1001,2" {
		t.Fatalf("the caller beyond the limit went to %s", to)
	}
	h.eventually("the overload record", func() bool {
		for _, e := range h.journal() {
			if e.Outcome == "overload:continued" && e.CallID == second {
				return true
			}
		}
		return false
	})
	if to := h.continuedTo(first); to != "from-internal,1001,2" {
		t.Fatalf("the call whose legs were never created went to %s", to)
	}
	h.eventually("both counted", func() bool { return strings.Contains(h.metrics(), "\nexecassist_overload_continued_total 2") })
	remove()
}

// TestACallNotSetUpInTimeGoesToTheExecutive: Asterisk does not answer the leg's create
// within the setup deadline; the caller is continued to the executive's own Dial instead
// of waiting, and nothing of ours is left.
func TestACallNotSetUpInTimeGoesToTheExecutive(t *testing.T) {
	h := newHarnessWith(t, func(o *app.Options) { o.SetupDeadline = 200 * time.Millisecond }, baseYAML)
	remove := h.fake.InjectFault(aritest.Fault{Method: "POST", Path: `^/channels/create$`, Hang: true})
	defer remove()
	caller := h.call()
	if to := h.continuedTo(caller); to != "from-internal,1001,2" {
		t.Fatalf("the caller went to %s", to)
	}
	h.eventually("the overload record", func() bool {
		j := h.journal()
		return j[0].Outcome == "overload:continued" && strings.Contains(strings.Join(j[0].Reasons, ";"), "not set up within 200ms")
	})
	h.eventually("no session left", func() bool { return h.app.ActiveSessions() == 0 })
	for _, l := range h.fake.ChannelsOn("PJSIP/1002") {
		if _, alive := h.fake.ChannelState(l); alive {
			t.Fatalf("leg %s left", l)
		}
	}
}
