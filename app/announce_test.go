package app_test

import (
	"strings"
	"testing"
	"time"
)

// announcedYAML is baseYAML with Erin's pushes announced.
var announcedYAML = strings.Replace(baseYAML, "      filtering: {enabled: true, mode: all}\n",
	"      filtering: {enabled: true, mode: all}\n      announce_push: {enabled: true, timeout: 8s}\n", 1)

// pushAnnounced has Ann push her answered call and Erin answer; it returns the caller,
// Erin's leg and the FAC's channel once Erin hears the announcement (the caller on hold
// music, Erin not in the call yet).
func (h *harness) pushAnnounced() (caller, exec, push string) {
	h.t.Helper()
	caller, _ = h.answeredAt("PJSIP/1002")
	push = h.fac("PJSIP/1002", "#63")
	exec = h.ringing("PJSIP/1001")
	h.fake.Answer(exec)
	h.eventually("Erin to hear the announcement", func() bool { return len(h.playedTo(exec)) > 0 })
	if q := h.playedTo(exec)[0]; !strings.Contains(q, "sound%3Avm-from%2Cdigits%3A15557770000%2Csound%3Abeep") && !strings.Contains(q, "digits:15557770000") {
		h.t.Errorf("the announcement played %q, want who is calling", q)
	}
	if h.bridged(caller, exec) || !h.fake.MOH(h.fake.BridgeOf(caller)) {
		h.t.Error("the caller is connected to Erin (or off hold) before she decided")
	}
	h.eventually("the console to say Erin hears who it is", func() bool {
		calls, _ := h.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "announced" && len(calls[0].Ringing) == 0 && calls[0].Assistant == ""
	})
	return caller, exec, push
}

// TestAnAnnouncedPushIsTakenWithOne: Erin presses 1: the announcement stops, she and
// the caller are connected, the hold music ends, and the record says so.
func TestAnAnnouncedPushIsTakenWithOne(t *testing.T) {
	h := newHarness(t, announcedYAML)
	caller, exec, push := h.pushAnnounced()
	h.fake.SendDTMF(exec, "1")
	h.eventually("Erin connected to the caller", func() bool { return h.bridged(caller, exec) && !h.fake.MOH(h.fake.BridgeOf(caller)) })
	h.eventually("the console to say Erin has it", func() bool {
		calls, _ := h.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "executive"
	})
	h.eventually("the record to tell the announced hand-off", func() bool {
		return h.stepShown("announced to the executive") && h.stepShown("answered after push")
	})
	h.finishFAC(push)
	h.eventually("the announcement stopped", func() bool { return len(h.fake.Live().Playbacks) == 0 })
	h.fake.Hangup(caller)
	h.settle()
}

// TestAnAnnouncedPushGoesBackWithTwo: Erin presses 2: her leg is released and the call
// rings Ann again, the caller still on hold; Ann answers it.
func TestAnAnnouncedPushGoesBackWithTwo(t *testing.T) {
	h := newHarness(t, announcedYAML)
	caller, exec, push := h.pushAnnounced()
	h.fake.SendDTMF(exec, "2") // before finishFAC moves the clock: its seconds could reach the key timeout
	recall := h.ringing("PJSIP/1002")
	h.eventually("Erin's leg released", func() bool { return h.gone(exec) })
	h.eventually("the console to say it rings Ann again", func() bool {
		calls, _ := h.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "pushed" && len(calls[0].Ringing) == 1 && calls[0].Ringing[0] == "1002"
	})
	if !h.fake.MOH(h.fake.BridgeOf(caller)) {
		t.Error("the caller is off hold while the call goes back")
	}
	h.fake.Answer(recall)
	h.eventually("Ann has the call again", func() bool { return h.bridged(caller, recall) })
	h.eventually("the record to say Erin sent it back", func() bool { return h.stepShown("sent back by the executive") })
	h.finishFAC(push)
	h.fake.Hangup(caller)
	h.settle()
}

// TestAnAnnouncedPushGoesToVoicemailWithThree: Erin presses 3: the caller goes to her
// voicemail, everyone else is released.
func TestAnAnnouncedPushGoesToVoicemailWithThree(t *testing.T) {
	h := newHarness(t, announcedYAML)
	caller, exec, push := h.pushAnnounced()
	h.fake.SendDTMF(exec, "3") // before finishFAC moves the clock: its seconds could reach the key timeout
	h.eventually("the caller at Erin's voicemail", func() bool { return h.atErinsVoicemail(caller) })
	h.eventually("Erin's leg released", func() bool { return h.gone(exec) })
	h.finishFAC(push)
	h.settle()
}

// TestAnAnnouncedPushIsTakenWhenNoKeyIsPressed: no key within the timeout takes the call
// (a second before it, the caller still waits).
func TestAnAnnouncedPushIsTakenWhenNoKeyIsPressed(t *testing.T) {
	h := newHarness(t, announcedYAML)
	caller, exec, push := h.pushAnnounced()
	h.fake.SendDTMF(exec, "9") // not a choice: ignored
	// The clock has not moved since the announcement began: the key timer is due in
	// exactly the 8 s of announce_push.timeout (found as such, not as "a long timer").
	var due time.Time
	h.eventually("the key timer", func() bool {
		for _, d := range h.clock.Due() {
			if left := d.Sub(h.clock.Now()); left > 7*time.Second && left <= 8*time.Second {
				due = d
				return true
			}
		}
		return false
	})
	h.clock.Advance(due.Sub(h.clock.Now()) - time.Second)
	if h.bridged(caller, exec) {
		t.Fatal("taken before the timeout")
	}
	h.clock.Advance(time.Second)
	h.eventually("Erin connected", func() bool { return h.bridged(caller, exec) })
	h.finishFAC(push)
	h.fake.Hangup(caller)
	h.settle()
}

// TestTheExecutiveHangingUpDuringTheAnnouncementRecalls: Erin hangs up instead of
// choosing: the call rings Ann again, never dropped.
func TestTheExecutiveHangingUpDuringTheAnnouncementRecalls(t *testing.T) {
	h := newHarness(t, announcedYAML)
	caller, exec, push := h.pushAnnounced()
	h.fake.Hangup(exec) // before finishFAC moves the clock: its seconds could reach the key timeout
	recall := h.ringing("PJSIP/1002")
	if h.gone(caller) {
		t.Fatal("the caller was dropped")
	}
	h.fake.Answer(recall)
	h.eventually("Ann has the call again", func() bool { return h.bridged(caller, recall) })
	h.finishFAC(push)
	h.fake.Hangup(caller)
	h.settle()
}
