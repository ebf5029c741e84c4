package ari_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/testlog"
	"github.com/rs/zerolog"
)

// rig is a fake Asterisk with phones 1001-1004 and a trunk, a client connected to it,
// and the client's event stream.
type rig struct {
	t      *testing.T
	fake   *aritest.Server
	clock  *clock.Fake
	client *ari.RESTClient
	events <-chan ari.Event
	ctx    context.Context
}

func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigWith(t, ari.Options{})
}

// newRigWith builds a rig whose client takes extra options (keep-alive timings).
func newRigWith(t *testing.T, extra ari.Options) *rig {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	fake := aritest.New(aritest.Options{Clock: clk, RecordEvents: true})
	t.Cleanup(fake.Close)
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/1001", Name: "Erin Exec", Number: "1001"})
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/1002", Name: "Ann Assist", Number: "1002", Script: aritest.Script{Mode: aritest.Answer, After: 2 * time.Second}})
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/1003", Name: "Alan Assist", Number: "1003"})
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/1004", Name: "Uma User", Number: "1004"})
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Name: "", Number: "+15551230000"})
	c, err := ari.New(ari.Options{URL: fake.URL, Username: fake.Username, Password: fake.Password,
		Application: "execassist", ReconnectMin: 10 * time.Millisecond, ReconnectMax: 50 * time.Millisecond,
		PingEvery: extra.PingEvery, DeadAfter: extra.DeadAfter})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r := &rig{t: t, fake: fake, clock: clk, client: c, events: c.Listen(ctx), ctx: ctx}
	r.next(isType("Connected"))
	return r
}

func isType(typ string) func(ari.Event) bool {
	return func(e ari.Event) bool { return e.Header().Type == typ }
}

func onChannel(typ, id string) func(ari.Event) bool {
	return func(e ari.Event) bool { return e.Header().Type == typ && ari.ChannelID(e) == id }
}

// inbound places an outside call to 1001 into Stasis(execassist,<kind>,1001), as the
// dialplan would, and waits for its StasisStart; it returns the caller's channel id.
func (r *rig) inbound(kind string) string {
	r.t.Helper()
	id := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{kind, "1001"}})
	r.next(onChannel("StasisStart", id))
	return id
}

// next returns the first event matching want, skipping others; the deadline only
// bounds a failing test, it asserts no timing.
func (r *rig) next(want func(ari.Event) bool) ari.Event {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-r.events:
			if !ok {
				r.t.Fatal("event stream closed")
			}
			if want(e) {
				return e
			}
		case <-deadline:
			r.t.Fatal("timed out waiting for an event")
		}
	}
}

// seq asserts that these events arrive in this order (others may come between).
func (r *rig) seq(wants ...func(ari.Event) bool) []ari.Event {
	r.t.Helper()
	var out []ari.Event
	for _, w := range wants {
		out = append(out, r.next(w))
	}
	return out
}

