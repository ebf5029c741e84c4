package ari_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"github.com/execassist/execassist/internal/testskip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
)

// The traces in ../shared/ari-traces were recorded from a real Asterisk 22.10.1. These
// tests drive the same flows through the fake with our client and check, channel by
// channel, that the fake emits the same events in the same order (up to the channel
// leaving Stasis, after which the real PBX's dialplan takes over), and that every event
// the fake emits has the field names the real one uses.

const traceDir = "../../shared/ari-traces"

type traceLine struct {
	Kind  string          `json:"kind"`
	Event json.RawMessage `json:"event"`
}

// openTrace opens a trace, skipping the test when ../shared is not there.
func openTrace(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(traceDir, name+".jsonl"))
	if os.IsNotExist(err) {
		testskip.Skip(t, "no ../shared/ari-traces beside the repository (the traces of a real Asterisk)")
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func readTrace(t *testing.T, name string) []json.RawMessage {
	t.Helper()
	f := openTrace(t, name)
	defer f.Close()
	var out []json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l traceLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Kind == "event" {
			out = append(out, l.Event)
		}
	}
	return out
}

// noise are events the app ignores and the fake need not reproduce.
var noise = map[string]bool{"ChannelVarset": true, "ChannelDialplan": true, "ChannelConnectedLine": true, "ChannelCallerId": true}

