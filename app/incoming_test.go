package app_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

func TestFilteringOffContinuesWithoutDialling(t *testing.T) {
	h := newHarness(t, baseYAML, "filtering: {enabled: true, mode: all}", "filtering: {enabled: false, mode: all}")
	id := h.call()
	if to := h.continuedTo(id); to != "from-internal,1001,2" {
		t.Fatalf("continued to %s, want the next priority", to)
	}
	if n := h.dialled("endpoint="); n != 0 {
		t.Fatalf("%d legs dialled with filtering off", n)
	}
	h.settle()
}

func TestSimultaneousSecondAnswerWins(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller := h.call()
	a, b, c := h.ringing("PJSIP/1002"), h.ringing("PJSIP/1003"), h.ringing("PJSIP/1004")
	// What the assistants' phones show, and the filtered-call Alert-Info.
	if name, num := h.fake.Connected(b); name != "Erin Exec - Bob Caller" || num != "+15557770000" {
		t.Fatalf("leg shows %q <%s>", name, num)
	}
	if ai, _ := h.fake.Variable(b, "PJSIP_HEADER(add,Alert-Info)"); ai != "<http://127.0.0.1/filtered>;info=filtered" {
		t.Fatalf("Alert-Info %q", ai)
	}
	if err := h.fake.Answer(b); err != nil {
		t.Fatal(err)
	}
	h.eventually("the caller bridged with the second assistant", func() bool {
		br := h.fake.BridgeOf(caller)
		return br != "" && br == h.fake.BridgeOf(b)
	})
	// The losers are released while the caller is bridged, not after.
	h.eventually("the losing legs to be released", func() bool { return h.gone(a) && h.gone(c) })

	if st, _ := h.fake.ChannelState(caller); st != "Up" {
		t.Fatalf("caller state %s", st)
	}
	// The assistant hangs up: everything is released, and the call's one record says
	// who answered.
	h.fake.Hangup(b)
	h.settle()
	j := h.journal()
	if len(j) != 1 || j[0].AnsweredBy != "1003" || j[0].Decision != "filtered" || j[0].Outcome != "answered" ||
		j[0].EndCause != "assistant-hung-up" {
		t.Fatalf("journal %+v", j)
	}
}

func TestTwoAnswersTogetherExactlyOneWins(t *testing.T) {
	for i := 0; i < 20; i++ {
		h := newHarness(t, baseYAML)
		caller := h.call()
		legs := []string{h.ringing("PJSIP/1002"), h.ringing("PJSIP/1003"), h.ringing("PJSIP/1004")}
		var wg sync.WaitGroup
		for _, l := range legs[:2] {
			wg.Add(1)
			go func() { defer wg.Done(); h.fake.Answer(l) }()
		}
		wg.Wait()
		h.eventually("one assistant bridged, every other leg released", func() bool {
			br := h.fake.BridgeOf(caller)
			alive, inBridge := 0, 0
			for _, l := range legs {
				if _, ok := h.fake.ChannelState(l); ok {
					alive++
				}
				if br != "" && h.fake.BridgeOf(l) == br {
					inBridge++
				}
			}
			if inBridge > 1 {
				t.Fatalf("%d assistants on one caller", inBridge)
			}
			return alive == 1 && inBridge == 1
		})
		h.fake.Hangup(caller)
		h.settle()
		h.stop()
	}
}

func TestCallerHangsUpWhileLegsRingReleasesEverything(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.eventually("start-up work (resync, lamps) to finish", func() bool { return len(h.fake.Requests()) >= 1 })
	idle := h.goroutines()
	caller := h.call()
	h.ringing("PJSIP/1002")
	h.ringing("PJSIP/1003")
	h.ringing("PJSIP/1004")
	h.fake.Hangup(caller)
	h.settle()
	j := h.journal()
	if j[0].Outcome != "caller-hung-up" || len(j[0].Legs) != 3 {
		t.Fatalf("journal %+v", j[0])
	}
	h.eventually("goroutines back to idle", func() bool { return h.goroutines() <= idle })
}