func (r *rig) must(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

func TestInboundCreateDialAnswerBridgeHangup(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	callerID := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	ss := r.next(onChannel("StasisStart", callerID)).(*ari.StasisStart)
	if got := strings.Join(ss.Args, ","); got != "exec,1001" || ss.Channel.Caller.Number != "+15551230000" || ss.Channel.State != "Ring" {
		t.Fatalf("StasisStart = args %q caller %+v state %s", got, ss.Channel.Caller, ss.Channel.State)
	}
	caller := ch.Get(ss.Channel.Key())
	r.must(caller.Ring(r.ctx))
	leg, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1002", AppArgs: "leg", ChannelID: "leg-1",
		Originator: callerID, Variables: map[string]string{"CONNECTEDLINE(name)": "Erin Exec - Bob", "CONNECTEDLINE(num)": "+15551230000"}})
	r.must(err)
	if leg.ID() != "leg-1" || leg.Created().State != "Down" {
		t.Fatalf("create returned %+v", leg.Created())
	}
	r.next(onChannel("StasisStart", "leg-1"))
	if name, num := r.fake.Connected("leg-1"); name != "Erin Exec - Bob" || num != "+15551230000" {
		t.Fatalf("phone shows %q <%s>", name, num)
	}
	r.must(leg.Dial(r.ctx, callerID, 30*time.Second))
	r.seq(onChannel("Dial", "leg-1"), onChannel("ChannelStateChange", "leg-1"), onChannel("Dial", "leg-1"))
	r.clock.Advance(2 * time.Second) // PJSIP/1002 answers after 2 s
	up := r.next(onChannel("ChannelStateChange", "leg-1")).(*ari.ChannelStateChange)
	if up.Channel.State != "Up" {
		t.Fatalf("leg state %s", up.Channel.State)
	}
	if d := r.next(onChannel("Dial", "leg-1")).(*ari.Dial); d.Dialstatus != "ANSWER" || d.Caller == nil || d.Caller.ID != callerID {
		t.Fatalf("Dial = %+v", d)
	}
	r.must(caller.Answer(r.ctx))
	r.next(onChannel("ChannelStateChange", callerID))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "execassist-"+callerID)
	r.must(err)
	r.must(br.AddChannel(r.ctx, callerID, ari.AddChannelOptions{}))
	r.must(br.AddChannel(r.ctx, "leg-1", ari.AddChannelOptions{InhibitConnectedLineUpdates: true}))
	eb := r.next(onChannel("ChannelEnteredBridge", "leg-1")).(*ari.ChannelEnteredBridge)
	if len(eb.Bridge.Channels) != 2 || eb.Bridge.Name != "execassist-"+callerID {
		t.Fatalf("bridge = %+v", eb.Bridge)
	}
	r.must(r.fake.Hangup(callerID))
	r.seq(onChannel("ChannelHangupRequest", callerID), onChannel("ChannelLeftBridge", callerID),
		onChannel("StasisEnd", callerID))
	d := r.next(onChannel("ChannelDestroyed", callerID)).(*ari.ChannelDestroyed)
	if d.Cause != 16 || d.CauseTxt != "Normal Clearing" {
		t.Fatalf("destroyed cause %d %q", d.Cause, d.CauseTxt)
	}
	r.must(leg.Hangup(r.ctx, "normal"))
	r.seq(onChannel("ChannelLeftBridge", "leg-1"), onChannel("StasisEnd", "leg-1"), onChannel("ChannelDestroyed", "leg-1"))
	r.must(br.Delete(r.ctx))
	r.next(isType("BridgeDestroyed"))
	if live := r.fake.Live(); !live.Empty() {
		t.Fatalf("left over: %+v", live)
	}
}

