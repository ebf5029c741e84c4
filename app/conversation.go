package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
)

// conversation is an answered executive call: a mixing bridge with the remote party and
// an assistant and/or the executive. It serves #63 push (with recall), *11 retrieve and
// *15 bridge. It ends when fewer than two parties are left and nobody is being rung.
type conversation struct {
	s      *session
	cli    ari.Client
	cfg    *config.Config
	exec   *config.User
	bridge *ari.Key
	remote party
	// parties in the bridge besides the remote one, by channel id.
	parties    map[string]*party
	ringing    map[string]*party // push/recall legs not yet answered
	pushing    bool              // remote on hold, the executive being alerted
	recallTo   string            // assistant device for the recall
	recallBy   string
	moh        bool
	recall     clock.Timer
	warn       clock.Timer // the next barge-in-repeat tone
	warnStop   clock.Timer // stops the tone playing now
	warnPB     *ari.Key
	answered   time.Time
	arrived    time.Time
	answeredBy string
	nextLeg    int
	done       bool
	held       bool
	callID     string
	gone       []transferRecord // parties replaced by a transfer
	// remoteInDialplan: the remote party is a caller that came from the dialplan
	// (Stasis exec): failing open continues it there instead of hanging it up.
	remoteInDialplan bool
}

type party struct {
	id     string
	role   partyRole
	who    string // extension
	device string
	name   string // caller ID, for the remote party: what push and recall legs show
	number string
	// joins is set on a leg rung for an API retrieve or bridge: opRetrieve or opBridge.
	joins callOp
}

// newConversation takes over an answered call; answeredAt orders calls for *11/*15
// without digits ("the most recently answered").
func newConversation(s *session, cfg *config.Config, exec *config.User, bridge *ari.Key, remote party, first *party, callID string, answeredAt time.Time) *conversation {
	v := &conversation{s: s, cli: s.env.cli, cfg: cfg, exec: exec, bridge: bridge, remote: remote,
		parties: map[string]*party{first.id: first}, ringing: map[string]*party{},
		answered: answeredAt, callID: callID, arrived: s.began, answeredBy: first.who}
	v.publish()
	return v
}

// publish tells the registry where the call is now.
func (v *conversation) publish() {
	c := execCall{owner: v.s.ref(), exec: v.exec.Extension, answeredAt: v.answered, held: v.held, pushing: v.pushing,
		callerName: v.remote.name, callerNumber: v.remote.number, arrived: v.arrived, answeredBy: v.answeredBy}
	for _, p := range v.parties {
		switch p.role {
		case roleAssistant:
			c.assistant, c.device = p.who, p.device
		case roleExecutive:
			c.atExec = true
		}
	}
	if v.pushing {
		c.assistant, c.device = "", ""
		c.ringing = []string{v.exec.Extension}
	}
	v.s.env.registry.set(c)
}

func (v *conversation) run(ctx context.Context, s *session) behaviour {
	v.publish()
	phase("answered", v.exec.Extension)
	for !v.done {
		msg := v.s.next()
		if msg == nil {
			return nil // execassist stops: an answered call stays connected in Asterisk
		}
		v.handle(ctx, msg)
	}
	return nil
}

// failOpen takes the call apart after an internal error: a remote caller from the
// dialplan goes on there (to the executive's own Dial), every other party and every
// leg still ringing is released, and the bridge destroyed. Nothing is left in Stasis.
func (v *conversation) failOpen(ctx context.Context, s *session, reason string) {
	s.env.registry.remove(s)
	v.releaseAllButRemote(ctx)
	if v.remote.id != "" {
		if v.remoteInDialplan {
			s.log.Warn().Str("reason", reason).Msg("answered call failed; the caller continues in the dialplan")
			continueCaller(ctx, v.cli, ari.NewKey(ari.ChannelKey, v.remote.id), s.log)
		} else {
			v.hangup(ctx, v.remote.id)
		}
	}
	if err := v.cli.Bridge().Delete(ctx, v.bridge); err != nil && !ari.IsGone(err) {
		s.log.Warn().Err(err).Msg("destroy bridge")
	}
	v.journal("failed: "+reason, "")
}

func (v *conversation) handle(ctx context.Context, msg message) {
	switch m := msg.(type) {
	case timerFired:
		switch m.name {
		case "recall":
			v.recallNow(ctx)
		case "warn":
			v.playWarning(ctx)
			v.warn = v.s.after(30*time.Second, "warn")
		case "warn-stop":
			v.stopWarning(ctx)
		}
		return
	case control:
		m.reply <- v.control(ctx, m)
		return
	case resyncNeeded:
		v.resync(ctx)
		return
	}
	e := msg.(eventMsg).Event
	id := ari.ChannelID(e)
	if r := v.ringing[id]; r != nil {
		switch ev := e.(type) {
		case *ari.StasisStart:
			timeout := time.Duration(0)
			if v.pushing && r.role == roleExecutive {
				timeout = v.recallAfter() + 5*time.Second
			}
			if r.joins != "" {
				timeout = joinRingTimeout
			}
			if err := v.cli.Channel().Dial(ctx, ari.NewKey(ari.ChannelKey, id), "", timeout); err != nil {
				delete(v.ringing, id)
				v.ringFailed(ctx, r)
			}
		case *ari.ChannelStateChange:
			if ev.Channel.State == "Up" {
				v.pickedUp(ctx, r)
			}
		case *ari.StasisEnd, *ari.ChannelDestroyed:
			delete(v.ringing, id)
			v.ringFailed(ctx, r)
		}
		return
	}
	switch ev := e.(type) {
	case *ari.StasisStart:
		if ev.ReplaceChannel != nil {
			v.transferred(ctx, ev.Channel, ev.ReplaceChannel.ID)
		}
	case *ari.BridgeBlindTransfer:
		who := v.transferer(ev.Channel.ID)
		v.journal("transferred by "+who+" to "+ev.Exten+"@"+ev.Context, who)
	case *ari.BridgeAttendedTransfer:
		who, to := v.transferer(ev.TransfererFirstLeg.ID), ""
		if ev.TransferTarget != nil {
			to = ev.TransferTarget.Name
		}
		v.journal("attended transfer by "+who+" to "+to, who)
	case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
		if id == v.remote.id {
			v.remoteLeft(ctx)
		} else if p := v.parties[id]; p != nil {
			v.partyLeft(ctx, p)
		}
	case *ari.ChannelHold:
		if p := v.parties[id]; p != nil && p.role == roleExecutive {
			v.held = true
			v.publish()
		}
	case *ari.ChannelUnhold:
		if p := v.parties[id]; p != nil && p.role == roleExecutive {
			v.held = false
			v.publish()
		}
	}
}