func sequentialYAML(extra ...string) string {
	y := strings.Replace(baseYAML, "mode: simultaneous", "mode: sequential", 1)
	for i := 0; i+1 < len(extra); i += 2 {
		y = strings.Replace(y, extra[i], extra[i+1], 1)
	}
	return y
}

func TestSequentialBusyAndUnavailableMoveOnAtOnce(t *testing.T) {
	h := newHarness(t, sequentialYAML())
	h.fake.SetScript("PJSIP/1002", aritest.Script{Mode: aritest.Busy})
	h.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.Unavailable})
	caller := h.call()
	leg := h.ringing("PJSIP/1004") // no clock advance: busy and unavailable were skipped at once
	if h.dialled("PJSIP%2F1002") != 1 || h.dialled("PJSIP%2F1003") != 1 {
		t.Fatal("1002 and 1003 were not tried first")
	}
	h.fake.Answer(leg)
	h.eventually("bridged with 1004", func() bool { return h.fake.BridgeOf(caller) != "" && h.fake.BridgeOf(caller) == h.fake.BridgeOf(leg) })
	h.fake.Hangup(caller)
	h.settle()
}

func TestSequentialNoAnswerMovesOnThenRollsOver(t *testing.T) {
	h := newHarness(t, sequentialYAML("rollover: {enabled: true, after: 30s, action: voice-messaging}", "rollover: {enabled: false, action: voice-messaging}"))
	caller := h.call()
	h.ringing("PJSIP/1002")
	h.notRinging("PJSIP/1003")
	h.clock.Advance(11 * time.Second) // 2 rings of 6 s: not yet
	h.notRinging("PJSIP/1003")
	h.clock.Advance(time.Second)
	h.ringing("PJSIP/1003")
	h.notRinging("PJSIP/1002")
	h.clock.Advance(12 * time.Second)
	h.ringing("PJSIP/1004")
	h.clock.Advance(12 * time.Second)
	if to := h.continuedTo(caller); to != "execassist-voicemail,1001,1" {
		t.Fatalf("after the last assistant: %s", to)
	}
	h.settle()
	if j := h.journal(); j[0].Outcome != "rollover:voice-messaging" || !strings.Contains(strings.Join(j[0].Reasons, ";"), "no assistant left") {
		t.Fatalf("journal %+v", j[0])
	}
}

func TestRolloverTimerVoiceMessaging(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller := h.call()
	h.ringing("PJSIP/1002")
	h.clock.Advance(29 * time.Second)
	if _, ok := h.fake.Continued(caller); ok {
		t.Fatal("rolled over early")
	}
	h.clock.Advance(time.Second)
	if to := h.continuedTo(caller); to != "execassist-voicemail,1001,1" {
		t.Fatalf("rollover to %s", to)
	}
	h.settle()
}

func TestRolloverNoAnswerProcessingUsesTheLabel(t *testing.T) {
	h := newHarness(t, baseYAML, "action: voice-messaging", "action: no-answer-processing")
	caller := h.rolledOver()
	if to := h.continuedTo(caller); to != "from-internal,1001,execassist-noanswer" {
		t.Fatalf("rollover to %s", to)
	}
	h.settle()
}

func TestRolloverWhenAllAssistantsBusy(t *testing.T) {
	h := newHarness(t, baseYAML)
	for _, p := range []string{"PJSIP/1002", "PJSIP/1003", "PJSIP/1004"} {
		h.fake.SetScript(p, aritest.Script{Mode: aritest.Busy})
	}
	caller := h.call()
	if to := h.continuedTo(caller); to != "execassist-voicemail,1001,1" {
		t.Fatalf("all busy: %s", to)
	}
	h.settle()
}

