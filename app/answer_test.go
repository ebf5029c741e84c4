package app_test

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

// liveID is the id of the one live call.
func (h *harness) liveID() string {
	h.t.Helper()
	calls, _ := h.app.LiveCalls()
	if len(calls) != 1 {
		h.t.Fatalf("live calls: %+v, want one", calls)
	}
	return calls[0].ID
}

// newLegOn waits for a channel on endpoint other than old and returns it.
func (h *harness) newLegOn(endpoint, old string) string {
	h.t.Helper()
	var id string
	h.eventually("a new leg on "+endpoint, func() bool {
		for _, c := range h.fake.ChannelsOn(endpoint) {
			if c != old {
				id = c
				return true
			}
		}
		return false
	})
	return id
}

// TestAnAssistantAnswersFromTheConsoleAtTheirPhone: Ann clicks Answer on a call ringing
// at her desk phone. The ringing leg gives way to one carrying the auto-answer header;
// her phone answers it by itself, the caller is connected to her, the other assistant's
// phone stops ringing, and the record says she answered from the console.
func TestAnAssistantAnswersFromTheConsoleAtTheirPhone(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller := h.call()
	old := h.ringing("PJSIP/1002")
	other := h.ringing("PJSIP/1003")
	h.eventually("the call to be live", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 })

	if err := h.app.Answer(h.liveID(), "1002"); err != nil {
		t.Fatalf("answer: %v", err)
	}
	leg := h.newLegOn("PJSIP/1002", old)
	h.eventually("the caller connected to Ann's auto-answered leg", func() bool { return h.bridged(caller, leg) })
	if v, _ := h.fake.Variable(leg, "PJSIP_HEADER(add,Call-Info)"); v != "<sip:127.0.0.1>;answer-after=0" {
		t.Errorf("Call-Info on the answering leg = %q, want the built-in auto-answer header", v)
	}
	if v, _ := h.fake.Variable(leg, "CONNECTEDLINE(name)"); v == "" {
		t.Error("the answering leg shows no caller name on the phone")
	}
	h.eventually("the old leg and Alan's leg released", func() bool { return h.gone(old) && h.gone(other) })
	if !h.stepShown("answered from the console") {
		t.Error("the live call's steps do not say it was answered from the console")
	}
	calls, _ := h.app.LiveCalls()
	if calls[0].AnsweredBy != "1002" {
		t.Errorf("answered by %q, want 1002", calls[0].AnsweredBy)
	}
	h.fake.Hangup(caller)
	var rec store.JournalEntry
	h.eventually("the record", func() bool {
		j, _ := h.store.Journal(store.JournalFilter{})
		if len(j) == 0 {
			return false
		}
		rec = j[0]
		return true
	})
	if rec.AnsweredBy != "1002" || len(rec.Steps) == 0 || rec.Steps[0].What != "answered from the console" || rec.Steps[0].By != "1002" {
		t.Errorf("record: answered by %q, steps %+v", rec.AnsweredBy, rec.Steps)
	}
}

// TestAnsweringFromTheConsoleRefusals: only an assistant whose phone rings for the call
// may answer it there, and only while it rings; the call is untouched by a refusal.
func TestAnsweringFromTheConsoleRefusals(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.call()
	ann := h.ringing("PJSIP/1002")
	h.eventually("the call to be live", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 })
	id := h.liveID()
	if err := h.app.Answer(id, "1005"); err == nil || !strings.Contains(err.Error(), "not ringing at your phone") {
		t.Errorf("Uma (not rung) answering: %v, want not ringing at your phone", err)
	}
	if st, _ := h.fake.ChannelState(ann); st != "Ringing" {
		t.Errorf("Ann's leg after a refusal: %q, want still Ringing", st)
	}
	h.fake.Answer(ann)
	h.eventually("the call answered", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 && calls[0].AnsweredBy == "1002" })
	if err := h.app.Answer(id, "1003"); err == nil || !strings.Contains(err.Error(), "answered already") {
		t.Errorf("answering an answered call: %v, want answered already", err)
	}
}

// TestAPhoneWithoutIntercomRingsWhenAnsweredFromTheConsole: a phone that ignores the
// auto-answer header rings again; the call stays with the pool and is answered there
// by hand as usual.
func TestAPhoneWithoutIntercomRingsWhenAnsweredFromTheConsole(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.SetScript("PJSIP/1002", aritest.Script{IgnoresAutoAnswer: true})
	caller := h.call()
	old := h.ringing("PJSIP/1002")
	h.eventually("the call to be live", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 })
	if err := h.app.Answer(h.liveID(), "1002"); err != nil {
		t.Fatalf("answer: %v", err)
	}
	leg := h.newLegOn("PJSIP/1002", old)
	h.eventually("the new leg ringing and the old one gone", func() bool {
		st, _ := h.fake.ChannelState(leg)
		return st == "Ringing" && h.gone(old)
	})
	h.fake.Answer(leg)
	h.eventually("the caller connected to Ann", func() bool { return h.bridged(caller, leg) })
}

// TestAPhoneModelGetsItsOwnAutoAnswerHeader: dialing.auto_answer_devices gives Ann's
// phone Alert-Info instead of Call-Info; "none" makes Alan's ring as usual.
func TestAPhoneModelGetsItsOwnAutoAnswerHeader(t *testing.T) {
	h := newHarness(t, strings.Replace(baseYAML, "dialing: {outbound: 'Local/{number}@execassist-outbound'}",
		"dialing: {outbound: 'Local/{number}@execassist-outbound', auto_answer_devices: {PJSIP/1002: 'Alert-Info: <http://127.0.0.1>;info=alert-autoanswer', PJSIP/1003: none}}", 1))
	caller := h.call()
	old := h.ringing("PJSIP/1002")
	h.eventually("the call to be live", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 })
	if err := h.app.Answer(h.liveID(), "1002"); err != nil {
		t.Fatal(err)
	}
	leg := h.newLegOn("PJSIP/1002", old)
	h.eventually("Ann connected", func() bool { return h.bridged(caller, leg) })
	if v, _ := h.fake.Variable(leg, "PJSIP_HEADER(add,Alert-Info)"); !strings.Contains(v, "alert-autoanswer") {
		t.Errorf("Ann's phone got Alert-Info %q", v)
	}
	if v, found := h.fake.Variable(leg, "PJSIP_HEADER(add,Call-Info)"); found && v != "" {
		t.Errorf("Ann's phone also got Call-Info %q", v)
	}
	h.fake.Hangup(caller)
	h.settle()

	caller = h.call()
	old = h.ringing("PJSIP/1003")
	h.eventually("the call to be live", func() bool { calls, _ := h.app.LiveCalls(); return len(calls) == 1 })
	if err := h.app.Answer(h.liveID(), "1003"); err != nil {
		t.Fatal(err)
	}
	leg = h.newLegOn("PJSIP/1003", old)
	h.eventually("Alan's phone ringing as usual", func() bool { st, _ := h.fake.ChannelState(leg); return st == "Ringing" })
	h.fake.Hangup(caller)
	h.settle()
}
