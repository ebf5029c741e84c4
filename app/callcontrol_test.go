package app_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

// answeredAt places a call to the executive, lets assistant endpoint answer it and
// returns the caller's and the assistant leg's channel ids.
func (h *harness) answeredAt(endpoint string) (caller, leg string) {
	h.t.Helper()
	caller = h.call()
	leg = h.ringing(endpoint)
	h.fake.Answer(leg)
	h.eventually("the call to be bridged and the other legs released", func() bool {
		if h.fake.BridgeOf(caller) == "" || h.fake.BridgeOf(caller) != h.fake.BridgeOf(leg) {
			return false
		}
		for _, ep := range []string{"PJSIP/1001", "PJSIP/1002", "PJSIP/1003", "PJSIP/1004"} {
			for _, id := range h.fake.ChannelsOn(ep) {
				if st, _ := h.fake.ChannelState(id); st == "Ringing" {
					return false
				}
			}
		}
		return true
	})
	return caller, leg
}

// bridged reports whether the channels share one bridge.
func (h *harness) bridged(ids ...string) bool {
	b := h.fake.BridgeOf(ids[0])
	for _, id := range ids[1:] {
		if b == "" || h.fake.BridgeOf(id) != b {
			return false
		}
	}
	return b != ""
}

func (h *harness) gone(id string) bool { _, alive := h.fake.ChannelState(id); return !alive }

func TestOptOutAndInPersistAndStopFilteredCalls(t *testing.T) {
	h := newHarness(t, baseYAML)
	id := h.fac("PJSIP/1002", "#661001")
	h.finishFAC(id)
	if in, set := h.store.Snapshot().Runtime.Assistants["1002"].OptedIn["1001"]; !set || in {
		t.Fatal("#66 not stored")
	}
	c := h.call()
	h.ringing("PJSIP/1003")
	if h.dialled("PJSIP%2F1002") != 0 {
		t.Fatal("an opted-out assistant was alerted")
	}
	h.fake.Hangup(c)
	h.settle()
	h.finishFAC(h.fac("PJSIP/1002", "#651001"))
	if in := h.store.Snapshot().Runtime.Assistants["1002"].OptedIn["1001"]; !in {
		t.Fatal("#65 not stored")
	}
}

func TestOptOutRefusals(t *testing.T) {
	h := newHarness(t, baseYAML, "allow_opt_in_out: true", "allow_opt_in_out: false")
	for _, tc := range []struct{ from, digits string }{
		{"PJSIP/1002", "#661001"}, // the executive does not allow it
		{"PJSIP/1005", "#661001"}, // not in the pool
		{"PJSIP/1002", "#661999"}, // not an executive
	} {
		id := h.fac(tc.from, tc.digits)
		h.finishFAC(id)
		if p := h.playedTo(id); !strings.Contains(p[len(p)-1], "feature-not-avail-line") {
			t.Errorf("%s from %s: %v", tc.digits, tc.from, p)
		}
	}
	if len(h.store.Snapshot().Runtime.Assistants) != 0 {
		t.Fatal("a refused opt-out was stored")
	}
}

func TestOptOutPromptsForMissingDigits(t *testing.T) {
	h := newHarness(t, baseYAML)
	id := h.fac("PJSIP/1003", "#66")
	h.eventually("the prompt", func() bool { return len(h.playedTo(id)) == 1 })
	if p := h.playedTo(id)[0]; !strings.Contains(p, "please-enter-the") {
		t.Fatalf("prompt %s", p)
	}
	h.fake.SendDTMF(id, "1001#")
	h.eventually("the confirmation", func() bool { return len(h.playedTo(id)) == 2 })
	h.finishFAC(id)
	if in, set := h.store.Snapshot().Runtime.Assistants["1003"].OptedIn["1001"]; !set || in {
		t.Fatal("opt-out with collected digits not stored")
	}
	// Silence three times: refused, nothing stored.
	id = h.fac("PJSIP/1004", "#66")
	for try := 1; try <= 3; try++ {
		h.eventually("prompt", func() bool { return len(h.playedTo(id)) == try })
		h.clock.Advance(10 * time.Second)
	}
	h.eventually("the refusal", func() bool { return len(h.playedTo(id)) == 4 })
	h.finishFAC(id)
	if p := h.playedTo(id); len(p) != 4 || !strings.Contains(p[3], "pbx-invalid") {
		t.Fatalf("after three silent tries: %v", p)
	}
	if _, set := h.store.Snapshot().Runtime.Assistants["1004"]; set {
		t.Fatal("stored without digits")
	}
}