func TestRolloverForwardConnectsTheCaller(t *testing.T) {
	h := newHarness(t, baseYAML, "action: voice-messaging", "action: forward, to: '+15550003333'")
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15550003333@execassist-outbound", Number: "+15550003333"})
	caller := h.rolledOver()
	fwd := h.ringing("Local/+15550003333@execassist-outbound")
	if _, num := h.fake.Connected(fwd); num != "+15557770000" {
		t.Fatalf("the forward destination sees %s, want the caller", num)
	}
	h.fake.Answer(fwd)
	h.eventually("caller bridged with the forward destination", func() bool {
		return h.fake.BridgeOf(caller) != "" && h.fake.BridgeOf(caller) == h.fake.BridgeOf(fwd)
	})
	h.fake.Hangup(fwd)
	h.settle()
	if j := h.journal(); j[0].Outcome != "rollover:forward" || !strings.HasPrefix(j[0].AnsweredBy, "forward@") {
		t.Fatalf("journal %+v", j[0])
	}
}

func TestScreeningExecutiveAnswersReleasesAssistants(t *testing.T) {
	h := newHarness(t, baseYAML, "filtering: {enabled: true, mode: all}",
		"filtering: {enabled: true, mode: all}\n      screening: {enabled: true, alert: ring-splash, locations: [mobility]}")
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15559871001@execassist-outbound"})
	caller := h.call()
	a := h.ringing("PJSIP/1002")
	exec := h.ringing("PJSIP/1001")
	mobile := h.ringing("Local/+15559871001@execassist-outbound") // the Mobility location rings too
	if ai, _ := h.fake.Variable(exec, "PJSIP_HEADER(add,Alert-Info)"); !strings.Contains(ai, "ring-splash") {
		t.Fatalf("screening Alert-Info %q", ai)
	}
	h.fake.Answer(exec)
	h.eventually("caller bridged with the executive", func() bool {
		return h.fake.BridgeOf(caller) != "" && h.fake.BridgeOf(caller) == h.fake.BridgeOf(exec)
	})
	h.eventually("the assistant and mobility legs released", func() bool { return h.gone(a) && h.gone(mobile) })
	h.fake.Hangup(caller)
	h.settle()
}

func TestDivertedAssistantIsReachedAtTheDivertDestination(t *testing.T) {
	h := newHarness(t, baseYAML, `{extension: "1003", name: Alan Assist, devices: [PJSIP/1003], assistant: {}}`,
		`{extension: "1003", name: Alan Assist, devices: [PJSIP/1003], assistant: {divert: {enabled: true, to: "+15550004444"}}}`)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15550004444@execassist-outbound"})
	caller := h.call()
	h.ringing("Local/+15550004444@execassist-outbound")
	h.ringing("PJSIP/1002")
	if h.dialled("PJSIP%2F1003") != 0 {
		t.Fatal("the diverted assistant's own phone rang")
	}
	h.fake.Hangup(caller)
	h.settle()
}

func TestOriginVariableDecidesInternalExternal(t *testing.T) {
	h := newHarness(t, baseYAML, "mode: all}", "mode: internal}")
	ext := h.call()
	if to := h.continuedTo(ext); to != "from-internal,1001,2" {
		t.Fatalf("external call in internal mode: %s", to)
	}
	in := h.call("EXECASSIST_ORIGIN", "internal")
	h.ringing("PJSIP/1002")
	h.fake.Hangup(in)
	h.settle()
}

func TestNoAvailableAssistantGoesToExecutive(t *testing.T) {
	h := newHarness(t, baseYAML)
	for _, a := range []string{"1002", "1003", "1004"} {
		if err := h.store.SetOptIn(a, "1001", false); err != nil {
			t.Fatal(err)
		}
	}
	id := h.call()
	if to := h.continuedTo(id); to != "from-internal,1001,2" {
		t.Fatalf("continued to %s", to)
	}
	if j := h.journal(); !strings.Contains(strings.Join(j[0].Reasons, ";"), "no assistant is available") {
		t.Fatalf("journal %+v", j[0])
	}
}

func TestStoppingExecassistFailsOpenForRingingCalls(t *testing.T) {
	h := newHarness(t, baseYAML)
	caller := h.call()
	h.ringing("PJSIP/1002")
	h.stop()
	if to := h.continuedTo(caller); to != "from-internal,1001,2" {
		t.Fatalf("on stop the caller went to %s", to)
	}
	h.eventually("legs released", func() bool { return h.fake.Live().Empty() })
}

