package app

// talking: an answered call serving requests (push, move, join, ring); legs rung to
// join it (the API's retrieve and bridge) ring here.

import (
	"context"
	"fmt"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/policy"
)

type talking struct{ *conversation }

func (t *talking) handle(ctx context.Context, _ *session, m message) state {
	if next, done := t.common(ctx, t, settled, m); done {
		return next
	}
	switch m := m.(type) {
	case pushRequest:
		next, err := t.push(ctx, m)
		m.answer(err)
		return next
	case moveRequest:
		m.answer(t.move(ctx, m))
	case joinRequest:
		m.answer(t.bridgeIn(ctx, m))
	case ringRequest:
		m.answer(t.ringToJoin(ctx, m))
	case holdRequest:
		m.answer(t.hold(ctx, m.on))
	case transferRequest:
		m.answer(t.transferTo(ctx, m))
	case answerRequest:
		m.answer(refusal("the call is answered already"))

	case eventMsg:
		if r := t.ringing[ari.ChannelID(m.Event)]; r != nil {
			t.ringEvent(ctx, m.Event, r, joinRingTimeout, func() { t.joined(ctx, r) }, func() {})
		}
	}
	return t
}

// push (#63): the remote party on hold, the assistant's leg released, the executive's
// phones ringing, the recall armed: the call is pushing.
func (t *talking) push(ctx context.Context, m pushRequest) (state, error) {
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
	_ = t.hold(ctx, false) // the bridge's music on hold takes over
	t.startMOH(ctx)
	delete(t.parties, asst.id)
	t.hangup(ctx, asst.id)
	next := p.ring(ctx, roleExecutive, t.exec.Extension, t.exec.Devices...)
	t.s.after(t.recallAfter(), timerRecall)
	t.publish(ringingForPush)
	t.s.markCDR(ctx, reasonPush, t.remote.id)
	t.journal("pushed", asst.who)
	phase("pushed", t.exec.Extension)
	return next, nil
}

// move: *11 by the executive moves the call at an assistant to the executive's phone;
// #64 <exec> *11 by an assistant (take) moves the executive's held call to them.
func (t *talking) move(ctx context.Context, m moveRequest) error {
	from := roleAssistant
	if m.to == roleAssistant {
		from = roleExecutive
	}
	var left *party
	for _, p := range t.parties {
		if p.role == from {
			left = p
		}
	}
	if left == nil {
		return refusal("no call to retrieve")
	}
	who := m.by
	if m.to == roleExecutive {
		who = t.exec.Extension
	}
	if !t.adopt(ctx, m.facCaller, m.to, who) {
		return refusal("the calling phone hung up")
	}
	delete(t.parties, left.id)
	t.hangup(ctx, left.id)
	t.held = false
	_ = t.hold(ctx, false) // whoever takes the call over talks to the caller at once
	t.publish(settled)
	t.s.markCDR(ctx, reasonRetrieve, t.remote.id)
	t.journal("retrieved by "+who, left.who)
	return nil
}

// ringToJoin (the API's retrieve and bridge): the asker's phones ring, and join the
// call when answered (joined).
func (t *talking) ringToJoin(ctx context.Context, m ringRequest) error {
	if len(t.parties) == 0 {
		return refusal("no answered call")
	}
	if m.then == ringRetrieve && !t.hasRole(roleAssistant) {
		return refusal("the call is not at an assistant")
	}
	for _, p := range t.ringing {
		if p.who == m.by {
			return refusal(t.nameOf(m.by) + "'s phone is already ringing for this call")
		}
	}
	if t.ringLegs(ctx, m.as, m.by, m.then, m.devices...) == 0 {
		return refusal("none of " + t.nameOf(m.by) + "'s phones could be rung")
	}
	return nil
}