func TestTypedErrors(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	gone := ari.NewKey(ari.ChannelKey, "no-such")
	err := ch.Answer(r.ctx, gone)
	var ae *ari.Error
	if !errors.As(err, &ae) || ae.Status != 404 || !errors.Is(err, ari.ErrNotFound) || !ari.IsGone(err) {
		t.Fatalf("answer gone channel: %v", err)
	}
	if ae.Message != "Channel not found" {
		t.Fatalf("message %q", ae.Message)
	}

	// 500 Allocation failed: a qualified phone that is down.
	r.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.Unavailable})
	_, err = ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1003"})
	if !errors.Is(err, ari.ErrServer) || !strings.Contains(err.Error(), "Allocation failed") || ari.IsGone(err) {
		t.Fatalf("create offline: %v", err)
	}
	ep, err := r.client.Endpoint().Data(r.ctx, "PJSIP", "1003")
	r.must(err)
	if ep.State != "offline" {
		t.Fatalf("endpoint state %s", ep.State)
	}

	// 409: a continued channel is no longer in Stasis.
	id := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1004", Exten: "1001", Args: []string{"exec", "1001"}})
	r.next(onChannel("StasisStart", id))
	k := ari.NewKey(ari.ChannelKey, id)
	r.must(ch.Continue(r.ctx, k, ari.ContinueTarget{}))
	if err := ch.Answer(r.ctx, k); !errors.Is(err, ari.ErrConflict) || !ari.IsGone(err) {
		t.Fatalf("answer continued channel: %v", err)
	}

	// 422: removing a channel that is not in the bridge; 400 invalid hangup reason.
	id2 := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1004", Exten: "1001", Args: []string{"exec", "1001"}})
	r.next(onChannel("StasisStart", id2))
	br, err := r.client.Bridge().Create(r.ctx, nil, "mixing", "x")
	r.must(err)
	if err := br.RemoveChannel(r.ctx, id2); !errors.Is(err, ari.ErrUnprocessable) {
		t.Fatalf("remove not-in-bridge: %v", err)
	}
	if err := ch.Hangup(r.ctx, ari.NewKey(ari.ChannelKey, id2), "bogus"); err == nil || errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("bad reason: %v", err)
	}

	// Wrong credentials: 401, and the password appears nowhere in the error.
	bad, _ := ari.New(ari.Options{URL: r.fake.URL, Username: "execassist", Password: "hunter2-wrong", Application: "execassist"})
	_, err = bad.Asterisk().Info(r.ctx)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("bad credentials: %v", err)
	}
	if !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("want 401, got %v", err)
	}
	// Credentials given in the URL are moved out of it.
	withUser, err := ari.New(ari.Options{URL: strings.Replace(r.fake.URL, "http://", "http://execassist:secret@", 1), Application: "execassist"})
	r.must(err)
	_, err = withUser.Asterisk().Info(r.ctx)
	r.must(err)
	_, err = withUser.Channel().Data(r.ctx, gone)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("error leaks URL credentials: %v", err)
	}
}

func TestContinueTargets(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	r.fake.AddLabel("from-internal", "1001", "execassist-noanswer")
	place := func() *ari.Key {
		id := r.inbound("exec")
		return ari.NewKey(ari.ChannelKey, id)
	}
	a := place()
	r.must(ch.Continue(r.ctx, a, ari.ContinueTarget{}))
	r.next(onChannel("StasisEnd", a.ID))
	if got, _ := r.fake.Continued(a.ID); got.String() != "from-internal,1001,2" {
		t.Fatalf("next priority: %s", got)
	}
	b := place()
	r.must(ch.Continue(r.ctx, b, ari.ContinueTarget{Context: "execassist-voicemail", Extension: "1001", Priority: 1}))
	if got, _ := r.fake.Continued(b.ID); got.String() != "execassist-voicemail,1001,1" {
		t.Fatalf("voicemail: %s", got)
	}
	c := place()
	err := ch.Continue(r.ctx, c, ari.ContinueTarget{Context: "from-internal", Extension: "1001", Label: "no-such-label"})
	if !errors.Is(err, ari.ErrNotFound) || !strings.Contains(err.Error(), "Requested label can not be found") {
		t.Fatalf("missing label: %v", err)
	}
	if _, continued := r.fake.Continued(c.ID); continued {
		t.Fatal("a failed continue must leave the channel in Stasis")
	}
	r.must(ch.Continue(r.ctx, c, ari.ContinueTarget{Context: "from-internal", Extension: "1001", Label: "execassist-noanswer"}))
	if got, _ := r.fake.Continued(c.ID); got.String() != "from-internal,1001,execassist-noanswer" {
		t.Fatalf("label: %s", got)
	}
}