// perChannel names channels by first appearance (ch0, ch1, ...) and lists, per channel,
// its event types (with Dial status and new state), cut after StasisEnd.
func perChannel(t *testing.T, events []json.RawMessage) map[string][]string {
	t.Helper()
	roles := map[string]string{}
	out := map[string][]string{}
	ended := map[string]bool{}
	for _, raw := range events {
		var e struct {
			Type       string           `json:"type"`
			Dialstatus string           `json:"dialstatus"`
			Channel    *ari.ChannelData `json:"channel"`
			Peer       *ari.ChannelData `json:"peer"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		if noise[e.Type] {
			continue
		}
		c := e.Channel
		if c == nil {
			c = e.Peer
		}
		if c == nil {
			continue
		}
		role, ok := roles[c.ID]
		if !ok {
			role = "ch" + string(rune('0'+len(roles)))
			roles[c.ID] = role
		}
		if ended[role] {
			continue
		}
		item := e.Type
		switch e.Type {
		case "Dial":
			item += "/" + e.Dialstatus
		case "ChannelStateChange":
			item += "/" + c.State
		}
		out[role] = append(out[role], item)
		if e.Type == "StasisEnd" {
			ended[role] = true
		}
	}
	for r, s := range out {
		out[r] = canonicalRinging(s)
	}
	return out
}

// canonicalRinging orders "Dial/RINGING" and "ChannelStateChange/Ringing", which a real
// Asterisk emits in either order from two threads.
func canonicalRinging(s []string) []string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == "ChannelStateChange/Ringing" && s[i+1] == "Dial/RINGING" {
			s[i], s[i+1] = s[i+1], s[i]
		}
	}
	return s
}

func compareTrace(t *testing.T, name string, fake *aritest.Server, only ...string) {
	t.Helper()
	want := perChannel(t, readTrace(t, name))
	got := perChannel(t, fake.Events())
	roles := only
	if len(roles) == 0 {
		for r := range want {
			roles = append(roles, r)
		}
		sort.Strings(roles)
	}
	for _, r := range roles {
		if !slices.Equal(want[r], got[r]) {
			t.Errorf("%s %s:\n real: %s\n fake: %s", name, r, strings.Join(want[r], " "), strings.Join(got[r], " "))
		}
	}
}

func TestTraceInboundCreateDialAnswerBridge(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	caller := r.inbound("inbound")
	r.must(ch.Ring(r.ctx, ari.NewKey(ari.ChannelKey, caller)))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "trace-bridge")
	r.must(err)
	leg := r.dialIn(br, caller, "PJSIP/1002", "leg", 2*time.Second, func(leg string) func(ari.Event) bool { return onChannel("Dial", leg) })
	r.must(r.fake.Hangup(caller))
	r.next(onChannel("StasisEnd", caller))
	r.must(leg.Hangup(r.ctx, ""))
	r.must(br.Delete(r.ctx))
	compareTrace(t, "inbound-create-dial-answer-bridge", r.fake)
}

func TestTraceForkFirstAnswerWins(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	r.fake.SetScript("PJSIP/1002", aritest.Script{Mode: aritest.RingForever})
	r.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.Answer, After: 1200 * time.Millisecond})
	caller := r.inbound("inbound")
	r.must(ch.Ring(r.ctx, ari.NewKey(ari.ChannelKey, caller)))
	var legs []*ari.ChannelHandle
	for _, ep := range []string{"PJSIP/1002", "PJSIP/1003"} {
		l, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: ep, AppArgs: "leg", Originator: caller})
		r.must(err)
		r.next(onChannel("StasisStart", l.ID()))
		legs = append(legs, l)
	}
	for _, l := range legs {
		r.must(l.Dial(r.ctx, "", 30*time.Second))
	}
	r.clock.Advance(1200 * time.Millisecond)
	r.next(func(e ari.Event) bool { d, ok := e.(*ari.Dial); return ok && d.Dialstatus == "ANSWER" })
	r.must(legs[0].Hangup(r.ctx, "answered_elsewhere"))
	if d := r.next(onChannel("ChannelDestroyed", legs[0].ID())).(*ari.ChannelDestroyed); d.Cause != 26 || d.CauseTxt != "Answered elsewhere" {
		t.Fatalf("loser destroyed with %d %q", d.Cause, d.CauseTxt)
	}
	r.must(ch.Answer(r.ctx, ari.NewKey(ari.ChannelKey, caller)))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "")
	r.must(err)
	r.must(br.AddChannel(r.ctx, caller, ari.AddChannelOptions{}))
	r.must(br.AddChannel(r.ctx, legs[1].ID(), ari.AddChannelOptions{}))
	r.must(r.fake.Hangup(caller))
	r.next(onChannel("StasisEnd", caller))
	r.must(legs[1].Hangup(r.ctx, ""))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
	compareTrace(t, "fork-two-legs-first-answer-wins", r.fake)
}

func TestTraceDialBusyThenContinue(t *testing.T) {
	r := newRig(t)
	r.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.Busy})
	caller := r.inbound("inbound")
	leg, err := r.client.Channel().Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1003", AppArgs: "leg", Originator: caller})
	r.must(err)
	r.next(onChannel("StasisStart", leg.ID()))
	r.must(leg.Dial(r.ctx, "", 30*time.Second))
	if d := r.next(onChannel("ChannelDestroyed", leg.ID())).(*ari.ChannelDestroyed); d.Cause != 17 || d.CauseTxt != "User busy" {
		t.Fatalf("busy leg destroyed with %d %q", d.Cause, d.CauseTxt)
	}
	r.must(r.client.Channel().Continue(r.ctx, ari.NewKey(ari.ChannelKey, caller), ari.ContinueTarget{}))
	r.next(onChannel("StasisEnd", caller))
	compareTrace(t, "dial-busy-then-continue", r.fake, "ch0", "ch1")
}

func TestTraceRingThenCancelAndHangupCaller(t *testing.T) {
	r := newRig(t)
	caller := r.inbound("inbound")
	ck := ari.NewKey(ari.ChannelKey, caller)
	r.must(r.client.Channel().Ring(r.ctx, ck))
	leg, err := r.client.Channel().Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1004", AppArgs: "leg", Originator: caller})
	r.must(err)
	r.next(onChannel("StasisStart", leg.ID()))
	r.must(leg.Dial(r.ctx, "", 30*time.Second))
	r.next(onChannel("Dial", leg.ID()))
	r.must(leg.Hangup(r.ctx, "normal"))
	r.must(r.client.Channel().Hangup(r.ctx, ck, "rejected"))
	r.next(onChannel("ChannelDestroyed", caller))
	if err := r.client.Channel().Answer(r.ctx, ck); !ari.IsGone(err) {
		t.Fatalf("answer after hangup: %v", err)
	}
	compareTrace(t, "ring-then-cancel-and-hangup-caller", r.fake)
}

func TestTraceDialTimeout(t *testing.T) {
	r := newRig(t)
	r.inbound("inbound")
	leg, err := r.client.Channel().Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1004", AppArgs: "leg", ChannelID: "t-leg"})
	r.must(err)
	r.next(onChannel("StasisStart", leg.ID()))
	r.must(leg.Dial(r.ctx, "", 3*time.Second))
	r.clock.Advance(3 * time.Second)
	if d := r.next(onChannel("ChannelDestroyed", leg.ID())).(*ari.ChannelDestroyed); d.Cause != 19 {
		t.Fatalf("timeout cause %d", d.Cause)
	}
	compareTrace(t, "dial-timeout-and-unreachable-phone", r.fake, "ch1")
}

func TestTraceThreePartyBridge(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	r.fake.SetScript("PJSIP/1001", aritest.Script{Mode: aritest.Answer, After: time.Second})
	caller := r.inbound("inbound")
	r.must(ch.Answer(r.ctx, ari.NewKey(ari.ChannelKey, caller)))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "execassist-call")
	r.must(err)
	r.must(br.AddChannel(r.ctx, caller, ari.AddChannelOptions{}))
	var legs []*ari.ChannelHandle
	for _, ep := range []string{"PJSIP/1002", "PJSIP/1001"} {
		l, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: ep, AppArgs: "leg", ChannelID: caller + "-" + ep[6:]})
		r.must(err)
		r.next(onChannel("StasisStart", l.ID()))
		r.must(l.Dial(r.ctx, "", 20*time.Second))
		r.clock.Advance(2 * time.Second)
		r.next(onChannel("Dial", l.ID()))
		legs = append(legs, l)
		if ep == "PJSIP/1002" {
			r.must(br.AddChannel(r.ctx, l.ID(), ari.AddChannelOptions{}))
		}
	}
	pb, err := r.client.Bridge().Play(r.ctx, br.Key(), "warn-1", "tone:stutter")
	r.must(err)
	r.must(br.AddChannel(r.ctx, legs[1].ID(), ari.AddChannelOptions{}))
	data, err := r.client.Bridge().Data(r.ctx, br.Key())
	r.must(err)
	if len(data.Channels) != 3 || data.Technology != "softmix" {
		t.Fatalf("three-party bridge %+v", data)
	}
	r.must(pb.Stop(r.ctx))
	r.must(legs[0].Hangup(r.ctx, ""))
	data, err = r.client.Bridge().Data(r.ctx, br.Key())
	r.must(err)
	if len(data.Channels) != 2 {
		t.Fatalf("after the assistant left: %+v", data)
	}
	r.must(r.fake.Hangup(caller))
	r.must(legs[1].Hangup(r.ctx, ""))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
	compareTrace(t, "three-party-bridge-with-warning-tone", r.fake)
}

// TestFakeEventFieldsMatchRealAsterisk checks every event the fake emits in these flows
// against the field names of the same event type in all traces: no field the real one
// never sends, none it always sends missing.
func TestFakeEventFieldsMatchRealAsterisk(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(traceDir, "*.jsonl"))
	if len(files) == 0 {
		testskip.Skip(t, "no ../shared/ari-traces beside the repository (the traces of a real Asterisk)")
	}
	union := map[string]map[string]bool{}
	inter := map[string]map[string]bool{}
	add := func(key string, fields map[string]bool) {
		if union[key] == nil {
			union[key] = map[string]bool{}
			inter[key] = map[string]bool{}
			for f := range fields {
				inter[key][f] = true
			}
		}
		for f := range fields {
			union[key][f] = true
		}
		for f := range inter[key] {
			if !fields[f] {
				delete(inter[key], f)
			}
		}
	}
	shapes := func(raw json.RawMessage) map[string]map[string]bool {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		var typ string
		_ = json.Unmarshal(m["type"], &typ)
		out := map[string]map[string]bool{typ: {}}
		for k, v := range m {
			out[typ][k] = true
			if k == "channel" || k == "peer" || k == "bridge" || k == "playback" {
				var sub map[string]json.RawMessage
				if json.Unmarshal(v, &sub) == nil {
					fs := map[string]bool{}
					for sk := range sub {
						fs[sk] = true
					}
					out[typ+"."+k] = fs
				}
			}
		}
		return out
	}
	for _, f := range files {
		for _, raw := range readTrace(t, strings.TrimSuffix(filepath.Base(f), ".jsonl")) {
			for k, fs := range shapes(raw) {
				add(k, fs)
			}
		}
	}
	// Drive a flow that emits every event type the app uses.
	r := newRig(t)
	runEveryEventFlow(r)
	checked := 0
	for _, raw := range r.fake.Events() {
		for k, fs := range shapes(raw) {
			if union[k] == nil {
				continue // a type no trace shows (e.g. DeviceStateChanged)
			}
			checked++
			for f := range fs {
				if !union[k][f] {
					t.Errorf("%s: the fake sends %q, the real Asterisk never does", k, f)
				}
			}
			for f := range inter[k] {
				if !fs[f] {
					t.Errorf("%s: the fake omits %q, which the real Asterisk always sends", k, f)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d event shapes checked", checked)
	}
}

// runEveryEventFlow runs a flow touching most event types.
func runEveryEventFlow(r *rig) {
	ch := r.client.Channel()
	caller := r.inbound("inbound")
	ck := ari.NewKey(ari.ChannelKey, caller)
	r.must(ch.Answer(r.ctx, ck))
	_, err := ch.Play(r.ctx, ck, "", "sound:a", "sound:b")
	r.must(err)
	r.clock.Advance(time.Second)
	r.must(r.fake.SendDTMF(caller, "1"))
	r.must(r.fake.Hold(caller))
	r.must(r.fake.Unhold(caller))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "x")
	r.must(err)
	leg, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1002", AppArgs: "leg"})
	r.must(err)
	r.must(leg.Dial(r.ctx, caller, 0))
	r.clock.Advance(2 * time.Second)
	r.must(br.AddChannel(r.ctx, caller, ari.AddChannelOptions{}))
	r.must(br.AddChannel(r.ctx, leg.ID(), ari.AddChannelOptions{}))
	r.must(r.fake.Hangup(caller))
	r.must(leg.Hangup(r.ctx, ""))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
}

func TestTraceBlindTransfer(t *testing.T) {
	r := newRig(t)
	r.fake.AddPhone(aritest.Phone{Endpoint: "Local/1004@from-internal", Name: "Uma User", Number: "1004"})
	caller, br, leg := r.bridgedLeg(func(leg string) { r.must(r.fake.Answer(leg)) })
	target, err := r.fake.BlindTransfer(leg.ID(), "from-internal", "1004")
	r.must(err)
	r.next(isType("BridgeBlindTransfer"))
	r.must(r.fake.Answer(target))
	r.must(r.fake.Hangup(caller))
	r.next(onChannel("StasisEnd", caller))
	r.must(leg.Hangup(r.ctx, ""))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
	compareTrace(t, "assistant-phone-blind-transfers-a-bridged-call", r.fake)
}

// TestTraceAttendedTransfer: an assistant's phone (auto-answering, as pjsua) holds the
// bridged call, consults 1004 in plain dialplan and transfers: round 1 the phone hangs
// up its transferred dialog itself, round 2 it waits for Asterisk's BYE 60 s after the
// REFER; each time the caller hangs up and the app releases the ;1 half and the bridge.
// The last channel's ending in round 2 (two hang-up requests around the bridge's
// destruction) is Asterisk's asynchronous Local hang-up and is not modelled.
func TestTraceAttendedTransfer(t *testing.T) {
	r := newRig(t)
	r.fake.SetScript("PJSIP/1002", aritest.Script{Mode: aritest.Answer, AutoAnswer: true})
	for _, phoneHangsUp := range []bool{true, false} {
		caller, br, leg := r.bridgedLeg(nil)
		r.must(r.fake.Hold(leg.ID()))
		link, err := r.fake.AttendedTransfer(leg.ID(), "PJSIP/1004", phoneHangsUp)
		r.must(err)
		bat := r.next(isType("BridgeAttendedTransfer")).(*ari.BridgeAttendedTransfer)
		if bat.DestinationType != "link" || bat.TransferTarget == nil || !strings.HasPrefix(bat.TransferTarget.Name, "PJSIP/1004") {
			t.Fatalf("BridgeAttendedTransfer %+v", bat)
		}
		r.transferDone(leg, caller, link, br, !phoneHangsUp)
	}
	compareTrace(t, "assistant-phone-attended-transfers-a-bridged-call", r.fake, "ch0", "ch1", "ch2", "ch3", "ch4")
}

// TestTraceBlindTransferEarlyHangupOfTransferer: round 1 the app hangs up the transferer
// the moment the StasisStart with replace_channel arrives (204, then ChannelHangupRequest
// and StasisEnd, never ChannelDestroyed); round 2 it never does, and Asterisk BYEs the
// phone 60 s after the REFER.
func TestTraceBlindTransferEarlyHangupOfTransferer(t *testing.T) {
	r := newRig(t)
	r.fake.AddPhone(aritest.Phone{Endpoint: "Local/1004@from-internal", Name: "Uma User", Number: "1004"})
	for _, appHangsUp := range []bool{true, false} {
		caller, br, leg := r.bridgedLeg(func(leg string) { r.must(r.fake.Answer(leg)) })
		target, err := r.fake.BlindTransfer(leg.ID(), "from-internal", "1004")
		r.must(err)
		r.next(func(e ari.Event) bool { s, ok := e.(*ari.StasisStart); return ok && s.ReplaceChannel != nil })
		if appHangsUp {
			r.must(leg.Hangup(r.ctx, ""))
			if _, err := leg.Data(r.ctx); !errors.Is(err, ari.ErrNotFound) {
				t.Fatalf("GET of the hung-up transferer: %v", err)
			}
		}
		r.next(isType("BridgeBlindTransfer"))
		r.must(r.fake.Answer(target))
		r.transferDone(leg, caller, target, br, !appHangsUp)
	}
	for _, e := range r.fake.Events() {
		if strings.Contains(string(e), `"ChannelDestroyed"`) && strings.Contains(string(e), `-leg"`) {
			t.Fatalf("a transferer got ChannelDestroyed: %s", e)
		}
	}
	compareTrace(t, "blind-transfer-early-hangup-of-transferer", r.fake)
}

