package app

import (
	"context"
	"errors"
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