func TestPlaybackMOHHoldVariablesRedirect(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	id := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1002", Exten: "#61", Args: []string{"fac", "#61"}})
	r.next(onChannel("StasisStart", id))
	k := ari.NewKey(ari.ChannelKey, id)
	r.must(ch.Answer(r.ctx, k))
	pb, err := ch.Play(r.ctx, k, "pb-1", "sound:please-enter-the", "sound:extension")
	r.must(err)
	if pb.ID() != "pb-1" || pb.Created().State != "queued" || pb.Created().NextMediaURI != "sound:extension" {
		t.Fatalf("play response %+v", pb.Created())
	}
	r.next(isType("PlaybackStarted"))
	r.clock.Advance(500 * time.Millisecond)
	cont := r.next(isType("PlaybackContinuing")).(*ari.PlaybackContinuing)
	if cont.Playback.TargetURI != "channel:"+id {
		t.Fatalf("target %s", cont.Playback.TargetURI)
	}
	r.clock.Advance(500 * time.Millisecond)
	if fin := r.next(isType("PlaybackFinished")).(*ari.PlaybackFinished); fin.Playback.State != "done" {
		t.Fatalf("finished state %s", fin.Playback.State)
	}
	pb2, err := ch.Play(r.ctx, k, "", "sound:beep")
	r.must(err)
	got, err := r.client.Playback().Data(r.ctx, pb2.Key())
	r.must(err)
	if got.State != "playing" {
		t.Fatalf("playback state %s", got.State)
	}
	r.must(pb2.Stop(r.ctx))
	r.next(isType("PlaybackFinished"))
	if err := pb2.Stop(r.ctx); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("stop twice: %v", err)
	}

	r.must(ch.MOH(r.ctx, k, "default"))
	if !r.fake.MOH(id) {
		t.Fatal("MOH not started")
	}
	r.must(ch.StopMOH(r.ctx, k))
	r.must(ch.Hold(r.ctx, k))
	r.must(ch.StopHold(r.ctx, k))
	r.must(ch.StopRing(r.ctx, k))

	r.must(ch.SetVariable(r.ctx, k, "EXECASSIST_TEST", "1"))
	if vs := r.next(isType("ChannelVarset")).(*ari.ChannelVarset); vs.Variable != "EXECASSIST_TEST" || vs.Value != "1" || vs.Channel.ID != id {
		t.Fatalf("varset %+v", vs)
	}
	v, err := ch.GetVariable(r.ctx, k, "EXECASSIST_TEST")
	r.must(err)
	num, err := ch.GetVariable(r.ctx, k, "CALLERID(num)")
	r.must(err)
	if v != "1" || num != "1002" {
		t.Fatalf("variables %q %q", v, num)
	}
	if _, err := ch.GetVariable(r.ctx, k, "NO_SUCH_VAR"); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("unknown variable: %v", err)
	}
	r.must(ch.Redirect(r.ctx, k, "PJSIP/1004"))
	if err := ch.Redirect(r.ctx, k, "PJSIP/9999"); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("redirect to unknown endpoint: %v", err)
	}

	// The phone holds and resumes: ChannelHold / ChannelUnhold.
	r.must(r.fake.Hold(id))
	if h := r.next(onChannel("ChannelHold", id)).(*ari.ChannelHold); h.MusicClass != "default" {
		t.Fatalf("hold %+v", h)
	}
	r.must(r.fake.Unhold(id))
	r.next(onChannel("ChannelUnhold", id))

	// DTMF from the phone.
	r.must(r.fake.SendDTMF(id, "1#"))
	d1 := r.next(onChannel("ChannelDtmfReceived", id)).(*ari.ChannelDtmfReceived)
	d2 := r.next(onChannel("ChannelDtmfReceived", id)).(*ari.ChannelDtmfReceived)
	if d1.Digit+d2.Digit != "1#" {
		t.Fatalf("digits %s%s", d1.Digit, d2.Digit)
	}
	chans, err := ch.List(r.ctx)
	r.must(err)
	if len(chans) != 1 || chans[0].Device() != "PJSIP/1002" {
		t.Fatalf("list %+v", chans)
	}
	r.must(ch.Hangup(r.ctx, k, ""))
	hr := r.next(onChannel("ChannelHangupRequest", id)).(*ari.ChannelHangupRequest)
	if hr.Cause != 32 || !hr.Soft {
		t.Fatalf("app hangup request %+v", hr)
	}
}