// transferred: a party's phone transferred the call (blind or attended) and Asterisk
// swapped channel n into the bridge in place of replaced. n becomes a party of the call
// (or its remote party, when the remote side transferred), and the transferer's
// channel, now out of the bridge, is released. A transferred-to party is neither the
// assistant nor the executive: #63, *11 and *15 no longer act on the transferer.
func (v *conversation) transferred(ctx context.Context, n ari.ChannelData, replaced string) {
	v.gone = append(v.gone, transferRecord{id: replaced, who: v.transferer(replaced)})
	switch p := v.parties[replaced]; {
	case replaced == v.remote.id:
		v.remote = party{id: n.ID, role: roleRemote, name: n.Caller.Name, number: n.Caller.Number}
		v.remoteInDialplan = false
	case p != nil:
		delete(v.parties, replaced)
		v.parties[n.ID] = &party{id: n.ID, role: roleTransferTarget, device: n.Name, name: n.Caller.Name, number: n.Caller.Number}
	default:
		v.s.log.Warn().Str("channel", n.ID).Str("replaces", replaced).Msg("transfer of a channel not in this call; releasing it")
		v.hangup(ctx, n.ID)
		return
	}
	v.s.log.Info().Str("replaced", replaced).Str("by", n.Name).Msg("call transferred by a phone")
	v.hangup(ctx, replaced)
	v.publish()
}

// transferRecord remembers who a replaced channel was, for the transfer event that
// follows the swap.
type transferRecord struct{ id, who string }

// transferer names the party whose channel id transferred (or was replaced).
func (v *conversation) transferer(id string) string {
	if p := v.parties[id]; p != nil {
		return p.who
	}
	for _, g := range v.gone {
		if g.id == id {
			return g.who
		}
	}
	if id == v.remote.id {
		return string(roleRemote)
	}
	return id
}

// resync drops parties that left while events were lost.
func (v *conversation) resync(ctx context.Context) {
	gone := func(id string) bool {
		_, err := v.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id))
		return errors.Is(err, ari.ErrNotFound)
	}
	if v.remote.id != "" && gone(v.remote.id) {
		v.remoteLeft(ctx)
	}
	for _, p := range v.parties {
		if !v.done && gone(p.id) {
			v.partyLeft(ctx, p)
		}
	}
}

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

// remoteLeft: the caller hanging up releases every leg (SPEC 2.5), also in a three-way
// call: the executive and the assistant are not left talking to each other in our
// bridge (a real Asterisk sent neither phone a BYE).
func (v *conversation) remoteLeft(ctx context.Context) {
	v.remote.id = ""
	v.end(ctx, "caller-hung-up", "the caller hung up")
}

func (v *conversation) partyLeft(ctx context.Context, p *party) {
	delete(v.parties, p.id)
	if len(v.parties)+boolInt(v.remote.id != "") >= 2 || v.pushing {
		v.publish()
		return
	}
	v.end(ctx, string(p.role)+"-hung-up", strings.TrimSpace(p.who+" ("+string(p.role)+") hung up"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// releaseAllButRemote ends the conversation's timers and releases every leg still
// ringing and every party but the remote one.
func (v *conversation) releaseAllButRemote(ctx context.Context) {
	v.done = true
	for _, t := range []clock.Timer{v.recall, v.warn, v.warnStop} {
		if t != nil {
			t.Stop()
		}
	}
	v.recall, v.warn, v.warnStop, v.warnPB = nil, nil, nil, nil
	for id := range v.ringing {
		v.hangup(ctx, id)
	}
	for id := range v.parties {
		v.hangup(ctx, id)
	}
}

// end hangs up whoever is left, destroys the bridge and writes the call's last record:
// cause is the class of who hung up (caller, assistant, executive ...), why in words.
func (v *conversation) end(ctx context.Context, cause, why string) {
	v.releaseAllButRemote(ctx)
	if v.remote.id != "" {
		v.hangup(ctx, v.remote.id)
	}
	if err := v.cli.Bridge().Delete(ctx, v.bridge); err != nil && !ari.IsGone(err) {
		v.s.log.Warn().Err(err).Msg("destroy bridge")
	}
	v.s.env.journal(store.JournalEntry{At: v.s.env.clock.Now(), CallID: v.callID, Kind: "call-control",
		Executive: v.exec.Extension, Decision: "ended", AnsweredBy: v.answeredBy, Outcome: cause, Reasons: []string{why}})
}

func (v *conversation) hangup(ctx context.Context, id string) { v.s.release(ctx, id, "normal") }

func (v *conversation) journal(outcome, who string) {
	v.s.env.journal(store.JournalEntry{At: v.s.env.clock.Now(), CallID: v.callID, Kind: "call-control",
		Executive: v.exec.Extension, Decision: outcome, AnsweredBy: who, Outcome: outcome})
}