func TestInitiateCallWithExecutiveIdentityThenPush(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15551234567@execassist-outbound", Number: "+15551234567"})
	fac := h.fac("PJSIP/1002", "#641001*1415551234567")
	dest := h.ringing("Local/+15551234567@execassist-outbound")
	if name, num := h.fake.Connected(dest); name != "Erin Exec" || num != "+15551231001" {
		t.Fatalf("the destination sees %q <%s>, want the executive", name, num)
	}
	if st, _ := h.fake.ChannelState(fac); st != "Ring" {
		t.Fatalf("assistant's channel %s before answer (should hear ringing)", st)
	}
	h.fake.Answer(dest)
	h.eventually("assistant and destination bridged", func() bool { return h.bridged(fac, dest) })
	// It is an executive call now: #63 pushes it to the executive.
	push := h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	h.finishFAC(push)
	h.eventually("the assistant's leg released by the push", func() bool { return h.gone(fac) })
	h.fake.Answer(exec)
	h.eventually("executive and destination bridged", func() bool { return h.bridged(dest, exec) })
	h.fake.Hangup(dest)
	h.settle()
}

func TestInitiateRefusals(t *testing.T) {
	h := newHarness(t, baseYAML)
	for _, tc := range []struct{ from, digits, prompt string }{
		{"PJSIP/1002", "#641001*14442071234567", "cannot-complete-as-dialed"},             // international: not permitted
		{"PJSIP/1005", "#64100115551234567", "im-sorry%2Csound%3Afeature-not-avail-line"}, // not in the pool
		{"PJSIP/1002", "#641005", "feature-not-avail-line"},                               // 1005 is not an executive
		// Toll fraud through the dialling plan: international and premium without a +.
		{"PJSIP/1002", "#641001011442071234567", "cannot-complete-as-dialed"},
		{"PJSIP/1002", "#64100119005550000", "cannot-complete-as-dialed"},
		{"PJSIP/1002", "#6410010044207123456", "pbx-invalid"},
		// PBX feature codes with the executive's identity: invalid digits.
		{"PJSIP/1002", "#641001*7215551234", "pbx-invalid"},
		{"PJSIP/1002", "#641001*14#9", "pbx-invalid"},
	} {
		id := h.fac(tc.from, tc.digits)
		h.finishFAC(id)
		if p := h.playedTo(id); !strings.Contains(p[len(p)-1], tc.prompt) {
			t.Errorf("%s from %s: %v", tc.digits, tc.from, p)
		}
	}
	if h.dialled("endpoint=") != 0 {
		t.Fatal("a refused #64 dialled")
	}
	// Missing destination: prompted, then dialled, in E.164 (the national number the
	// assistant typed is what the calling permissions were checked on).
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15551234567@execassist-outbound"})
	id := h.fac("PJSIP/1002", "#641001")
	h.eventually("the prompt", func() bool { return len(h.playedTo(id)) == 1 })
	h.fake.SendDTMF(id, "5551234567#")
	dest := h.ringing("Local/+15551234567@execassist-outbound")
	h.fake.Hangup(id)
	h.eventually("destination released with the assistant", func() bool { return h.gone(dest) })
	h.settle()
}