func TestBridgePlayMOHAndList(t *testing.T) {
	r := newRig(t)
	id := r.inbound("exec")
	hold, err := r.client.Bridge().Create(r.ctx, ari.NewKey(ari.BridgeKey, "hold-1"), "holding", "execassist-park")
	r.must(err)
	if hold.Created().Technology != "holding_bridge" || hold.ID() != "hold-1" {
		t.Fatalf("holding bridge %+v", hold.Created())
	}
	if _, err := r.client.Bridge().Create(r.ctx, ari.NewKey(ari.BridgeKey, "hold-1"), "holding", ""); !errors.Is(err, ari.ErrConflict) {
		t.Fatalf("duplicate bridge id: %v", err)
	}
	r.must(hold.AddChannel(r.ctx, id, ari.AddChannelOptions{Role: "participant"}))
	r.must(r.client.Bridge().MOH(r.ctx, hold.Key(), ""))
	if !r.fake.MOH("hold-1") {
		t.Fatal("bridge MOH not on")
	}
	r.must(r.client.Bridge().StopMOH(r.ctx, hold.Key()))
	pb, err := r.client.Bridge().Play(r.ctx, hold.Key(), "warn-1", "tone:stutter")
	r.must(err)
	st := r.next(isType("PlaybackStarted")).(*ari.PlaybackStarted)
	if st.Playback.TargetURI != "bridge:hold-1" || pb.ID() != "warn-1" {
		t.Fatalf("bridge playback %+v", st.Playback)
	}
	list, err := r.client.Bridge().List(r.ctx)
	r.must(err)
	data, err := r.client.Bridge().Data(r.ctx, hold.Key())
	r.must(err)
	if len(list) != 1 || len(data.Channels) != 1 || data.Channels[0] != id {
		t.Fatalf("list %+v data %+v", list, data)
	}
	r.must(hold.RemoveChannel(r.ctx, id))
	r.next(onChannel("ChannelLeftBridge", id))
	if err := hold.AddChannel(r.ctx, "nope", ari.AddChannelOptions{}); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("add unknown channel: %v", err)
	}
	r.must(hold.Delete(r.ctx))
	r.seq(isType("PlaybackFinished"), isType("BridgeDestroyed"))
	if _, err := r.client.Bridge().Data(r.ctx, hold.Key()); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("gone bridge: %v", err)
	}
}

func TestOriginateEntersStasisOnAnswer(t *testing.T) {
	r := newRig(t)
	h, err := r.client.Channel().Originate(r.ctx, ari.OriginateRequest{Endpoint: "PJSIP/1002", AppArgs: "push",
		CallerID: `"Bob Caller" <+15551230000>`, Variables: map[string]string{"PJSIP_HEADER(add,Alert-Info)": "<http://x>;info=push"}})
	r.must(err)
	if v, _ := r.fake.Variable(h.ID(), "PJSIP_HEADER(add,Alert-Info)"); v != "<http://x>;info=push" {
		t.Fatalf("header variable %q", v)
	}
	r.clock.Advance(2 * time.Second)
	ss := r.next(isType("StasisStart")).(*ari.StasisStart)
	if ss.Channel.ID != h.ID() || ss.Channel.State != "Up" || ss.Args[0] != "push" {
		t.Fatalf("StasisStart %+v", ss)
	}
	if _, err := r.client.Channel().Originate(r.ctx, ari.OriginateRequest{Endpoint: "PJSIP/9999"}); !errors.Is(err, ari.ErrServer) {
		t.Fatalf("unknown endpoint: %v", err)
	}
}

