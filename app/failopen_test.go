package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
)

// TestBridgeFailureContinuesTheCaller: when the answered caller cannot be bridged with
// the assistant (addChannel fails), the caller is not hung up: it continues in the
// dialplan to the executive's own Dial, the assistant's leg is released, and the
// journal says so.
func TestBridgeFailureContinuesTheCaller(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.InjectFault(aritest.Fault{Method: "POST", Path: `^/bridges/[^/]+/addChannel$`, Status: 500, Times: 1})
	caller := h.call()
	leg := h.ringing("PJSIP/1002")
	h.fake.Answer(leg)
	if to := h.continuedTo(caller); to != "from-internal,1001,2" {
		t.Fatalf("caller went to %s", to)
	}
	h.settle()
	if j := h.journal(); j[0].Outcome != "bridge-failed:continued" {
		t.Fatalf("journal %+v", j[0])
	}
}

// TestContinueFailureFallsBackToTheNextPriority: rollover to voice messaging whose
// continue Asterisk refuses goes on at the next priority; when even that is refused the
// caller is hung up rather than left in Stasis, and the log says why.
func TestContinueFailureFallsBackToTheNextPriority(t *testing.T) {
	h := newHarness(t, baseYAML)
	remove := h.fake.InjectFault(aritest.Fault{Method: "POST", Path: `/continue$`, Status: 500, Times: 1})
	caller := h.rolledOver()
	if to := h.continuedTo(caller); to != "from-internal,1001,2" {
		t.Fatalf("caller went to %s", to)
	}
	h.settle()
	remove()

	h.fake.InjectFault(aritest.Fault{Method: "POST", Path: `/continue$`, Status: 500})
	caller = h.rolledOver()
	h.eventually("the caller hung up as the last resort", func() bool { return h.gone(caller) })
	h.settle()
}

// TestPanicInEveryPhaseLeavesNothingBehind: an internal error while alerting, after the
// answer, during a push and in a three-way bridge continues the caller in the dialplan
// and leaves no leg, pushed or joined party, or bridge in Asterisk.
func TestPanicInEveryPhaseLeavesNothingBehind(t *testing.T) {
	for _, when := range []string{"alerted", "answered", "pushed", "bridged"} {
		t.Run(when, func(t *testing.T) {
			app.SetPhaseHook(func(phase, _ string) {
				if phase == when {
					panic("injected failure " + when)
				}
			})
			defer app.SetPhaseHook(nil)
			h := newHarness(t, baseYAML)
			caller := h.call()
			if when != "alerted" {
				leg := h.ringing("PJSIP/1002")
				h.fake.Answer(leg)
				if when != "answered" {
					h.eventually("the call bridged", func() bool { return h.bridged(caller, leg) })
				}
			}
			switch when {
			case "pushed":
				push := h.fac("PJSIP/1002", "#63")
				h.finishFAC(push)
			case "bridged":
				b := h.fac("PJSIP/1001", "*15")
				h.eventually("the executive's channel released", func() bool { return h.gone(b) })
			}
			if to := h.continuedTo(caller); to != "from-internal,1001,2" {
				t.Fatalf("caller went to %s", to)
			}
			h.settle()
		})
	}
}

// TestHungAsteriskDelaysNoCaller: hang-ups that Asterisk never answers (each waits for
// the client's 10 s timeout) do not hold up the rollover: the caller is continued to
// voice messaging at once, and stopping execassist takes seconds, not a minute.
func TestHungAsteriskDelaysNoCaller(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.InjectFault(aritest.Fault{Method: "DELETE", Path: `^/channels/`, Hang: true})
	caller := h.call()
	for _, ep := range []string{"PJSIP/1002", "PJSIP/1003", "PJSIP/1004"} {
		h.ringing(ep)
	}
	start := time.Now()
	h.clock.Advance(30 * time.Second)
	if to := h.continuedTo(caller); to != "execassist-voicemail,1001,1" {
		t.Fatalf("caller went to %s", to)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("rollover waited %s behind hung hang-ups", d)
	}
	// A second caller is ringing when execassist stops; its legs' hang-ups hang too.
	second := h.call()
	h.eventually("the second call's legs", func() bool { return len(h.fake.ChannelsOn("PJSIP/1004")) >= 2 })
	start = time.Now()
	h.cancel()
	<-h.done
	h.cancel = nil
	h.store.Close()
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("stopping took %s", d)
	}
	if to, ok := h.fake.Continued(second); !ok || to.String() != "from-internal,1001,2" {
		t.Errorf("second caller at stop: %v %v", to, ok)
	}
}

// TestAnnouncementEndsWhenTheCallerLeftDuringADrop: a FAC caller who hangs up while the
// events socket is down and the confirmation plays does not keep its session forever.
func TestAnnouncementEndsWhenTheCallerLeftDuringADrop(t *testing.T) {
	h := newHarness(t, baseYAML)
	id := h.fac("PJSIP/1001", "#62")
	h.eventually("the announcement to start", func() bool { return len(h.playedTo(id)) > 0 })
	h.fake.DropConnections()
	h.fake.Hangup(id)
	h.eventually("the reconnect", func() bool { return h.fake.Connections() == 1 })
	h.eventually("the FAC session to end", func() bool { return h.app.ActiveSessions() == 0 })
	if strings.Contains(strings.Join(h.fake.Live().Channels, " "), id) {
		t.Fatal("FAC channel left")
	}
}

// TestRolloverUsesTheExecutivesMailbox: users[].voicemail reaches the voice-messaging
// dialplan as EXECASSIST_MAILBOX.
func TestRolloverUsesTheExecutivesMailbox(t *testing.T) {
	h := newHarness(t, baseYAML, "mobile: +15559871001", "mobile: +15559871001\n    voicemail: 2001@sales")
	caller := h.rolledOver()
	if to := h.continuedTo(caller); to != "execassist-voicemail,1001,1" {
		t.Fatalf("caller went to %s", to)
	}
	if mb, _ := h.fake.Variable(caller, "EXECASSIST_MAILBOX"); mb != "2001@sales" {
		t.Fatalf("mailbox %q", mb)
	}
	h.settle()
}