// TestTraceAttendedTransferWithTheConsultationInStasis: the assistant's phone consults
// 1004 through the app (a second bridge), then transfers: both transferer legs resume,
// ;2 then ;1 enter the app in their places, the consultation channel leaves Stasis
// without a hang-up request. Round 1 of the trace (the phone hangs up its transferred
// dialog); the ;2's ending (Asterisk's asynchronous Local hang-up) is not compared.
func TestTraceAttendedTransferWithTheConsultationInStasis(t *testing.T) {
	r := newRig(t)
	r.fake.SetScript("PJSIP/1002", aritest.Script{Mode: aritest.Answer, AutoAnswer: true})
	r.fake.SetScript("PJSIP/1004", aritest.Script{Mode: aritest.Answer, After: 800 * time.Millisecond})
	ch, brs := r.client.Channel(), r.client.Bridge()
	caller, br, leg := r.bridgedLeg(nil)
	r.must(r.fake.Hold(leg.ID()))
	// The consultation: 1002's second line into the app, which rings 1004.
	consult := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1002", Exten: "2004", Args: []string{"consult", "1004"}})
	r.next(onChannel("StasisStart", consult))
	br2, err := brs.Create(r.ctx, nil, "mixing", "")
	r.must(err)
	target := r.dialIn(br2, consult, "PJSIP/1004", "target", 800*time.Millisecond,
		func(string) func(ari.Event) bool {
			return func(e ari.Event) bool { d, ok := e.(*ari.Dial); return ok && d.Dialstatus == "ANSWER" }
		})
	r.next(onChannel("ChannelEnteredBridge", target.ID()))
	link1, link2, err := r.fake.AttendedTransferInStasis(leg.ID(), consult, true)
	r.must(err)
	r.next(isType("BridgeAttendedTransfer"))
	r.next(onChannel("StasisEnd", leg.ID()))
	r.must(r.fake.Hangup(caller))
	r.next(onChannel("StasisEnd", caller))
	r.must(target.Hangup(r.ctx, ""))
	r.must(ch.Hangup(r.ctx, ari.NewKey(ari.ChannelKey, link1), ""))
	_ = link2 // ends with link1 (the pair)
	r.must(br.Delete(r.ctx))
	r.must(br2.Delete(r.ctx))
	compareTrace(t, "assistant-phone-attended-transfers-a-bridged-call-consultation-in-stasis", r.fake, "ch0", "ch1", "ch2", "ch3", "ch5")
}

