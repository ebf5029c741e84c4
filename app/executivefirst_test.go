package app_test

import (
	"strings"
	"testing"
	"time"
)

// withExecutiveAlerting is baseYAML with Erin's alerting.executive set.
func withExecutiveAlerting(how string) string {
	return strings.Replace(baseYAML, "      filtering: {enabled: true, mode: all}\n",
		"      filtering: {enabled: true, mode: all}\n      alerting: {executive: "+how+", executive_for: 10s}\n", 1)
}

// ringsAt reports whether endpoint has a leg ringing.
func (h *harness) ringsAt(endpoint string) bool {
	for _, l := range h.fake.ChannelsOn(endpoint) {
		if st, _ := h.fake.ChannelState(l); st == "Ringing" {
			return true
		}
	}
	return false
}

// TestTheExecutiveRingsFirstThenThePool: with executive: first, Erin's phone rings
// alone; after 10 s Ann, Alan and Ada ring too while Erin's still does; Ann answers
// and Erin's phone stops.
func TestTheExecutiveRingsFirstThenThePool(t *testing.T) {
	h := newHarness(t, withExecutiveAlerting("first"))
	caller := h.call()
	exec := h.ringing("PJSIP/1001")
	h.clock.Advance(9 * time.Second)
	for _, ep := range []string{"PJSIP/1002", "PJSIP/1003", "PJSIP/1004"} {
		if len(h.fake.ChannelsOn(ep)) != 0 {
			t.Fatalf("%s rang before the executive's 10 s were over", ep)
		}
	}
	h.clock.Advance(time.Second)
	ann := h.ringing("PJSIP/1002")
	h.ringing("PJSIP/1003")
	if !h.ringsAt("PJSIP/1001") {
		t.Fatal("Erin's phone stopped ringing when the pool was alerted")
	}
	h.fake.Answer(ann)
	h.eventually("Ann connected, Erin's phone released", func() bool { return h.bridged(caller, ann) && h.gone(exec) })
	h.fake.Hangup(caller)
	h.settle()
}

// TestTheExecutiveDecliningAlertsThePoolAtOnce: Erin rejects the call on her phone
// during her 10 s: the assistants ring at once, nobody waits out the timer.
func TestTheExecutiveDecliningAlertsThePoolAtOnce(t *testing.T) {
	h := newHarness(t, withExecutiveAlerting("first"))
	caller := h.call()
	exec := h.ringing("PJSIP/1001")
	h.fake.Hangup(exec)
	ann := h.ringing("PJSIP/1002")
	h.fake.Answer(ann)
	h.eventually("Ann connected", func() bool { return h.bridged(caller, ann) })
	h.fake.Hangup(caller)
	h.settle()
}

// TestTheExecutiveAndThePoolRingTogether: with executive: together, Erin's phone and
// the assistants' ring at once; Erin answers and the assistants' phones stop; the
// rollover still counts from the call's arrival when nobody answers.
func TestTheExecutiveAndThePoolRingTogether(t *testing.T) {
	h := newHarness(t, withExecutiveAlerting("together"))
	caller := h.call()
	exec := h.ringing("PJSIP/1001")
	ann := h.ringing("PJSIP/1002")
	h.fake.Answer(exec)
	h.eventually("Erin connected, Ann's phone released", func() bool { return h.bridged(caller, exec) && h.gone(ann) })
	calls, _ := h.app.LiveCalls()
	if len(calls) != 1 || calls[0].State != "executive" {
		t.Errorf("live calls %+v", calls)
	}
	h.fake.Hangup(caller)
	h.settle()

	second := h.call()
	h.ringing("PJSIP/1001")
	h.until("the rollover to voice messaging", func() bool { return h.atErinsVoicemail(second) })
	h.fake.Hangup(second)
	h.settle()
}
