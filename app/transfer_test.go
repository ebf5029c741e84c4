package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
)

// stepShown: a live call shows a step (from its record) containing text.
func (h *harness) stepShown(text string) bool {
	calls, _ := h.app.LiveCalls()
	for _, c := range calls {
		for _, st := range c.Steps {
			if strings.Contains(st.What, text) {
				return true
			}
		}
	}
	return false
}

// TestAssistantBlindTransfersAFilteredCall: the assistant presses Transfer on the desk
// phone (REFER to 1005). The Local channel Asterisk swaps into the bridge becomes a
// party of the call, the assistant's leg is released, the transfer is journaled, and a
// later #63 from the assistant no longer finds the call.
func TestAssistantBlindTransfersAFilteredCall(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/1005@from-internal", Name: "Uma User", Number: "1005"})
	caller, leg := h.answeredAt("PJSIP/1002")
	target, err := h.fake.BlindTransfer(leg, "from-internal", "1005")
	if err != nil {
		t.Fatal(err)
	}
	h.eventually("the transferer's leg released", func() bool { return h.gone(leg) })
	h.eventually("caller and transfer target bridged", func() bool { return h.bridged(caller, target) })
	h.eventually("the transfer journaled", func() bool { return h.stepShown("transferred by 1002 to 1005@from-internal") })
	push := h.fac("PJSIP/1002", "#63")
	h.finishFAC(push)
	if p := h.playedTo(push); !strings.Contains(p[len(p)-1], "im-sorry") {
		t.Fatalf("#63 after the transfer: %v", p)
	}
	h.fake.Answer(target)
	if !h.bridged(caller, target) {
		t.Fatal("the answered transfer target is not with the caller")
	}
	h.fake.Hangup(caller)
	h.settle()
}

// TestAssistantAttendedTransfersAFilteredCall: the assistant's phone holds, consults
// 1005 in plain dialplan and transfers (as the traces show a real Asterisk doing it):
// the Local/_attended ;1 that takes the assistant's place becomes the party, the
// assistant's leg is released, the transfer is journaled, and when 1005 hangs up the
// call ends with nothing of ours left. Both the phone that hangs up its transferred
// dialog and the one that waits for Asterisk's BYE.
func TestAssistantAttendedTransfersAFilteredCall(t *testing.T) {
	for _, phoneHangsUp := range []bool{true, false} {
		h := newHarness(t, baseYAML)
		caller, leg := h.answeredAt("PJSIP/1002")
		h.fake.Hold(leg)
		link, err := h.fake.AttendedTransfer(leg, "PJSIP/1005", phoneHangsUp)
		if err != nil {
			t.Fatal(err)
		}
		h.eventually("the transferer's leg released", func() bool { return h.gone(leg) })
		h.eventually("caller and the transfer bridged", func() bool { return h.bridged(caller, link) })
		h.eventually("the transfer journaled", func() bool { return h.stepShown("attended transfer by 1002 to PJSIP/1005") })
		calls, _ := h.app.LiveCalls()
		if len(calls) != 1 || calls[0].Assistant != "" {
			t.Fatalf("after the transfer the call is %+v (the assistant is out of it)", calls)
		}
		h.fake.Hangup(h.fake.TransferTarget(link))
		h.settle()
		h.stop()
	}
}

// TestBlindTransferWhereAsteriskNeverDestroysTheTransferer: after a blind transfer the
// app hangs up the transferer at once; Asterisk answers 204 and StasisEnd but never
// ChannelDestroyed (and BYEs the phone only 60 s later): the call goes on with the
// target and ends cleanly, with no leg of ours left and nothing waiting for that event.
func TestBlindTransferWhereAsteriskNeverDestroysTheTransferer(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/1005@from-internal", Name: "Uma User", Number: "1005"})
	caller, leg := h.answeredAt("PJSIP/1002")
	target, err := h.fake.BlindTransfer(leg, "from-internal", "1005")
	if err != nil {
		t.Fatal(err)
	}
	h.eventually("the transferer's leg released", func() bool { return h.gone(leg) })
	h.fake.Answer(target)
	h.eventually("caller and target bridged", func() bool { return h.bridged(caller, target) })
	h.clock.Advance(61 * time.Second) // Asterisk's late BYE to the phone changes nothing
	if !h.bridged(caller, target) {
		t.Fatal("the call broke when Asterisk let the transferer's phone go")
	}
	h.fake.Hangup(target)
	h.settle()
}

// TestAttendedTransferWithTheConsultationPlacedAsTheExecutive: the assistant holds a
// filtered call, places the consultation as the executive (#64, so it is ours too) and
// transfers. Each call keeps the Local half that took the assistant's place: caller and
// destination talk through the pair, the assistant's two legs are released, and when
// the caller hangs up both calls end with nothing of ours left.
func TestAttendedTransferWithTheConsultationPlacedAsTheExecutive(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15551234567@execassist-outbound", Number: "+15551234567"})
	caller, leg := h.answeredAt("PJSIP/1002")
	h.fake.Hold(leg)
	consult := h.fac("PJSIP/1002", "#641001*1415551234567")
	dest := h.ringing("Local/+15551234567@execassist-outbound")
	h.fake.Answer(dest)
	h.eventually("the consultation bridged", func() bool { return h.bridged(consult, dest) })
	link1, link2, err := h.fake.AttendedTransferInStasis(leg, consult, true)
	if err != nil {
		t.Fatal(err)
	}
	h.eventually("the assistant's legs released", func() bool { return h.gone(leg) && h.gone(consult) })
	h.eventually("both halves in place", func() bool { return h.bridged(caller, link1) && h.bridged(dest, link2) })
	h.eventually("the transfer journaled", func() bool { return h.stepShown("attended transfer by 1002") })
	h.clock.Advance(time.Second)
	if !h.bridged(caller, link1) || !h.bridged(dest, link2) {
		t.Fatal("the app broke the transfer")
	}
	h.fake.Hangup(caller)
	h.settle()
}