// bridgedLeg is the start of the transfer traces: the caller answered and in a mixing
// bridge with the assistant's leg (PJSIP/1002, dialled and answered); answer makes the
// phone pick up (nil: it answers by itself, as an auto-answering softphone).
func (r *rig) bridgedLeg(answer func(leg string)) (caller string, br *ari.BridgeHandle, leg *ari.ChannelHandle) {
	r.t.Helper()
	ch := r.client.Channel()
	caller = r.inbound("inbound")
	r.must(ch.Answer(r.ctx, ari.NewKey(ari.ChannelKey, caller)))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "")
	r.must(err)
	r.must(br.AddChannel(r.ctx, caller, ari.AddChannelOptions{}))
	leg, err = ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1002", AppArgs: "leg", ChannelID: caller + "-leg"})
	r.must(err)
	r.next(onChannel("StasisStart", leg.ID()))
	r.must(leg.Dial(r.ctx, "", 30*time.Second))
	if answer != nil {
		answer(leg.ID())
	}
	r.next(onChannel("ChannelStateChange", leg.ID()))
	r.must(br.AddChannel(r.ctx, leg.ID(), ari.AddChannelOptions{}))
	r.next(onChannel("ChannelEnteredBridge", leg.ID()))
	return caller, br, leg
}

// transferDone is the end of a transfer trace: the transferer's StasisEnd (after
// Asterisk's BYE 60 s after the REFER when byAsterisk), the caller hanging up, and the app
// releasing the channel that took the transferer's place and its bridge.
func (r *rig) transferDone(leg *ari.ChannelHandle, caller, replacement string, br *ari.BridgeHandle, byAsterisk bool) {
	r.t.Helper()
	if byAsterisk {
		r.clock.Advance(60 * time.Second)
	}
	r.next(onChannel("StasisEnd", leg.ID()))
	r.must(r.fake.Hangup(caller))
	r.next(onChannel("StasisEnd", caller))
	r.must(r.client.Channel().Hangup(r.ctx, ari.NewKey(ari.ChannelKey, replacement), ""))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
}

