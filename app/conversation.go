package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
)

// conversation is an answered executive call: a mixing bridge with the remote party and
// an assistant and/or the executive. Its states are talking (serving push, retrieve and
// bridge requests) and pushing (the remote party on hold while the executive is rung).
// It ends when fewer than two parties are left and nobody is being rung.
type conversation struct {
	s      *session
	cli    ari.Client
	cfg    *config.Config
	exec   *config.User
	bridge *ari.Key
	remote party
	// parties in the bridge besides the remote one, by channel id.
	parties    map[string]*party
	ringing    map[string]*party // legs rung to join (push, recall, the API) not yet answered
	warnPB     *ari.Key          // the warning tone playing now
	moh        bool
	answered   time.Time
	arrived    time.Time
	answeredBy string
	nextLeg    int
	held       bool // the executive's phone holds the call (ChannelHold)
	heldHere   bool // execassist holds the far end (the console's hold)
	callID     string
	gone       []transferRecord // parties replaced by a transfer
	placedBy   string           // a call placed as the executive: the assistant who placed it
	// spokenName is the caller's recorded name (record_caller_name), "" if none: an
	// announced push says it instead of spelling the number.
	spokenName string
}

type party struct {
	id     string
	role   partyRole
	who    string // extension
	device string
	name   string // caller ID, for the remote party: what push and recall legs show
	number string
	// joins is set on a leg rung for the API's retrieve or bridge: what it does when
	// answered.
	joins ringJoin
	// leaves is, for a transfer leg, the user who asked and leaves the call when it
	// answers.
	leaves string
	// fromDialplan: the remote party is a caller that came from the dialplan (Stasis
	// exec): failing open continues it there instead of hanging it up.
	fromDialplan bool
}

// newConversation takes over an answered call; answeredAt orders calls for *11/*15
// without digits ("the most recently answered").
func newConversation(s *session, cfg *config.Config, exec *config.User, bridge *ari.Key, remote party, first *party, callID string, answeredAt time.Time) *conversation {
	v := &conversation{s: s, cli: s.env.cli, cfg: cfg, exec: exec, bridge: bridge, remote: remote,
		parties: map[string]*party{first.id: first}, ringing: map[string]*party{},
		answered: answeredAt, callID: callID, arrived: s.began, answeredBy: first.who}
	v.publish(settled)
	return v
}

// handOff is where an answered call stands between its parties: with them (settled),
// on hold while phones ring for a push or its recall (ringingForPush), or on hold while
// the executive who answered a push hears who it is (announcingToExecutive).
type handOff uint8

const (
	settled handOff = iota
	ringingForPush
	announcingToExecutive
)

// publish tells the registry where the call is now.
func (v *conversation) publish(h handOff) {
	c := execCall{owner: v.s.ref(), exec: v.exec.Extension, answeredAt: v.answered, held: v.held, heldHere: v.heldHere, handOff: h,
		callerName: v.remote.name, callerNumber: v.remote.number, arrived: v.arrived, answeredBy: v.answeredBy, placedBy: v.placedBy}
	if v.s.rec != nil {
		c.steps = slices.Clone(v.s.rec.Steps)
	}
	for _, p := range v.parties {
		switch p.role {
		case roleAssistant:
			c.assistant, c.device = p.who, p.device
		case roleExecutive:
			c.atExec = true
		}
	}
	if h != settled {
		c.assistant, c.device = "", ""
	}
	if h == ringingForPush {
		for _, r := range v.ringing {
			if !slices.Contains(c.ringing, r.who) {
				c.ringing = append(c.ringing, r.who)
			}
		}
		slices.Sort(c.ringing)
	}
	v.s.env.registry.set(c)
}

// stopping: execassist stops; the answered call stays connected in Asterisk (a
// restarted execassist adopts its bridge).
func (v *conversation) stopping(_ context.Context, s *session) { s.keepAll() }

// failOpen takes the call apart after an internal error: a remote caller from the
// dialplan goes on there (to the executive's own Dial); the teardown releases every
// other party, every leg still ringing and the bridge.
func (v *conversation) failOpen(ctx context.Context, s *session, reason string) {
	s.env.registry.remove(s)
	if v.remote.id != "" && v.remote.fromDialplan && s.res.holds(v.remote.id) {
		s.log.Warn().Str("reason", reason).Msg("answered call failed; the caller continues in the dialplan")
		s.handOn(v.remote.id)
		continueCaller(ctx, v.cli, ari.NewKey(ari.ChannelKey, v.remote.id), s.log)
	}
	v.s.ended("failed", "failed: "+reason)
}

