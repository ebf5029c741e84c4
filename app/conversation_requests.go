package app

// The requests an answered call serves (push, retrieve, bridge, the API's ring-to-join)
// and the legs it rings for them.

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
)

func (v *conversation) recallAfter() time.Duration {
	eff := v.cfg.ExecutiveSettings(v.exec)
	return time.Duration(eff.PushRecallRings) * v.cfg.EffectiveDialing().RingDuration.D()
}

// control performs a request on this call; it returns why not, or nil.
func (v *conversation) control(ctx context.Context, m control) error {
	if v.done {
		return refusal("the call has ended")
	}
	switch m.op {
	case opPush:
		return v.push(ctx, m)
	case opRetrieve, opTake:
		return v.retrieve(ctx, m)
	case opRingRetrieve, opRingBridge:
		return v.ringToJoin(ctx, m)
	case opBridge, opJoin:
		return v.bridgeIn(ctx, m)
	}
	return refusal("unknown operation")
}

// push (#63): the remote party on hold, the assistant's leg released, the executive's
// phones ringing, the recall armed.
func (v *conversation) push(ctx context.Context, m control) error {
	var asst *party
	for _, p := range v.parties {
		if p.role == roleAssistant && p.device == m.device {
			asst = p
		}
	}
	if asst == nil || v.pushing || len(v.parties) != 1 {
		return refusal("no single answered executive call at this device")
	}
	v.pushing, v.recallTo, v.recallBy = true, asst.device, asst.who
	v.startMOH(ctx)
	delete(v.parties, asst.id)
	v.hangup(ctx, asst.id)
	v.ring(ctx, roleExecutive, v.exec.Extension, v.exec.Devices...)
	v.recall = v.s.after(v.recallAfter(), "recall")
	v.publish()
	v.journal("pushed", asst.who)
	phase("pushed", v.exec.Extension)
	return nil
}

// retrieve: *11 by the executive moves the call at an assistant to the executive's
// phone; #64 <exec> *11 by an assistant (take) moves the executive's held call to them.
func (v *conversation) retrieve(ctx context.Context, m control) error {
	var from *party
	for _, p := range v.parties {
		if (m.op == opRetrieve && p.role == roleAssistant) || (m.op == opTake && p.role == roleExecutive) {
			from = p
		}
	}
	if from == nil || v.pushing {
		return refusal("no call to retrieve")
	}
	role, who := roleExecutive, v.exec.Extension
	if m.op == opTake {
		role, who = roleAssistant, m.by
	}
	if !v.adopt(ctx, m, role, who) {
		return refusal("the calling phone hung up")
	}
	delete(v.parties, from.id)
	v.hangup(ctx, from.id)
	v.held = false
	v.publish()
	v.journal("retrieved by "+who, from.who)
	return nil
}

// ringToJoin (the API's retrieve and bridge): the asker's phones ring, and join the
// call when answered (joined).
func (v *conversation) ringToJoin(ctx context.Context, m control) error {
	if len(v.parties) == 0 || v.pushing {
		return refusal("no answered call")
	}
	if m.op == opRingRetrieve && !v.hasRole(roleAssistant) {
		return refusal("the call is not at an assistant")
	}
	for _, p := range v.ringing {
		if p.who == m.by {
			return refusal(m.by + "'s phone is already ringing for this call")
		}
	}
	if v.ring(ctx, m.role, m.by, m.devices...) == 0 {
		return refusal("none of " + m.by + "'s phones could be rung")
	}
	for _, p := range v.ringing {
		if p.who == m.by {
			p.joins = map[callOp]callOp{opRingRetrieve: opRetrieve, opRingBridge: opBridge}[m.op]
		}
	}
	return nil
}

// bridgeIn: *15 by the executive, #64 <exec> *15 by an assistant (join): the asker
// joins the call, with the executive's warning tone.
func (v *conversation) bridgeIn(ctx context.Context, m control) error {
	if len(v.parties) == 0 || v.pushing {
		return refusal("no answered call to bridge into")
	}
	role, who := roleExecutive, v.exec.Extension
	if m.op == opJoin {
		role, who = roleAssistant, m.by
	}
	tone := v.cfg.ExecutiveSettings(v.exec).BridgeWarningTone
	if tone != "none" {
		v.playWarning(ctx)
	}
	if tone == "barge-in-repeat" && v.warn == nil {
		v.warn = v.s.after(30*time.Second, "warn")
	}
	if !v.adopt(ctx, m, role, who) {
		return refusal("the calling phone hung up")
	}
	v.publish()
	v.journal("bridged by "+who, "")
	phase("bridged", v.exec.Extension)
	return nil
}

// adopt takes over the asking FAC caller's channel and puts it into the bridge.
func (v *conversation) adopt(ctx context.Context, m control, role partyRole, who string) bool {
	ch := m.channel
	v.s.env.transfer(ch.ID, v.s.id)
	giveBack := func() { v.s.env.transfer(ch.ID, m.asker) } // the asker announces why not
	if err := v.cli.Channel().Answer(ctx, ch.Key()); err != nil && ari.IsGone(err) {
		giveBack()
		return false
	}
	if err := v.cli.Bridge().AddChannel(ctx, v.bridge, ch.ID, ari.AddChannelOptions{}); err != nil {
		v.s.log.Warn().Err(err).Msg("could not add the FAC caller to the call")
		giveBack()
		return false
	}
	v.parties[ch.ID] = &party{id: ch.ID, role: role, who: who, device: ch.Device()}
	return true
}