// dialIn is the app side of connecting a new leg: create it to endpoint for from, dial
// it when it enters Stasis, let it ring for ringFor until the event dialed(leg) picks
// says the Dial went where it should, then answer from and put both into br.
func (r *rig) dialIn(br *ari.BridgeHandle, from, endpoint, args string, ringFor time.Duration, dialed func(leg string) func(ari.Event) bool) *ari.ChannelHandle {
	r.t.Helper()
	ch := r.client.Channel()
	leg, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: endpoint, AppArgs: args, Originator: from})
	r.must(err)
	r.next(onChannel("StasisStart", leg.ID()))
	r.must(leg.Dial(r.ctx, from, 30*time.Second))
	r.clock.Advance(ringFor)
	r.next(dialed(leg.ID()))
	r.must(ch.Answer(r.ctx, ari.NewKey(ari.ChannelKey, from)))
	r.must(br.AddChannel(r.ctx, from, ari.AddChannelOptions{}))
	r.must(br.AddChannel(r.ctx, leg.ID(), ari.AddChannelOptions{}))
	return leg
}

// restStatuses lists "METHOD op -> status" for the trace's REST lines whose path
// contains one of parts, from line from (1-based) up to the line before until.
func restStatuses(t *testing.T, name string, from, until int, parts ...string) []string {
	t.Helper()
	f := openTrace(t, name)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var l struct {
			Kind, Method, Path string
			Status             int
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Kind != "rest" || n < from || n >= until {
			continue
		}
		for _, p := range parts {
			if strings.Contains(l.Path, p) {
				out = append(out, restLine(l.Method, l.Path, l.Status))
				break
			}
		}
	}
	return out
}

