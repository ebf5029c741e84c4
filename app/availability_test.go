package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
)

// availabilityYAML: out of office sends Erin's callers to voicemail, busy forwards
// them to her mobile.
var availabilityYAML = strings.Replace(baseYAML, "      filtering: {enabled: true, mode: all}\n",
	"      filtering: {enabled: true, mode: all}\n      availability_actions: {out-of-office: {action: voicemail}, busy: {action: forward, to: \"+15559871001\"}}\n", 1)

// TestTheExecutiveSetsAStatusFromThePhone: #69 2 60 makes Erin out of office for an
// hour (confirmed, stored with its end); a call meanwhile goes to her voicemail at once,
// no assistant rings; an hour later calls are filtered as always; #69 clears it; Ann
// may not set Erin's status by FAC.
func TestTheExecutiveSetsAStatusFromThePhone(t *testing.T) {
	h := newHarness(t, availabilityYAML)
	set := h.fac("PJSIP/1001", "#69260")
	h.finishFAC(set)
	if p := h.playedTo(set); len(p) != 1 || !strings.Contains(p[0], "beep") {
		t.Errorf("#69 2 60 played %v, want the confirmation", p)
	}
	a := h.store.Snapshot().Runtime.Executives["1001"].Availability
	if a == nil || a.Status != config.OutOfOffice || a.Until == nil || a.Until.Sub(h.clock.Now()) < 59*time.Minute {
		t.Fatalf("stored %+v", a)
	}
	caller := h.call()
	h.eventually("the caller at Erin's voicemail", func() bool { return h.atErinsVoicemail(caller) })
	if n := len(h.fake.ChannelsOn("PJSIP/1002")); n != 0 {
		t.Fatal("Ann rang while Erin is out of office")
	}
	h.fake.Hangup(caller)
	h.settle()

	h.clock.Advance(61 * time.Minute)
	second := h.call()
	h.ringing("PJSIP/1002")
	h.fake.Hangup(second)
	h.settle()

	refused := h.fac("PJSIP/1002", "#691")
	h.finishFAC(refused)
	if p := h.playedTo(refused); len(p) != 1 || !strings.Contains(p[0], "feature-not-avail-line") {
		t.Errorf("Ann's #69 1 played %v", p)
	}
	h.fac("PJSIP/1001", "#693") // busy, until cleared
	h.eventually("busy stored", func() bool {
		a := h.store.Snapshot().Runtime.Executives["1001"].Availability
		return a != nil && a.Status == config.Busy && a.Until == nil
	})
	clear := h.fac("PJSIP/1001", "#69")
	h.finishFAC(clear)
	if a := h.store.Snapshot().Runtime.Executives["1001"].Availability; a != nil {
		t.Fatalf("#69 left %+v", a)
	}
	h.settle()
}

// TestBusyForwardsTheCallerThroughTheGate: busy rings Erin's mobile through the
// outbound dialplan showing the caller; unanswered within 30 s the caller goes to her
// voicemail, never dropped.
func TestBusyForwardsTheCallerThroughTheGate(t *testing.T) {
	h := newHarness(t, availabilityYAML)
	if err := h.store.SetAvailability("1001", &config.Availability{Status: config.Busy}); err != nil {
		t.Fatal(err)
	}
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15559871001@execassist-outbound", Number: "+15559871001"})
	caller := h.call()
	h.ringing("Local/+15559871001@execassist-outbound")
	h.until("the caller at Erin's voicemail after the forward", func() bool { return h.atErinsVoicemail(caller) })
	h.fake.Hangup(caller)
	h.settle()
}
