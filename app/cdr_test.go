package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

// userfield is what the CDR of channel id says so far.
func (h *harness) userfield(id string) string {
	v, _ := h.fake.Variable(id, "CDR(userfield)")
	return v
}

// TestTheCallRecordSaysWhyInWebexWords: a filtered call that Ann answers and pushes
// carries ExecutiveForwarded then ExecutiveAssistantCallPush in the caller's CDR; one
// nobody answers ends with ExecutiveCallFilteringRollover; one Erin retrieves
// (*11) says ExecutiveCallRetrieve; a call Ann places as Erin
// has ExecutiveAssistantInitiateCall on both its channels. Writing the function raises
// no ChannelVarset (Asterisk raises it for variables only).
func TestTheCallRecordSaysWhyInWebexWords(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, _ := h.answeredAt("PJSIP/1002")
	if got := h.userfield(caller); got != "ExecutiveForwarded" {
		t.Errorf("answered: %q", got)
	}
	push := h.fac("PJSIP/1002", "#63")
	h.ringing("PJSIP/1001")
	h.eventually("the push in the caller's CDR", func() bool {
		return h.userfield(caller) == "ExecutiveForwarded;ExecutiveAssistantCallPush"
	})
	h.finishFAC(push)
	h.fake.Hangup(caller)
	h.settle()

	second := h.call()
	h.ringing("PJSIP/1002")
	h.until("the rollover in the caller's CDR", func() bool {
		return h.userfield(second) == "ExecutiveForwarded;ExecutiveCallFilteringRollover"
	})
	h.fake.Hangup(second)
	h.settle()

	third, _ := h.answeredAt("PJSIP/1003")
	retrieve := h.fac("PJSIP/1001", "*11")
	h.eventually("the retrieve in the caller's CDR", func() bool {
		return h.userfield(third) == "ExecutiveForwarded;ExecutiveCallRetrieve"
	})
	h.fake.Hangup(third)
	h.fake.Hangup(retrieve)
	h.settle()

	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15551234567@execassist-outbound", Number: "+15551234567"})
	fac := h.fac("PJSIP/1002", "#641001*1415551234567")
	dest := h.ringing("Local/+15551234567@execassist-outbound")
	h.fake.Answer(dest)
	h.eventually("both channels of the placed call marked", func() bool {
		return h.userfield(fac) == "ExecutiveAssistantInitiateCall" && h.userfield(dest) == "ExecutiveAssistantInitiateCall"
	})
	h.fake.Hangup(dest)
	h.settle()

	for _, raw := range h.fake.Events() {
		var ev struct {
			Type     string `json:"type"`
			Variable string `json:"variable"`
		}
		_ = json.Unmarshal(raw, &ev)
		if ev.Type == "ChannelVarset" && strings.HasPrefix(ev.Variable, "CDR(") {
			t.Fatalf("the fake raised %s", raw)
		}
	}
}
