package app

// talking: an answered call serving requests. Push, retrieve, bridge and the API's
// ring-to-join act on it; legs rung to join it (the API's retrieve and bridge) ring
// here.

import (
	"context"
	"time"

	"github.com/execassist/execassist/ari"
)

type talking struct{ *conversation }

func (t *talking) handle(ctx context.Context, _ *session, m message) state {
	if next, done := t.common(ctx, t, false, m); done {
		return next
	}
	switch m := m.(type) {
	case control:
		next, err := t.control(ctx, m)
		m.reply <- err
		return next
	case eventMsg:
		if r := t.ringing[ari.ChannelID(m.Event)]; r != nil {
			t.ringEvent(ctx, m.Event, r, joinRingTimeout, func() { t.joined(ctx, r) }, func() {})
		}
	}
	return t
}

// control performs a request on this call: the state it is in next and why not, or
// nil.
func (t *talking) control(ctx context.Context, m control) (state, error) {
	switch m.op {
	case opPush:
		return t.push(ctx, m)
	case opRetrieve, opTake:
		return t, t.retrieve(ctx, m)
	case opRingRetrieve, opRingBridge:
		return t, t.ringToJoin(ctx, m)
	case opBridge, opJoin:
		return t, t.bridgeIn(ctx, m)
	}
	return t, refusal("unknown operation")
}

// push (#63): the remote party on hold, the assistant's leg released, the executive's
// phones ringing, the recall armed: the call is pushing.
func (t *talking) push(ctx context.Context, m control) (state, error) {
	var asst *party
	for _, p := range t.parties {
		if p.role == roleAssistant && p.device == m.device {
			asst = p
		}
	}
	if asst == nil || len(t.parties) != 1 {
		return t, refusal("no single answered executive call at this device")
	}
	p := &pushing{conversation: t.conversation, recallTo: asst.device, recallBy: asst.who}
	t.startMOH(ctx)
	delete(t.parties, asst.id)
	t.hangup(ctx, asst.id)
	next := p.ring(ctx, roleExecutive, t.exec.Extension, t.exec.Devices...)
	t.s.after(t.recallAfter(), timerRecall)
	t.publish(true)
	t.journal("pushed", asst.who)
	phase("pushed", t.exec.Extension)
	return next, nil
}

// retrieve: *11 by the executive moves the call at an assistant to the executive's
// phone; #64 <exec> *11 by an assistant (take) moves the executive's held call to them.
func (t *talking) retrieve(ctx context.Context, m control) error {
	var from *party
	for _, p := range t.parties {
		if (m.op == opRetrieve && p.role == roleAssistant) || (m.op == opTake && p.role == roleExecutive) {
			from = p
		}
	}
	if from == nil {
		return refusal("no call to retrieve")
	}
	role, who := roleExecutive, t.exec.Extension
	if m.op == opTake {
		role, who = roleAssistant, m.by
	}
	if !t.adopt(ctx, m, role, who) {
		return refusal("the calling phone hung up")
	}
	delete(t.parties, from.id)
	t.hangup(ctx, from.id)
	t.held = false
	t.publish(false)
	t.journal("retrieved by "+who, from.who)
	return nil
}

// ringToJoin (the API's retrieve and bridge): the asker's phones ring, and join the
// call when answered (joined).
func (t *talking) ringToJoin(ctx context.Context, m control) error {
	if len(t.parties) == 0 {
		return refusal("no answered call")
	}
	if m.op == opRingRetrieve && !t.hasRole(roleAssistant) {
		return refusal("the call is not at an assistant")
	}
	for _, p := range t.ringing {
		if p.who == m.by {
			return refusal(m.by + "'s phone is already ringing for this call")
		}
	}
	joins := map[callOp]callOp{opRingRetrieve: opRetrieve, opRingBridge: opBridge}[m.op]
	if t.ringLegs(ctx, m.role, m.by, joins, m.devices...) == 0 {
		return refusal("none of " + m.by + "'s phones could be rung")
	}
	return nil
}

// bridgeIn: *15 by the executive, #64 <exec> *15 by an assistant (join): the asker
// joins the call, with the executive's warning tone.
func (t *talking) bridgeIn(ctx context.Context, m control) error {
	if len(t.parties) == 0 {
		return refusal("no answered call to bridge into")
	}
	role, who := roleExecutive, t.exec.Extension
	if m.op == opJoin {
		role, who = roleAssistant, m.by
	}
	t.warnOfBridging(ctx)
	if !t.adopt(ctx, m, role, who) {
		return refusal("the calling phone hung up")
	}
	t.publish(false)
	t.journal("bridged by "+who, "")
	phase("bridged", t.exec.Extension)
	return nil
}

// joined: a phone rung for an API retrieve or bridge answered. It joins the call; a
// retrieve then releases the assistant, a bridge plays the warning tone.
func (v *conversation) joined(ctx context.Context, r *party) {
	for id, p := range v.ringing {
		if p.who == r.who {
			delete(v.ringing, id)
			if id != r.id {
				v.hangup(ctx, id)
			}
		}
	}
	if r.joins == opBridge {
		v.warnOfBridging(ctx)
	}
	if err := v.cli.Bridge().AddChannel(ctx, v.bridge, r.id, ari.AddChannelOptions{}); err != nil {
		v.hangup(ctx, r.id)
		return
	}
	v.parties[r.id] = r
	if r.joins == opRetrieve {
		for id, p := range v.parties {
			if p.role == roleAssistant {
				delete(v.parties, id)
				v.hangup(ctx, id)
			}
		}
		v.held = false
	}
	v.publish(false)
	v.journal(string(r.joins)+" by "+r.who+" (API)", r.who)
	phase("bridged", v.exec.Extension)
}

// joinRingTimeout bounds how long a phone rings for an API retrieve or bridge.
const joinRingTimeout = 30 * time.Second