func TestPushRingsExecutiveWithCallerIDAndRecallsOnNoAnswer(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, leg := h.answeredAt("PJSIP/1002")
	push := h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	if name, num := h.fake.Connected(exec); name != "Bob Caller" || num != "+15557770000" {
		t.Fatalf("executive sees %q <%s>, want the remote party", name, num)
	}
	h.eventually("the assistant leg released", func() bool { return h.gone(leg) })
	if !h.fake.MOH(h.fake.BridgeOf(caller)) {
		t.Fatal("the remote party does not hear music on hold")
	}
	h.finishFAC(push) // advances the clock a second or more
	// 4 recall rings of 6 s after the push: wait for that timer, whenever it was armed;
	// a second before it the executive still rings, at it the assistant.
	var recallAt time.Time
	h.eventually("the recall timer", func() bool {
		for _, due := range h.clock.Due() {
			if due.Sub(h.clock.Now()) > 20*time.Second {
				recallAt = due
				return true
			}
		}
		return false
	})
	h.clock.Advance(recallAt.Sub(h.clock.Now()) - time.Second)
	if h.gone(exec) {
		t.Fatal("recalled early")
	}
	h.clock.Advance(time.Second)
	recall := h.ringing("PJSIP/1002")
	h.eventually("executive leg released", func() bool { return h.gone(exec) })
	if name, _ := h.fake.Connected(recall); name != "Bob Caller" {
		t.Fatalf("recall shows %q", name)
	}
	if !h.fake.MOH(h.fake.BridgeOf(caller)) {
		t.Fatal("remote not on hold during recall")
	}
	h.fake.Answer(recall)
	h.eventually("recalled call connected", func() bool { return h.bridged(caller, recall) && !h.fake.MOH(h.fake.BridgeOf(caller)) })
	h.fake.Hangup(caller)
	h.settle()
}

func TestPushRemoteHangsUpReleasesEverything(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, _ := h.answeredAt("PJSIP/1003")
	h.finishFAC(h.fac("PJSIP/1003", "#63"))
	exec := h.ringing("PJSIP/1001")
	h.fake.Hangup(caller)
	h.eventually("executive leg released", func() bool { return h.gone(exec) })
	h.settle()
}

func TestPushRefusals(t *testing.T) {
	h := newHarness(t, baseYAML)
	// No call at the device.
	id := h.fac("PJSIP/1002", "#63")
	h.finishFAC(id)
	if p := h.playedTo(id); !strings.Contains(p[0], "im-sorry") {
		t.Fatalf("no call: %v", p)
	}
	// A call answered at 1003: 1002 cannot push it.
	caller, leg := h.answeredAt("PJSIP/1003")
	id = h.fac("PJSIP/1002", "#63")
	h.finishFAC(id)
	if !h.bridged(caller, leg) || h.fake.MOH(h.fake.BridgeOf(caller)) {
		t.Fatal("a refused push touched the call")
	}
	// (Two answered calls at one device: the newest is pushed, see
	// TestPushWithTwoCallsAtOneDevicePushesTheNewestAndSaysWhich.)
	h.fake.Hangup(caller)
	h.settle()
}

func TestRetrieveMovesTheCallToTheExecutive(t *testing.T) {
	h := newHarness(t, baseYAML)
	c1, l1 := h.answeredAt("PJSIP/1002")
	h.clock.Advance(time.Second)
	c2, l2 := h.answeredAt("PJSIP/1003")
	// *11 1002 chooses Ann's call although Alan's is the most recent.
	r := h.fac("PJSIP/1001", "*111002")
	h.eventually("the executive's phone joins Ann's caller", func() bool { return h.bridged(c1, r) && h.gone(l1) })
	if st, _ := h.fake.ChannelState(r); st != "Up" {
		t.Fatalf("retrieving channel %s", st)
	}
	// Without digits: the most recently answered (Alan's).
	r2 := h.fac("PJSIP/1001", "*11")
	h.eventually("most recent call retrieved", func() bool { return h.bridged(c2, r2) && h.gone(l2) })
	h.fake.Hangup(c1)
	h.fake.Hangup(r2)
	h.settle()
}