// common handles what both states of an answered call handle alike: the warning tone,
// lost events, phone transfers, hold, parties leaving, and the requests that end the
// call (hang up, voicemail). It reports false for a
// message the state handles itself.
func (v *conversation) common(ctx context.Context, cur state, h handOff, m message) (state, bool) {
	switch m := m.(type) {
	case timerFired:
		switch m.name {
		case timerWarn:
			v.playWarning(ctx)
			v.s.after(30*time.Second, timerWarn)
		case timerWarnStop:
			v.stopWarning(ctx)
		default:
			return cur, false
		}
		return cur, true
	case resyncNeeded:
		return v.resync(ctx, cur, h), true
	case hangupRequest:
		m.answer(nil)
		return v.hungUpBy(ctx, m.by), true
	case voicemailRequest:
		if err := v.toVoicemail(ctx, m.by); err != nil {
			m.answer(err)
			return cur, true
		}
		m.answer(nil)
		return nil, true
	case request:
		return cur, false
	}
	e := eventOf(m)
	id := ari.ChannelID(e)
	if v.ringing[id] != nil {
		return cur, false
	}
	switch ev := e.(type) {
	case *ari.StasisStart:
		if ev.ReplaceChannel != nil {
			v.transferred(ctx, ev.Channel, ev.ReplaceChannel.ID, h)
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
	case *ari.PlaybackFinished:
		v.s.finished(ev.Playback.ID)
	case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
		if id == v.remote.id {
			return v.remoteLeft(ctx), true
		} else if p := v.parties[id]; p != nil {
			return v.partyLeft(ctx, cur, h, p), true
		}
		v.s.forgotten(id)
	case *ari.ChannelHold:
		if p := v.parties[id]; p != nil && p.role == roleExecutive {
			v.held = true
			v.publish(h)
		}
	case *ari.ChannelUnhold:
		if p := v.parties[id]; p != nil && p.role == roleExecutive {
			v.held = false
			v.publish(h)
		}
	}
	return cur, true
}

// resync drops parties that left while events were lost.
func (v *conversation) resync(ctx context.Context, cur state, h handOff) state {
	gone := func(id string) bool {
		_, err := v.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, id))
		return errors.Is(err, ari.ErrNotFound)
	}
	if v.remote.id != "" && gone(v.remote.id) {
		return v.remoteLeft(ctx)
	}
	for _, p := range v.parties {
		if gone(p.id) {
			if next := v.partyLeft(ctx, cur, h, p); next != cur {
				return next
			}
		}
	}
	return cur
}

// remoteLeft: the caller hanging up releases every leg (SPEC 2.5), also in a three-way
// call: the executive and the assistant are not left talking to each other in our
// bridge (a real Asterisk sent neither phone a BYE).
func (v *conversation) remoteLeft(ctx context.Context) state {
	v.s.forgotten(v.remote.id)
	v.remote.id = ""
	return v.end(ctx, "caller-hung-up", "the caller hung up")
}

func (v *conversation) partyLeft(ctx context.Context, cur state, h handOff, p *party) state {
	delete(v.parties, p.id)
	v.s.forgotten(p.id)
	if len(v.parties)+boolInt(v.remote.id != "") >= 2 || h != settled {
		v.publish(h)
		return cur
	}
	return v.end(ctx, string(p.role)+"-hung-up", strings.TrimSpace(p.who+" ("+string(p.role)+") hung up"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hungUpBy ends the call from the console (by: who asked).
func (v *conversation) hungUpBy(ctx context.Context, by string) state {
	return v.end(ctx, "console-hung-up", v.nameOf(by)+" hung up from the console")
}

// end writes the call's last record: cause is the class of who hung up (caller,
// assistant, executive ...), why in words. The teardown hangs up whoever is left and
// destroys the bridge.
func (v *conversation) end(_ context.Context, cause, why string) state {
	v.s.ended(cause, why)
	return nil
}

func (v *conversation) hangup(ctx context.Context, id string) { v.s.release(ctx, id, "normal") }

// journal adds a step to the call's record.
func (v *conversation) journal(what, who string) { v.s.step(what, who) }
