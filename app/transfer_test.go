package app_test

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

func (h *harness) journalHas(text string) bool {
	j, _ := h.store.Journal(store.JournalFilter{})
	for _, e := range j {
		if strings.Contains(e.Decision, text) {
			return true
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
	h.eventually("the transfer journaled", func() bool { return h.journalHas("transferred by 1002 to 1005@from-internal") })
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

// TestAssistantAttendedTransfersAFilteredCall: a consultation transfer puts the target's
// channel into the bridge in the assistant's place; the call goes on, and ends when the
// target hangs up.
func TestAssistantAttendedTransfersAFilteredCall(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, leg := h.answeredAt("PJSIP/1002")
	target, err := h.fake.AttendedTransfer(leg, "PJSIP/1005")
	if err != nil {
		t.Fatal(err)
	}
	h.eventually("the transferer's leg released", func() bool { return h.gone(leg) })
	h.eventually("caller and target bridged", func() bool { return h.bridged(caller, target) })
	h.eventually("the transfer journaled", func() bool { return h.journalHas("attended transfer by 1002") })
	h.fake.Hangup(target)
	h.settle()
}