func TestBridgeJoinsThreeWayWithRepeatingWarningTone(t *testing.T) {
	h := newHarness(t, baseYAML, "filtering: {enabled: true, mode: all}", "filtering: {enabled: true, mode: all}\n      bridge_warning_tone: barge-in-repeat")
	caller, leg := h.answeredAt("PJSIP/1002")
	b := h.fac("PJSIP/1001", "*15")
	h.eventually("three in one bridge", func() bool { return h.bridged(caller, leg, b) })
	br := h.fake.BridgeOf(caller)
	tones := func() int {
		n := 0
		for _, r := range h.fake.Requests() {
			if r.Path == "/bridges/"+br+"/play" && strings.Contains(r.Query, "tone") {
				n++
			}
		}
		return n
	}
	if tones() != 1 {
		t.Fatalf("%d warning tones at barge-in", tones())
	}
	// A tone plays until it is stopped (the US stutter ends in a continuous tone): the
	// warning is stopped after warning_tone_duration, the three-way call goes on.
	if n := len(h.fake.Live().Playbacks); n != 1 {
		t.Fatalf("%d playbacks while the warning plays", n)
	}
	// The stop timer is armed once Play has answered: advance in steps until it fires.
	h.eventually("the warning tone stopped", func() bool {
		h.clock.Advance(100 * time.Millisecond)
		return len(h.fake.Live().Playbacks) == 0
	})
	if !h.bridged(caller, leg, b) {
		t.Fatal("stopping the tone broke the call")
	}
	h.clock.Advance(30 * time.Second)
	h.eventually("the tone repeats", func() bool { return tones() == 2 })
	h.eventually("the repeated tone stopped", func() bool {
		h.clock.Advance(100 * time.Millisecond)
		return len(h.fake.Live().Playbacks) == 0
	})
	// The assistant leaves: caller and executive stay connected.
	h.fake.Hangup(leg)
	h.clock.Advance(time.Second)
	if !h.bridged(caller, b) {
		t.Fatal("caller and executive were not left connected")
	}
	h.fake.Hangup(caller)
	h.settle()
}

func TestAssistantTakesHeldCallAndBridgesIntoExecutiveCall(t *testing.T) {
	h := newHarness(t, baseYAML, "filtering: {enabled: true, mode: all}", "filtering: {enabled: true, mode: all}\n      screening: {enabled: true}\n      bridge_warning_tone: none")
	caller := h.call()
	exec := h.ringing("PJSIP/1001")
	h.fake.Answer(exec)
	h.eventually("executive answered the screening leg", func() bool { return h.bridged(caller, exec) })
	// #64 1001 *15: the assistant joins the executive's answered call (no tone: none).
	j := h.fac("PJSIP/1003", "#641001*15")
	h.eventually("assistant joined", func() bool { return h.bridged(caller, exec, j) })
	h.fake.Hangup(j)
	// The executive holds; #64 1001 *11 takes the held call to the assistant.
	h.fake.Hold(exec)
	time.Sleep(20 * time.Millisecond)
	tk := h.fac("PJSIP/1002", "#641001*11")
	h.eventually("assistant took the held call", func() bool { return h.bridged(caller, tk) && h.gone(exec) })
	h.fake.Hangup(caller)
	h.settle()
}

