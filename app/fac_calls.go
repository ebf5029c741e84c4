package app

// The FACs that act on calls: push, retrieve and bridge through the call's owner, and
// a call placed as the executive (#64).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
)

// ask sends a request to the session owning an executive call and waits for its
// answer: "" when done, else why not.
func (f *facCall) ask(c execCall, build func(replyTo) request) string {
	err := ask(c, build, f.s.stop.Done())
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoSuchCall):
		return "the call has ended"
	}
	return err.Error()
}

// handOver is this FAC's channel, for a request that takes it into the call.
func (f *facCall) handOver() facCaller {
	return facCaller{channel: f.s.start.Channel, asker: f.s.id}
}

// push: #63 pushes the answered executive call at the dialling device. The FAC has no
// call id: with several calls at the device (a second line) it pushes the most recently
// answered and says which (the confirmation ends with the caller's number, and the
// journal names it); the API pushes the call it is given.
func (f *facCall) push(ctx context.Context) state {
	device := f.s.start.Channel.Device()
	calls := f.s.env.registry.find(func(c execCall) bool { return c.device == device && c.assistant != "" && c.answered() })
	if len(calls) == 0 {
		return f.noCall(ctx, "no answered executive call at "+device, func(c LiveCall) bool { return c.Assistant == f.s.facUser })
	}
	c := slices.MaxFunc(calls, func(a, b execCall) int {
		return cmp.Or(a.answeredAt.Compare(b.answeredAt), a.arrived.Compare(b.arrived))
	})
	f.entry.Executive = c.exec
	prompt := f.prompts.Confirm
	if len(calls) > 1 {
		f.entry.Reasons = append(f.entry.Reasons, fmt.Sprintf("%d answered executive calls at %s: pushing the most recently answered, from %s",
			len(calls), device, cmp.Or(c.callerNumber, "an unknown number")))
		if d := strings.Map(keepDigit, c.callerNumber); d != "" {
			prompt += ",digits:" + d
		}
	}

	if why := f.ask(c, func(r replyTo) request { return pushRequest{replyTo: r, device: device} }); why != "" {
		return f.refuse(ctx, f.prompts.NoCall, why)
	}
	return f.confirm(ctx, prompt, "pushed")
}

// voicemail (#67): the call answered at this phone (the most recently answered), else
// the call ringing at its user (the one that has rung longest), goes to its executive's
// voicemail; whoever else is on it is released.
func (f *facCall) voicemail(ctx context.Context) state {
	device, user := f.s.start.Channel.Device(), f.s.facUser
	calls := f.s.env.registry.find(func(c execCall) bool { return c.device == device && c.handOff == settled }) // most recently answered first
	if len(calls) == 0 {
		calls = f.s.env.registry.ringingFor(user)
	}
	if len(calls) == 0 {
		return f.noCall(ctx, "no call answered at "+device+" or ringing for "+user, func(c LiveCall) bool {
			return c.Assistant == user || slices.Contains(c.Ringing, user)
		})
	}
	c := calls[0]
	f.entry.Executive = c.exec
	if why := f.ask(c, func(r replyTo) request { return voicemailRequest{replyTo: r, by: user} }); why != "" {
		return f.refuse(ctx, f.prompts.NoCall, why)
	}
	return f.confirm(ctx, f.prompts.Confirm, "sent-to-voicemail")
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// join hands this FAC caller to the call: on success the call's session owns the
// channel and this session ends without touching it.
// outcome names what the FAC did in its record (retrieve, bridge, take, join).
func (f *facCall) join(ctx context.Context, c execCall, outcome string, build func(replyTo) request) state {
	if why := f.ask(c, build); why != "" {
		return f.refuse(ctx, f.prompts.NoCall, why)
	}
	f.s.handOn(f.s.start.Channel.ID)
	f.entry.Outcome = outcome
	return nil
}

// moveTo asks for the call to move to this FAC's caller, who takes it as role to.
func (f *facCall) moveTo(to partyRole) func(replyTo) request {
	fc, by := f.handOver(), f.s.facUser
	return func(r replyTo) request { return moveRequest{replyTo: r, facCaller: fc, to: to, by: by} }
}

// joinAs asks for this FAC's caller to join the call as role as.
func (f *facCall) joinAs(as partyRole) func(replyTo) request {
	fc, by := f.handOver(), f.s.facUser
	return func(r replyTo) request { return joinRequest{replyTo: r, facCaller: fc, as: as, by: by} }
}

func (f *facCall) initiate(ctx context.Context, p policy.FAC) state {
	switch p.Special {
	case "retrieve":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec && c.held })
		if len(calls) == 0 {
			return f.noCall(ctx, "no held call of "+p.Executive, func(c LiveCall) bool { return c.Executive == p.Executive && c.Held })
		}
		return f.join(ctx, calls[0], "take", f.moveTo(roleAssistant))
	case "bridge":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec })
		if len(calls) == 0 {
			return f.noCall(ctx, "no answered call of "+p.Executive, func(c LiveCall) bool {
				return c.Executive == p.Executive && (c.State == "executive" || c.State == "bridged")
			})
		}
		return f.join(ctx, calls[0], "join", f.joinAs(roleAssistant))
	}
	return f.placeCall(ctx, f.cfg.User(p.Executive), p.Endpoint, p.Destination)
}

