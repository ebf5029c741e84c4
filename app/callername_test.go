package app_test

import (
	"strings"
	"testing"
	"time"
)

// namedYAML is baseYAML with Erin's outside callers asked for their name.
var namedYAML = strings.Replace(baseYAML, "      filtering: {enabled: true, mode: all}\n",
	"      filtering: {enabled: true, mode: all}\n      record_caller_name: true\n", 1)

// until advances the fake clock by steps of 500 ms until f holds.
func (h *harness) until(what string, f func() bool) {
	h.t.Helper()
	h.eventually(what, func() bool {
		if f() {
			return true
		}
		h.clock.Advance(500 * time.Millisecond)
		return f()
	})
}

// ringingAfterName advances the clock (the prompt, the recording) until endpoint rings
// and returns that leg.
func (h *harness) ringingAfterName(endpoint string) string {
	h.t.Helper()
	var leg string
	h.until(endpoint+" to ring", func() bool {
		for _, l := range h.fake.ChannelsOn(endpoint) {
			if st, _ := h.fake.ChannelState(l); st == "Ringing" {
				leg = l
			}
		}
		return leg != ""
	})
	return leg
}

func (h *harness) requested(method, pathPart string) bool {
	for _, r := range h.fake.Requests() {
		if r.Method == method && strings.Contains(r.Path+"?"+r.Query, pathPart) {
			return true
		}
	}
	return false
}

// TestTheCallerSaysTheirNameAndTheAssistantHearsIt: the outside caller is answered,
// hears the prompt, is recorded (beep, at most 3 s); then the pool rings; Ann answers,
// hears the recording alone, then is connected. When the call ends the recording is
// deleted (settle checks nothing is left in the fake, recordings included).
func TestTheCallerSaysTheirNameAndTheAssistantHearsIt(t *testing.T) {
	h := newHarness(t, namedYAML)
	caller := h.call()
	h.eventually("the prompt to the caller", func() bool { return len(h.playedTo(caller)) > 0 })
	if q := h.playedTo(caller)[0]; !strings.Contains(q, "vm-rec-name") {
		t.Errorf("the caller heard %q", q)
	}
	if len(h.fake.ChannelsOn("PJSIP/1002")) != 0 {
		t.Fatal("the pool rang before the caller said their name")
	}
	h.until("the recording", func() bool { return h.requested("POST", "/record?") })
	if !h.requested("POST", "maxDurationSeconds=3") || !h.requested("POST", "beep=true") {
		t.Error("the recording is not bounded to 3 s with a beep")
	}
	leg := h.ringingAfterName("PJSIP/1002")
	h.fake.Answer(leg)
	h.eventually("Ann to hear the name", func() bool { return len(h.playedTo(leg)) > 0 })
	if q := h.playedTo(leg)[0]; !strings.Contains(q, "recording%3Aexecassist-name-") {
		t.Errorf("Ann heard %q, want the recorded name", q)
	}
	if h.bridged(caller, leg) {
		t.Fatal("connected before Ann heard the name")
	}
	h.until("Ann connected after the name", func() bool { return h.bridged(caller, leg) })
	h.fake.Hangup(caller)
	h.settle()
	if !h.requested("DELETE", "/recordings/stored/execassist-name-") {
		t.Error("the recording was not deleted")
	}
}

// TestNoRecordingFolderStillAlertsThePool: Asterisk refuses to record (its recording
// folder is missing: 500): the pool rings at once without a name, and the answering
// assistant is connected at once.
func TestNoRecordingFolderStillAlertsThePool(t *testing.T) {
	h := newHarness(t, namedYAML)
	h.fake.SetRecordingFolderMissing(true)
	caller := h.call()
	leg := h.ringingAfterName("PJSIP/1002")
	h.fake.Answer(leg)
	h.eventually("connected without a name", func() bool { return h.bridged(caller, leg) })
	if len(h.playedTo(leg)) != 0 {
		t.Error("a name was played though none was recorded")
	}
	h.fake.Hangup(caller)
	h.settle()
}

// TestACallerHangingUpWhileRecordedLeavesNothing: the caller hangs up during the
// recording: nobody is rung and the recording (kept by Asterisk) is deleted.
func TestACallerHangingUpWhileRecordedLeavesNothing(t *testing.T) {
	h := newHarness(t, namedYAML)
	caller := h.call()
	h.until("the recording", func() bool { return h.requested("POST", "/record?") })
	h.fake.Hangup(caller)
	h.settle()
	if h.dialled("PJSIP%2F100") != 0 {
		t.Error("the pool rang for a caller who hung up")
	}
	if len(h.fake.Stored()) != 0 {
		t.Errorf("recordings left: %v", h.fake.Stored())
	}
}

// TestAnAnnouncedPushSaysTheCallersRecordedName: with both features on, Erin hears the
// name the caller said (not the digits) when Ann pushes the call.
func TestAnAnnouncedPushSaysTheCallersRecordedName(t *testing.T) {
	h := newHarness(t, strings.Replace(namedYAML, "      record_caller_name: true\n", "      record_caller_name: true\n      announce_push: {enabled: true}\n", 1))
	caller := h.call()
	leg := h.ringingAfterName("PJSIP/1002")
	h.fake.Answer(leg)
	h.until("Ann connected", func() bool { return h.bridged(caller, leg) })
	h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	h.fake.Answer(exec)
	h.eventually("Erin to hear the announcement", func() bool { return len(h.playedTo(exec)) > 0 })
	if q := h.playedTo(exec)[0]; !strings.Contains(q, "recording%3Aexecassist-name-") || strings.Contains(q, "digits") {
		t.Errorf("Erin heard %q, want the caller's recorded name", q)
	}
	h.fake.SendDTMF(exec, "1")
	h.eventually("Erin connected", func() bool { return h.bridged(caller, exec) })
	h.fake.Hangup(caller)
	h.until("everything released", func() bool { return h.fake.Live().Empty() && h.app.ActiveSessions() == 0 })
}