func TestConcurrentFACsFromManyDevicesAreIndependent(t *testing.T) {
	h := newHarness(t, baseYAML)
	var wg sync.WaitGroup
	var ids []string
	var mu sync.Mutex
	for round := 0; round < 5; round++ {
		for _, dev := range []string{"PJSIP/1002", "PJSIP/1003", "PJSIP/1004"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := h.fac(dev, "#661001")
				mu.Lock()
				ids = append(ids, id)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, id := range ids {
		h.eventually("announcement", func() bool { return len(h.playedTo(id)) > 0 })
	}
	h.clock.Advance(time.Second)
	for _, id := range ids {
		h.eventually("released", func() bool { return h.gone(id) })
	}
	rt := h.store.Snapshot().Runtime
	for _, a := range []string{"1002", "1003", "1004"} {
		if in, set := rt.Assistants[a].OptedIn["1001"]; !set || in {
			t.Fatalf("%s not opted out", a)
		}
	}
	h.settle()
}

// TestTheCallerLeavingAThreeWayCallEndsIt: with the executive bridged into the call an
// assistant answered, the caller hanging up releases every leg (SPEC 2.5): the executive
// and the assistant are not left talking in our bridge, the call leaves the live list
// and its last journal record says the caller hung up.
func TestTheCallerLeavingAThreeWayCallEndsIt(t *testing.T) {
	h := newHarness(t, baseYAML, "filtering: {enabled: true, mode: all}", "filtering: {enabled: true, mode: all}\n      bridge_warning_tone: none")
	caller, leg := h.answeredAt("PJSIP/1002")
	b := h.fac("PJSIP/1001", "*15")
	h.eventually("three in one bridge", func() bool { return h.bridged(caller, leg, b) })
	h.fake.Hangup(caller)
	h.settle()
	if calls, _ := h.app.LiveCalls(); len(calls) != 0 {
		t.Fatalf("the call is still live after its caller left: %+v", calls)
	}
	j := h.ended()
	if j.EndCause != "caller-hung-up" || j.AnsweredBy != "1002" || j.Outcome != "answered" {
		t.Fatalf("last record %+v", j)
	}
}

// ended waits for the record of an answered call, written when it ended.
func (h *harness) ended() store.JournalEntry {
	h.t.Helper()
	var e store.JournalEntry
	h.eventually("the call's end record", func() bool {
		j, _ := h.store.Journal(store.JournalFilter{})
		for _, x := range j {
			if x.EndCause != "" {
				e = x
				return true
			}
		}
		return false
	})
	return e
}

// TestAnAnsweredCallEndsWithARecord: a call an assistant answered ends with a record
// that says who hung up (before, its last word was "answered").
func TestAnAnsweredCallEndsWithARecord(t *testing.T) {
	h := newHarness(t, baseYAML)
	_, leg := h.answeredAt("PJSIP/1002")
	h.fake.Hangup(leg)
	h.settle()
	if j := h.ended(); j.EndCause != "assistant-hung-up" || !strings.Contains(j.Steps[len(j.Steps)-1].What, "1002 (assistant) hung up") {
		t.Fatalf("last record %+v", j)
	}
}

// TestPushWithTwoCallsAtOneDevicePushesTheNewestAndSaysWhich: #63 has no call id; with
// two answered calls on Ann's phone it pushes the one answered last, and the
// confirmation ends with that caller's number; the other call stays with Ann.
func TestPushWithTwoCallsAtOneDevicePushesTheNewestAndSaysWhich(t *testing.T) {
	h := newHarness(t, baseYAML)
	var callers, legs []string
	for _, number := range []string{"+15557770001", "+15557770002"} {
		c := h.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerNumber: number, Exten: "1001", Args: []string{"exec", "1001"}})
		leg := h.ringing("PJSIP/1002")
		h.fake.Answer(leg)
		h.eventually("bridged", func() bool { return h.bridged(c, leg) })
		callers, legs = append(callers, c), append(legs, leg)
		h.clock.Advance(time.Second) // the second is answered a second later
	}
	f := h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	h.finishFAC(f)
	if p := h.playedTo(f); len(p) == 0 || !strings.Contains(strings.Join(p, " "), "digits%3A15557770002") {
		t.Fatalf("the confirmation does not say which call: %v", p)
	}
	if !h.bridged(callers[0], legs[0]) {
		t.Fatal("the first call left Ann")
	}
	if !h.gone(legs[1]) {
		t.Fatal("Ann's leg of the pushed call is still up")
	}
	h.fake.Answer(exec)
	h.eventually("the executive has the newest call", func() bool { return h.bridged(callers[1], exec) })
}

// TestACallHasOneRecordTellingItsLife: a call answered by an assistant, pushed and
// answered by the executive, then ended by its caller, leaves one record (besides the
// #63's own) with its decision, the answer, each step in order and the end; before,
// it left four entries and none said how it ended.
func TestACallHasOneRecordTellingItsLife(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller, _ := h.answeredAt("PJSIP/1002")
	push := h.fac("PJSIP/1002", "#63")
	exec := h.ringing("PJSIP/1001")
	h.finishFAC(push)
	h.fake.Answer(exec)
	h.eventually("the executive has the call", func() bool { return h.bridged(caller, exec) })
	h.eventually("the live call to show its steps", func() bool { return h.stepShown("answered after push") })
	h.fake.Hangup(caller)
	h.settle()
	var calls []store.JournalEntry
	h.eventually("the records written", func() bool {
		j, _ := h.store.Journal(store.JournalFilter{})
		calls = nil
		for _, e := range j {
			if e.Kind == "call" {
				calls = append(calls, e)
			}
		}
		return len(j) >= 2 // the call's and the #63's
	})
	if len(calls) != 1 {
		t.Fatalf("%d call records: %+v", len(calls), calls)
	}
	r := calls[0]
	var steps []string
	for _, st := range r.Steps {
		steps = append(steps, st.What+"/"+st.By)
	}
	if r.Decision != "filtered" || r.Outcome != "answered" || r.AnsweredBy != "1002" || r.EndCause != "caller-hung-up" ||
		strings.Join(steps, ", ") != "pushed/1002, answered after push/1001, the caller hung up/" || r.Ended.IsZero() {
		t.Fatalf("record %+v, steps %v", r, steps)
	}
}