// placing: a call placed as the executive (#64) rings its destination while the
// assistant hears ringing; on answer the two are bridged and it is an executive call.
type placing struct {
	*facCall
	exec   *config.User
	legID  string
	dest   string
	legKey *ari.Key
}

// placeCall rings the destination with the executive's caller ID.
func (f *facCall) placeCall(ctx context.Context, e *config.User, endpoint, dest string) state {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	_ = cli.Channel().Ring(ctx, me.Key())
	num := e.Extension
	if len(e.Numbers) > 0 {
		num = e.Numbers[0]
	}
	legID := me.ID + "-" + s.id + "-dest"
	s.own(legID)
	// The destination sees the executive, not the assistant.
	err := createLeg(ctx, cli, s.id, outgoingLeg{id: legID, endpoint: endpoint, originator: me.ID, shownName: e.Name, shownNum: num})
	if err != nil {
		return f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable: "+err.Error())
	}
	return &placing{facCall: f, exec: e, legID: legID, dest: dest, legKey: ari.NewKey(ari.ChannelKey, legID)}
}

func (p *placing) handle(ctx context.Context, s *session, m message) state {
	switch m := m.(type) {
	case request:
		m.answer(refusal("the call is not answered yet"))
		return p
	case resyncNeeded:
		if p.gone(ctx) {
			return p.callerLeft()
		}
		if d, err := s.env.cli.Channel().Data(ctx, p.legKey); errors.Is(err, ari.ErrNotFound) {
			s.forgotten(p.legID)
			return p.refuse(ctx, p.prompts.NotAllowed, "destination did not answer")
		} else if err == nil && d.State == "Up" {
			return p.connect(ctx)
		}
		return p
	case timerFired:
		return p
	}
	e := eventOf(m)
	id := ari.ChannelID(e)
	switch ev := e.(type) {
	case *ari.StasisStart:
		if id == p.legID {
			if err := s.env.cli.Channel().Dial(ctx, p.legKey, "", 60*time.Second); err != nil {
				return p.refuse(ctx, p.prompts.NotAllowed, "destination unreachable")
			}
		}
	case *ari.ChannelStateChange:
		if id == p.legID && ev.Channel.State == "Up" {
			return p.connect(ctx)
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
		switch id {
		case s.start.Channel.ID:
			return p.callerLeft()
		case p.legID:
			s.forgotten(p.legID)
			return p.refuse(ctx, p.prompts.NotAllowed, "destination did not answer")
		}
	}
	return p
}

// callerLeft: the assistant hung up before the destination answered.
func (p *placing) callerLeft() state {
	p.entry.Outcome = "caller-hung-up"
	return nil
}

// connect bridges the assistant with the destination: the call is talking.
func (p *placing) connect(ctx context.Context) state {
	s := p.s
	me := s.start.Channel
	answeredAt := s.env.clock.Now()
	s.env.registry.set(execCall{owner: s.ref(), exec: p.exec.Extension, assistant: s.facUser, device: me.Device(), answeredAt: answeredAt,
		callerNumber: p.dest, arrived: s.began, answeredBy: s.facUser, placedBy: s.facUser})
	bridge, err := s.connect(ctx, me.ID, p.legID, false)
	if err != nil {
		s.log.Warn().Err(err).Msg("could not connect the call placed as the executive")
		s.env.registry.remove(s)
		return nil
	}
	p.entry.Outcome, p.entry.AnsweredBy = "initiated", p.dest
	s.markCDR(ctx, reasonInitiate, me.ID, p.legID)
	first := &party{id: me.ID, role: roleAssistant, who: s.facUser, device: me.Device()}
	remote := party{id: p.legID, role: roleRemote, number: p.dest}
	v := newConversation(s, p.cfg, p.exec, bridge, remote, first, me.ID, answeredAt)
	v.placedBy = s.facUser
	v.publish(settled)
	return &talking{v}
}