// playWarning plays the barge-in warning into the bridge and stops it after the
// configured duration: a tone would otherwise play over the conversation until the
// call ends.
func (v *conversation) playWarning(ctx context.Context) {
	v.stopWarning(ctx)
	p := v.cfg.EffectivePrompts()
	pb, err := v.cli.Bridge().Play(ctx, v.bridge, "", strings.Split(p.WarningTone, ",")...)
	if err != nil {
		v.s.log.Warn().Err(err).Msg("warning tone")
		return
	}
	v.warnPB = pb.Key()
	v.warnStop = v.s.after(p.WarningToneDuration.D(), "warn-stop")
}

func (v *conversation) stopWarning(ctx context.Context) {
	if v.warnStop != nil {
		v.warnStop.Stop()
		v.warnStop = nil
	}
	if v.warnPB != nil {
		if err := v.cli.Playback().Stop(ctx, v.warnPB); err != nil && !ari.IsGone(err) {
			v.s.log.Warn().Err(err).Msg("stop the warning tone")
		}
		v.warnPB = nil
	}
}

func (v *conversation) startMOH(ctx context.Context) {
	if err := v.cli.Bridge().MOH(ctx, v.bridge, "default"); err == nil {
		v.moh = true
	}
}

func (v *conversation) stopMOH(ctx context.Context) {
	if v.moh {
		_ = v.cli.Bridge().StopMOH(ctx, v.bridge)
		v.moh = false
	}
}

// joinRingTimeout bounds how long a phone rings for an API retrieve or bridge.
const joinRingTimeout = 30 * time.Second

func (v *conversation) hasRole(role partyRole) bool {
	for _, p := range v.parties {
		if p.role == role {
			return true
		}
	}
	return false
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
		tone := v.cfg.ExecutiveSettings(v.exec).BridgeWarningTone
		if tone != "none" {
			v.playWarning(ctx)
		}
		if tone == "barge-in-repeat" && v.warn == nil {
			v.warn = v.s.after(30*time.Second, "warn")
		}
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
	v.publish()
	v.journal(string(r.joins)+" by "+r.who+" (API)", r.who)
	phase("bridged", v.exec.Extension)
}

// ring creates legs to devices that join the bridge when answered; it returns how many
// it created.
func (v *conversation) ring(ctx context.Context, role partyRole, who string, devices ...string) int {
	name, num := v.remote.name, v.remote.number
	for _, d := range devices {
		v.nextLeg++
		id := v.callID + "-" + v.s.id + "-c" + strconv.Itoa(v.nextLeg)
		p := &party{id: id, role: role, who: who, device: d}
		v.ringing[id] = p
		err := createLeg(ctx, v.cli, v.s.id, outgoingLeg{id: id, endpoint: d, originator: v.remote.id, shownName: name, shownNum: num})
		if err != nil {
			delete(v.ringing, id)
			v.s.log.Info().Err(err).Str("device", d).Msg("push/recall leg not created")
		}
	}
	if len(v.ringing) == 0 {
		v.ringFailed(ctx, &party{role: role})
	}
	n := 0
	for _, p := range v.ringing {
		if p.who == who {
			n++
		}
	}
	return n
}

func (v *conversation) pickedUp(ctx context.Context, r *party) {
	if r.joins != "" {
		v.joined(ctx, r)
		return
	}
	delete(v.ringing, r.id)
	for id := range v.ringing {
		v.hangup(ctx, id)
		delete(v.ringing, id)
	}
	if v.recall != nil {
		v.recall.Stop()
		v.recall = nil
	}
	v.stopMOH(ctx)
	if err := v.cli.Bridge().AddChannel(ctx, v.bridge, r.id, ari.AddChannelOptions{}); err != nil {
		v.hangup(ctx, r.id)
		v.ringFailed(ctx, r)
		return
	}
	v.parties[r.id] = r
	v.pushing = false
	v.answered = v.s.env.clock.Now()
	v.publish()
	v.journal("answered after push", r.who)
}

// ringFailed: a push leg that ends unanswered recalls at once; a recall leg that ends
// rings the assistant again after one ring's pause, the remote party still on hold.
func (v *conversation) ringFailed(ctx context.Context, r *party) {
	if len(v.ringing) > 0 || !v.pushing {
		return
	}
	if r.role == roleExecutive {
		v.recallNow(ctx)
		return
	}
	v.recall = v.s.after(v.cfg.EffectiveDialing().RingDuration.D(), "recall")
}

func (v *conversation) recallNow(ctx context.Context) {
	v.recall = nil
	if !v.pushing {
		return
	}
	for id := range v.ringing {
		v.hangup(ctx, id)
		delete(v.ringing, id)
	}
	v.ring(ctx, roleAssistant, v.recallBy, v.recallTo)
	v.journal("recalled", v.recallBy)
}