func TestCustomFiltersEndToEnd(t *testing.T) {
	// The harness clock starts on Tuesday 2026-11-24 10:00 in New York.
	h := newHarness(t, "schedules:\n  office: {timezone: America/New_York, weekly: [{days: [mon, tue, wed, thu, fri], from: \"09:00\", to: \"17:30\"}]}\n"+baseYAML,
		"filtering: {enabled: true, mode: all}", `filtering:
        enabled: true
        mode: custom
        filters:
          - {name: vip, calls_from: {numbers: ["+1555777*"]}, action: dont-filter}
          - {name: office hours, when: office, calls_from: {external: true}, action: filter}`)
	vip := h.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerNumber: "+15557771234", Exten: "1001", Args: []string{"exec", "1001"}})
	if to := h.continuedTo(vip); to != "from-internal,1001,2" {
		t.Fatalf("a don't-filter caller went to %s", to)
	}
	other := h.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerNumber: "+15550001111", Exten: "1001", Args: []string{"exec", "1001"}})
	h.ringing("PJSIP/1002")
	h.fake.Hangup(other)
	h.settle()
	// After office hours the same caller reaches the executive directly.
	h.clock.Advance(8 * time.Hour)
	late := h.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerNumber: "+15550001111", Exten: "1001", Args: []string{"exec", "1001"}})
	if to := h.continuedTo(late); to != "from-internal,1001,2" {
		t.Fatalf("after hours: %s", to)
	}
}

func TestRestartContinuesOrphanedCallersAndKeepsAnsweredCalls(t *testing.T) {
	h := newHarness(t, baseYAML)
	// An answered call survives execassist stopping.
	answered := h.call()
	leg := h.ringing("PJSIP/1002")
	h.fake.Answer(leg)
	h.eventually("bridged", func() bool { return h.fake.BridgeOf(answered) != "" && h.fake.BridgeOf(leg) != "" })
	h.stop()
	// While execassist is down a call arrives (its StasisStart is lost).
	orphan := h.call()
	var err error
	h.store, err = store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h.startApp()
	if to := h.continuedTo(orphan); to != "from-internal,1001,2" {
		t.Fatalf("orphaned caller went to %s", to)
	}
	if h.fake.BridgeOf(answered) == "" || h.fake.BridgeOf(leg) == "" {
		t.Fatal("a restart broke an answered call")
	}
	// The restarted execassist adopted the call: when the caller leaves, the assistant's
	// leg and the bridge are released.
	h.eventually("the call to be adopted", func() bool { return h.app.ActiveSessions() == 1 })
	h.fake.Hangup(answered)
	h.settle()
}

func TestInternalErrorFailsOpen(t *testing.T) {
	app.SetPhaseHook(func(phase, _ string) {
		if phase == "alerted" {
			panic("injected failure")
		}
	})
	defer app.SetPhaseHook(nil)
	h := newHarness(t, baseYAML)
	caller := h.call()
	if to := h.continuedTo(caller); to != "from-internal,1001,2" {
		t.Fatalf("after an internal error the caller went to %s", to)
	}
	h.settle() // the legs that were ringing are released
	if j := h.journal(); !strings.Contains(strings.Join(j[0].Reasons, ";"), "internal error: injected failure") {
		t.Fatalf("journal %+v", j[0])
	}
}

func TestEventsLostDuringAWebSocketDropAreRecoveredFromREST(t *testing.T) {
	h := newHarness(t, baseYAML, "rollover: {enabled: true, after: 30s, action: voice-messaging}", "rollover: {enabled: false, action: voice-messaging}")
	caller := h.call()
	leg := h.ringing("PJSIP/1003")
	h.ringing("PJSIP/1002")
	h.fake.DropConnections()
	h.fake.Answer(leg) // its ChannelStateChange is lost: nobody is connected
	h.eventually("the reconnect", func() bool { return h.fake.Connections() == 1 })
	h.eventually("the answer found by resync and bridged", func() bool { return h.bridged(caller, leg) })
	// The caller hangs up during a second drop: the answered call is still cleaned up.
	h.fake.DropConnections()
	h.fake.Hangup(caller)
	h.eventually("the reconnect", func() bool { return h.fake.Connections() == 1 })
	h.settle()
}