// httpStatus sends a bare request to the fake (what the client has no call for) and
// returns the status.
func httpStatus(t *testing.T, fake *aritest.Server, method, path string) int {
	t.Helper()
	code, _ := httpDo(t, fake, method, path)
	return code
}

// httpDo is httpStatus with the answer's body.
func httpDo(t *testing.T, fake *aritest.Server, method, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, fake.URL+path, nil)
	req.SetBasicAuth(fake.Username, fake.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// restLine writes a request without ids: the channel and the recording's name.
func restLine(method, path string, status int) string {
	op := path
	if i := strings.Index(op, "?"); i >= 0 {
		op = op[:i]
	}
	switch {
	case strings.HasPrefix(op, "/channels/"):
		op = "/channels/{id}/" + op[strings.LastIndex(op, "/")+1:]
	case strings.HasPrefix(op, "/recordings/live/"):
		op = "/recordings/live/{name}"
	case strings.HasPrefix(op, "/recordings/stored/"):
		op = "/recordings/stored/{name}"
	}
	return method + " " + op + " -> " + strconv.Itoa(status)
}

// TestTraceRecordCallerNameThenPlayToLeg: round 1 of
// record-caller-name-then-play-to-leg through the fake: record 201 and
// RecordingStarted, live 200 while it runs, RecordingFinished (done) at
// maxDurationSeconds, then live 404 and stored 200; playing it to a leg finishes;
// stored DELETE 204, then GET and DELETE 404; playing the deleted recording starts and
// never finishes. Round 3: the caller hanging up ends the recording with
// RecordingFinished before StasisEnd, and the file is kept. And the lab without a
// recording folder: record 500 with no event.
func TestTraceRecordCallerNameThenPlayToLeg(t *testing.T) {
	const name = "record-caller-name-then-play-to-leg"
	want := restStatuses(t, name, 1, 52, "/record", "/recordings/")
	r := newRig(t)
	ch, rec := r.client.Channel(), r.client.Recording()
	var got []string
	do := func(method, path string) {
		got = append(got, restLine(method, path, httpStatus(t, r.fake, method, path)))
	}
	caller := r.inbound("inbound")
	key := ari.NewKey(ari.ChannelKey, caller)
	r.must(ch.Answer(r.ctx, key))
	_, err := ch.Record(r.ctx, key, ari.RecordRequest{Name: "callername-TEST", Format: "wav", MaxDuration: 3, MaxSilent: 1, Beep: true, IfExists: "overwrite"})
	r.must(err)
	got = append(got, "POST /channels/{id}/record -> 201")
	r.next(func(e ari.Event) bool { return e.Header().Type == "RecordingStarted" && ari.ChannelID(e) == caller })
	do("GET", "/recordings/live/callername-TEST")
	r.clock.Advance(3 * time.Second)
	fin := r.next(func(e ari.Event) bool { return e.Header().Type == "RecordingFinished" }).(*ari.RecordingFinished)
	if fin.Recording.State != "done" || fin.Recording.Name != "callername-TEST" {
		t.Errorf("RecordingFinished %+v", fin.Recording)
	}
	do("GET", "/recordings/stored/callername-TEST")
	do("GET", "/recordings/live/callername-TEST")
	leg := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1001", Exten: "s", Args: []string{"leg"}})
	r.next(onChannel("StasisStart", leg))
	pb, err := ch.Play(r.ctx, ari.NewKey(ari.ChannelKey, leg), "", "recording:callername-TEST")
	r.must(err)
	r.clock.Advance(2 * time.Second)
	r.next(func(e ari.Event) bool { f, ok := e.(*ari.PlaybackFinished); return ok && f.Playback.ID == pb.ID() })
	r.must(rec.DeleteStored(r.ctx, "callername-TEST"))
	got = append(got, "DELETE /recordings/stored/{name} -> 204")
	do("GET", "/recordings/stored/callername-TEST")
	if err := rec.DeleteStored(r.ctx, "callername-TEST"); !errors.Is(err, ari.ErrNotFound) {
		t.Errorf("a second DELETE: %v, want not found", err)
	}
	got = append(got, "DELETE /recordings/stored/{name} -> 404")
	gone, err := ch.Play(r.ctx, ari.NewKey(ari.ChannelKey, leg), "", "recording:callername-TEST")
	r.must(err)
	r.clock.Advance(10 * time.Second)
	if d, err := r.client.Playback().Data(r.ctx, gone.Key()); err != nil || d.State != "playing" {
		t.Errorf("playing a deleted recording: %v %+v, want it playing for ever", err, d)
	}
	if !slices.Equal(got, want) {
		t.Errorf("round 1:\n real: %q\n fake: %q", want, got)
	}

	// Round 3: the caller hangs up during the recording.
	hang := r.inbound("inbound")
	hk := ari.NewKey(ari.ChannelKey, hang)
	r.must(ch.Answer(r.ctx, hk))
	_, err = ch.Record(r.ctx, hk, ari.RecordRequest{Name: "callername-TEST-hangup", Format: "wav", MaxDuration: 3, MaxSilent: 1, Beep: true, IfExists: "overwrite"})
	r.must(err)
	r.must(r.fake.Hangup(hang))
	var order []string
	for len(order) < 2 {
		e := r.next(func(e ari.Event) bool {
			return e.Header().Type == "RecordingFinished" || e.Header().Type == "StasisEnd" && ari.ChannelID(e) == hang
		})
		order = append(order, e.Header().Type)
	}
	if order[0] != "RecordingFinished" {
		t.Errorf("round 3 order %v, want RecordingFinished before StasisEnd", order)
	}
	if httpStatus(t, r.fake, "GET", "/recordings/stored/callername-TEST-hangup") != 200 {
		t.Error("the recording of a caller who hung up is not kept")
	}

	// The lab without a recording folder.
	r.fake.SetRecordingFolderMissing(true)
	other := r.inbound("inbound")
	_, err = ch.Record(r.ctx, ari.NewKey(ari.ChannelKey, other), ari.RecordRequest{Name: "callername-TEST", Format: "wav", MaxDuration: 3})
	var ae *ari.Error
	if !errors.As(err, &ae) || ae.Status != 500 {
		t.Errorf("record without a recording folder: %v, want 500", err)
	}
	if s := httpStatus(t, r.fake, "GET", "/recordings/stored"); s != 500 {
		t.Errorf("listing without a recording folder: %d, want 500", s)
	}
}

// TestTraceWhisperToOnePartyWithSnoop: POST /channels/{leg}/snoop answers 200 with the
// Snoop/<leg>-N channel, Up, whose StasisStart (args ["snoop"]) follows; the leg keeps
// its bridge; DELETE of the snoop gives ChannelHangupRequest and StasisEnd and no
// ChannelDestroyed; no direction: 400; an unknown channel: 404 with Asterisk's text.
func TestTraceWhisperToOnePartyWithSnoop(t *testing.T) {
	readTrace(t, "whisper-to-one-party-with-snoop") // skips without the traces
	r := newRig(t)
	caller := r.inbound("inbound")
	code, body := httpDo(t, r.fake, "POST", "/channels/"+caller+"/snoop?app=execassist&appArgs=snoop&whisper=out&snoopId=sn1")
	var sn ari.ChannelData
	if code != 200 || json.Unmarshal([]byte(body), &sn) != nil || sn.ID != "sn1" || !strings.HasPrefix(sn.Name, "Snoop/"+caller+"-") || sn.State != "Up" {
		t.Fatalf("snoop: %d %s", code, body)
	}
	st := r.next(onChannel("StasisStart", "sn1")).(*ari.StasisStart)
	if len(st.Args) != 1 || st.Args[0] != "snoop" {
		t.Errorf("the snoop's StasisStart args %v", st.Args)
	}
	if code, _ := httpDo(t, r.fake, "DELETE", "/channels/sn1"); code != 204 {
		t.Fatalf("DELETE snoop: %d", code)
	}
	r.next(onChannel("ChannelHangupRequest", "sn1"))
	r.next(onChannel("StasisEnd", "sn1"))
	for _, q := range []string{"app=execassist&appArgs=snoop", "app=execassist&spy=none&whisper=none"} {
		if code, body := httpDo(t, r.fake, "POST", "/channels/"+caller+"/snoop?"+q); code != 400 || !strings.Contains(body, "Direction must be specified") {
			t.Errorf("snoop %s: %d %s", q, code, body)
		}
	}
	if code, body := httpDo(t, r.fake, "POST", "/channels/nosuchchannel/snoop?app=execassist&whisper=out"); code != 404 || !strings.Contains(body, "Provided channel was not found") {
		t.Errorf("unknown channel: %d %s", code, body)
	}
	for _, raw := range r.fake.Events() {
		var e struct {
			Type    string
			Channel struct{ ID string }
		}
		json.Unmarshal(raw, &e)
		if e.Type == "ChannelDestroyed" && e.Channel.ID == "sn1" {
			t.Error("a snoop's hang-up gave ChannelDestroyed; the real Asterisk gives none")
		}
	}
}

// TestTraceSendMessageToEndpoint: PUT .../sendMessage answers 202 with an empty body
// for an endpoint that is there (whatever the phone does), also as
// /endpoints/sendMessage?to=pjsip:..., and 404 "Endpoint not found" otherwise.
func TestTraceSendMessageToEndpoint(t *testing.T) {
	readTrace(t, "send-message-to-endpoint")
	r := newRig(t)
	if code, body := httpDo(t, r.fake, "PUT", "/endpoints/PJSIP/1001/sendMessage?from=sip:execassist@127.0.0.1&body=Call%20pushed%20by%20Ann"); code != 202 || body != "" {
		t.Errorf("sendMessage: %d %q", code, body)
	}
	if code, _ := httpDo(t, r.fake, "PUT", "/endpoints/sendMessage?to=pjsip:1001&from=execassist&body=x"); code != 202 {
		t.Errorf("sendMessage?to=: %d", code)
	}
	if code, body := httpDo(t, r.fake, "PUT", "/endpoints/PJSIP/9999/sendMessage?body=x"); code != 404 || !strings.Contains(body, "Endpoint not found") {
		t.Errorf("unknown endpoint: %d %s", code, body)
	}
	if m := r.fake.Messages(); len(m) != 2 || m[0].Body != "Call pushed by Ann" {
		t.Errorf("messages %+v", m)
	}
}