func TestScriptedPhones(t *testing.T) {
	r := newRig(t)
	ch := r.client.Channel()
	caller := r.inbound("exec")
	dial := func(endpoint, id string, timeout time.Duration) {
		t.Helper()
		_, err := ch.Create(r.ctx, ari.ChannelCreateRequest{Endpoint: endpoint, ChannelID: id, Originator: caller})
		r.must(err)
		r.next(onChannel("StasisStart", id))
		r.must(ch.Dial(r.ctx, ari.NewKey(ari.ChannelKey, id), caller, timeout))
	}
	cause := func(id string) int {
		t.Helper()
		return r.next(onChannel("ChannelDestroyed", id)).(*ari.ChannelDestroyed).Cause
	}

	r.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.Busy})
	dial("PJSIP/1003", "busy", 0)
	if hr := r.next(onChannel("ChannelHangupRequest", "busy")).(*ari.ChannelHangupRequest); hr.Cause != 17 || hr.TechCause != 486 {
		t.Fatalf("busy hangup request %+v", hr)
	}
	if c := cause("busy"); c != 17 {
		t.Fatalf("busy cause %d", c)
	}

	dial("PJSIP/1004", "forever", 20*time.Second)
	r.clock.Advance(19 * time.Second)
	if st, alive := r.fake.ChannelState("forever"); !alive || st != "Ringing" {
		t.Fatalf("ring-forever phone: %s %v", st, alive)
	}
	r.clock.Advance(time.Second)
	if c := cause("forever"); c != 19 {
		t.Fatalf("dial timeout cause %d", c)
	}

	r.fake.SetScript("PJSIP/1004", aritest.Script{Mode: aritest.Reject, After: 3 * time.Second})
	dial("PJSIP/1004", "reject", 0)
	r.clock.Advance(3 * time.Second)
	if c := cause("reject"); c != 21 {
		t.Fatalf("reject cause %d", c)
	}

	r.fake.SetScript("PJSIP/1004", aritest.Script{Mode: aritest.Answer, After: time.Second, DTMF: "42", HangupAfter: 5 * time.Second})
	dial("PJSIP/1004", "talker", 0)
	r.clock.Advance(time.Second)
	r.next(onChannel("ChannelStateChange", "talker"))
	r.clock.Advance(time.Second)
	d := r.next(onChannel("ChannelDtmfReceived", "talker")).(*ari.ChannelDtmfReceived)
	if d.Digit != "4" {
		t.Fatalf("first digit %s", d.Digit)
	}
	r.clock.Advance(4 * time.Second)
	if c := cause("talker"); c != 16 {
		t.Fatalf("hangup-after cause %d", c)
	}

	// A second answer through the test API while another leg rings: both legs answer.
	r.fake.SetScript("PJSIP/1003", aritest.Script{Mode: aritest.RingForever})
	dial("PJSIP/1003", "a", 0)
	dial("PJSIP/1001", "b", 0)
	r.must(r.fake.Answer("a"))
	r.must(r.fake.Answer("b"))
	r.next(onChannel("ChannelStateChange", "a"))
	r.next(onChannel("ChannelStateChange", "b"))
	if err := ch.Dial(r.ctx, ari.NewKey(ari.ChannelKey, "a"), "", 0); !errors.Is(err, ari.ErrConflict) {
		t.Fatalf("dial twice: %v", err)
	}
	if r.clock.Pending() == 0 {
		t.Log("no timers pending")
	}
}