// bridgeIn: *15 by the executive, #64 <exec> *15 by an assistant: the asker joins the
// call, with the executive's warning tone.
func (t *talking) bridgeIn(ctx context.Context, m joinRequest) error {
	if len(t.parties) == 0 {
		return refusal("no answered call to bridge into")
	}
	who := m.by
	if m.as == roleExecutive {
		who = t.exec.Extension
	}
	t.warnOfBridging(ctx)
	if !t.adopt(ctx, m.facCaller, m.as, who) {
		return refusal("the calling phone hung up")
	}
	t.publish(settled)
	t.s.markCDR(ctx, reasonBridge, t.remote.id)
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
	if r.joins == ringBridge {
		v.warnOfBridging(ctx)
	}
	if err := v.cli.Bridge().AddChannel(ctx, v.bridge, r.id, ari.AddChannelOptions{}); err != nil {
		v.hangup(ctx, r.id)
		return
	}
	v.parties[r.id] = r
	switch r.joins {
	case ringRetrieve:
		for id, p := range v.parties {
			if p.role == roleAssistant {
				delete(v.parties, id)
				v.hangup(ctx, id)
			}
		}
		v.held = false
	case ringTransfer:
		for id, p := range v.parties {
			if p.who == r.leaves && p != r {
				delete(v.parties, id)
				v.hangup(ctx, id)
			}
		}
		_ = v.hold(ctx, false)
		v.publish(settled)
		v.journal("transferred by "+r.leaves+" to "+r.who, r.leaves)
		return
	}
	v.publish(settled)
	v.s.markCDR(ctx, map[ringJoin]cdrReason{ringRetrieve: reasonRetrieve, ringBridge: reasonBridge}[r.joins], v.remote.id)
	v.journal(string(r.joins)+" by "+r.who+" (API)", r.who)
	phase("bridged", v.exec.Extension)
}

// joinRingTimeout bounds how long a phone rings for an API retrieve or bridge.
const joinRingTimeout = 30 * time.Second

// hold puts the far end on hold (or takes it off): it hears music on hold meanwhile.
func (v *conversation) hold(ctx context.Context, on bool) error {
	if v.remote.id == "" || v.heldHere == on {
		return nil
	}
	key := ari.NewKey(ari.ChannelKey, v.remote.id)
	var err error
	if on {
		err = v.cli.Channel().Hold(ctx, key)
	} else {
		err = v.cli.Channel().StopHold(ctx, key)
	}
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	v.heldHere = on
	v.publish(settled)
	v.journal(map[bool]string{true: "held", false: "resumed"}[on], "")
	return nil
}

// transferTo rings the number the asker transfers the call to; the asker stays on the
// call until it answers (joined), so an unanswered transfer drops nobody.
func (t *talking) transferTo(ctx context.Context, m transferRequest) error {
	var from *party
	for _, p := range t.parties {
		if p.who == m.by {
			from = p
		}
	}
	if from == nil {
		return refusal(t.nameOf(m.by) + " is not on this call")
	}
	for _, p := range t.ringing {
		if p.joins == ringTransfer {
			return refusal("a transfer of this call is ringing already")
		}
	}
	if t.ringLegs(ctx, roleTransferTarget, m.number, ringTransfer, m.endpoint) == 0 {
		return refusal(m.number + " could not be rung")
	}
	for _, p := range t.ringing {
		if p.joins == ringTransfer {
			p.leaves = m.by
		}
	}
	return nil
}

// toVoicemail sends the caller of an answered call to the executive's voice messaging
// (the console's "send to voicemail"); the teardown releases everyone else. A call
// placed as the executive has no caller of the dialplan to send there.
func (v *conversation) toVoicemail(ctx context.Context, by string) error {
	if v.remote.id == "" || !v.remote.fromDialplan {
		return refusal("only a call to the executive goes to the executive's voicemail")
	}
	to := policy.VoicemailTarget(v.exec, v.cfg.EffectiveDialing())
	key := ari.NewKey(ari.ChannelKey, v.remote.id)
	if to.Mailbox != "" {
		if err := v.cli.Channel().SetVariable(ctx, key, "EXECASSIST_MAILBOX", to.Mailbox); err != nil && !ari.IsGone(err) {
			v.s.log.Warn().Err(err).Msg("mailbox not passed to the dialplan; the executive's extension is used")
		}
	}
	v.s.markCDR(ctx, reasonVoicemail, v.remote.id)
	v.s.handOn(v.remote.id)
	continueCaller(ctx, v.cli, key, v.s.log, continueTarget(to))
	v.s.ended("sent-to-voicemail", "sent to voicemail by "+v.nameOf(by))
	return nil
}