func TestDeviceStatesEndpointsApplicationsInfo(t *testing.T) {
	r := newRig(t)
	ds := r.client.DeviceState()
	if err := ds.Update(r.ctx, "Custom:execassist-filter-1001", "INUSE"); !errors.Is(err, ari.ErrConflict) || !strings.Contains(err.Error(), "Uncontrolled device specified") {
		t.Fatalf("Custom: device: %v", err)
	}
	_, err := r.client.Application().Subscribe(r.ctx, "execassist", "deviceState:Stasis:execassist-filter-1001")
	r.must(err)
	r.must(ds.Update(r.ctx, "Stasis:execassist-filter-1001", "INUSE"))
	if e := r.next(isType("DeviceStateChanged")).(*ari.DeviceStateChanged); e.DeviceState.State != "INUSE" {
		t.Fatalf("device state event %+v", e)
	}
	got, err := ds.Get(r.ctx, "Stasis:execassist-filter-1001")
	r.must(err)
	if got.State != "INUSE" {
		t.Fatalf("device state %+v", got)
	}
	if err := ds.Update(r.ctx, "Stasis:execassist-filter-1001", "BOGUS"); !errors.Is(err, ari.ErrServer) {
		t.Fatalf("bogus state: %v", err)
	}
	all, err := ds.List(r.ctx)
	r.must(err)
	if len(all) < 2 {
		t.Fatalf("device list %+v", all)
	}
	r.must(ds.Delete(r.ctx, "Stasis:execassist-filter-1001"))

	eps, err := r.client.Endpoint().List(r.ctx)
	r.must(err)
	if len(eps) != 5 || eps[0].Technology != "PJSIP" {
		t.Fatalf("endpoints %+v", eps)
	}
	if _, err := r.client.Endpoint().Data(r.ctx, "PJSIP", "9999"); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("unknown endpoint: %v", err)
	}
	app, err := r.client.Application().Subscribe(r.ctx, "execassist", "endpoint:PJSIP/1002")
	r.must(err)
	if len(app.EndpointIDs) != 1 {
		t.Fatalf("subscription %+v", app)
	}
	if _, err := r.client.Application().Subscribe(r.ctx, "execassist", "bridge:nope"); !errors.Is(err, ari.ErrUnprocessable) {
		t.Fatalf("subscribe to missing bridge: %v", err)
	}
	if _, err := r.client.Application().Data(r.ctx, "other"); !errors.Is(err, ari.ErrNotFound) {
		t.Fatalf("unknown app: %v", err)
	}
	// Event filter: Dial events are no longer sent.
	filtered, err := r.client.Application().Filter(r.ctx, "execassist", nil, []string{"Dial"})
	r.must(err)
	if len(filtered.EventsDisallowed) != 1 {
		t.Fatalf("filter %+v", filtered)
	}
	r.inbound("exec")
	leg, err := r.client.Channel().Create(r.ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1003", ChannelID: "f-leg"})
	r.must(err)
	r.next(onChannel("StasisStart", "f-leg"))
	r.must(leg.Dial(r.ctx, "", 0))
	if e := r.next(func(e ari.Event) bool { return e.Header().Type == "Dial" || e.Header().Type == "ChannelStateChange" }); e.Header().Type == "Dial" {
		t.Fatal("a disallowed Dial event was delivered")
	}
	info, err := r.client.Asterisk().Info(r.ctx)
	r.must(err)
	if info.System == nil || info.System.Version != "22.10.1" {
		t.Fatalf("info %+v", info)
	}
}

func TestReconnectAfterDropAndResync(t *testing.T) {
	r := newRig(t)
	id := r.inbound("exec")
	r.fake.DropConnections()
	r.next(isType("Disconnected"))
	// Events while the socket is down are lost, not replayed.
	r.must(r.fake.SendDTMF(id, "5"))
	conn := r.next(isType("Connected")).(*ari.Connected)
	if !conn.Reconnect {
		t.Fatal("Connected after a drop must say Reconnect")
	}
	app, err := r.client.Application().Data(r.ctx, "execassist")
	r.must(err)
	if len(app.ChannelIDs) != 1 || app.ChannelIDs[0] != id {
		t.Fatalf("resync sees %+v", app)
	}
	r.must(r.fake.SendDTMF(id, "7"))
	if d := r.next(onChannel("ChannelDtmfReceived", id)).(*ari.ChannelDtmfReceived); d.Digit != "7" {
		t.Fatalf("after reconnect got digit %s (lost events must not be replayed)", d.Digit)
	}
}

func TestListenKeepsRetryingWhileAsteriskIsDown(t *testing.T) {
	c, err := ari.New(ari.Options{URL: "http://127.0.0.1:1/ari", Username: "u", Password: "p",
		Application: "execassist", ReconnectMin: time.Millisecond, ReconnectMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	for e := range c.Listen(ctx) {
		t.Fatalf("unexpected event %T", e)
	}
}

// TestDeadEventsConnectionIsDroppedAndRedialled: a peer that completes the WebSocket
// handshake and then never answers (not even pongs) is given up on after DeadAfter and
// dialled again, while a quiet but alive Asterisk (the fake answers pings) is kept.
func TestDeadEventsConnectionIsDroppedAndRedialled(t *testing.T) {
	var mu sync.Mutex
	accepted := 0
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		mu.Lock()
		accepted++
		mu.Unlock()
		<-r.Context().Done() // never reads: pings go unanswered
	}))
	defer dead.Close()
	c, err := ari.New(ari.Options{URL: dead.URL + "/ari", Username: "u", Password: "p", Application: "execassist",
		PingEvery: 10 * time.Millisecond, DeadAfter: 50 * time.Millisecond, ReconnectMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := c.Listen(ctx)
	for n := 0; n < 3; n++ {
		select {
		case e := <-events:
			switch e.(type) {
			case *ari.Connected:
			case *ari.Disconnected:
				n-- // each drop is announced before the next Connected
			default:
				t.Fatalf("unexpected %T", e)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the dead connection was not redialled")
		}
	}

	// The fake answers pings: a quiet connection stays up.
	// Generous margins: a loaded CI machine must not make a live connection look dead.
	r := newRigWith(t, ari.Options{PingEvery: 20 * time.Millisecond, DeadAfter: time.Second})
	time.Sleep(1500 * time.Millisecond)
	select {
	case e := <-r.events:
		t.Fatalf("a live quiet connection was dropped: %T", e)
	default:
	}
}

// TestEventsDialHasItsOwnConnectTimeout: a peer that accepts TCP but never answers the
// upgrade is given up on after ConnectTimeout and retried, however long REST calls may
// take (RequestTimeout).
func TestEventsDialHasItsOwnConnectTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never answered
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	c, err := ari.New(ari.Options{URL: "http://" + ln.Addr().String() + "/ari", Username: "u", Password: "p",
		Application: "execassist", RequestTimeout: time.Hour, ConnectTimeout: 50 * time.Millisecond,
		ReconnectMin: time.Millisecond, ReconnectMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Listen(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(conns)
		mu.Unlock()
		if n >= 3 {
			return // the hung handshake was abandoned and redialled
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d dial attempts: the handshake is waited on", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWrongPasswordSaysAuthenticationFailed: a 401, on REST and on the events socket,
// names the user and the setting to check, never the password.
func TestWrongPasswordSaysAuthenticationFailed(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	c, err := ari.New(ari.Options{URL: fake.URL, Username: "execassist", Password: "wrong-pw", Application: "execassist",
		ReconnectMin: time.Millisecond, ReconnectMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Asterisk().Info(context.Background())
	if !errors.Is(err, ari.ErrUnauthorized) || !strings.Contains(err.Error(), `authentication failed for user "execassist"`) || strings.Contains(err.Error(), "wrong-pw") {
		t.Fatalf("REST: %v", err)
	}
	logs := &testlog.Buffer{}
	c, _ = ari.New(ari.Options{URL: fake.URL, Username: "execassist", Password: "wrong-pw", Application: "execassist",
		ReconnectMin: time.Millisecond, ReconnectMax: 5 * time.Millisecond, Logger: zerolog.New(logs)})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	for range c.Listen(ctx) {
	}
	if !strings.Contains(logs.String(), "authentication failed for user") || strings.Contains(logs.String(), "wrong-pw") {
		t.Fatalf("events socket log: %s", logs.String())
	}
}

// TestEventsHandshakeSendsOriginAndCredentials: Asterisk checks the Origin header
// against ari.conf's allowed_origins and the credentials before upgrading; the client
// names the ARI server itself as Origin.
func TestEventsHandshakeSendsOriginAndCredentials(t *testing.T) {
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case got <- r:
		default:
		}
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, err := ari.New(ari.Options{URL: srv.URL + "/ari", Username: "u", Password: "p", Application: "execassist"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Listen(ctx)
	r := <-got
	if o := r.Header.Get("Origin"); o != srv.URL {
		t.Errorf("Origin %q, want %q", o, srv.URL)
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != "p" {
		t.Errorf("basic auth %q %q %v", u, p, ok)
	}
	if r.URL.Path != "/ari/events" || r.URL.Query().Get("app") != "execassist" {
		t.Errorf("dialled %s", r.URL)
	}
}
