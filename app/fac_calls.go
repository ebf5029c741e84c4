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

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
)

// ask sends an operation to the session owning an executive call and waits for it.
func (f *facCall) ask(c execCall, op callOp) string {
	reply := make(chan error, 1)
	me := f.s.start.Channel
	c.owner.box.put(control{op: op, by: f.s.facUser, device: me.Device(), channel: me, reply: reply, asker: f.s.id})
	select {
	case err := <-reply:
		if err != nil {
			return err.Error()
		}
		return ""
	case <-c.owner.done:
		return "the call has ended"
	case <-time.After(10 * time.Second):
		return "the call did not answer"
	case <-f.s.stop.Done():
		return "execassist is stopping"
	}
}

// push: #63 pushes the answered executive call at the dialling device. The FAC has no
// call id: with several calls at the device (a second line) it pushes the most recently
// answered and says which (the confirmation ends with the caller's number, and the
// journal names it); the API pushes the call it is given.
func (f *facCall) push(ctx context.Context) {
	device := f.s.start.Channel.Device()
	calls := f.s.env.registry.find(func(c execCall) bool { return c.device == device && c.assistant != "" && c.answered() })
	if len(calls) == 0 {
		f.noCall(ctx, "no answered executive call at "+device, func(c LiveCall) bool { return c.Assistant == f.s.facUser })
		return
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
	if why := f.ask(c, opPush); why != "" {
		f.refuse(ctx, f.prompts.NoCall, why)
		return
	}
	f.confirm(ctx, prompt, "pushed")
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// join hands this FAC caller to the call: on success the call's session owns the
// channel and this session ends without touching it.
func (f *facCall) join(ctx context.Context, c execCall, op callOp) {
	if why := f.ask(c, op); why != "" {
		f.refuse(ctx, f.prompts.NoCall, why)
		return
	}
	f.entry.Outcome = string(op)
	f.s.env.journal(f.entry)
}

func (f *facCall) initiate(ctx context.Context, p policy.FAC) {
	switch p.Special {
	case "retrieve":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec && c.held })
		if len(calls) == 0 {
			f.noCall(ctx, "no held call of "+p.Executive, func(c LiveCall) bool { return c.Executive == p.Executive && c.Held })
			return
		}
		f.join(ctx, calls[0], opTake)
		return
	case "bridge":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec })
		if len(calls) == 0 {
			f.noCall(ctx, "no answered call of "+p.Executive, func(c LiveCall) bool {
				return c.Executive == p.Executive && (c.State == "executive" || c.State == "bridged")
			})
			return
		}
		f.join(ctx, calls[0], opJoin)
		return
	}
	f.placeCall(ctx, f.cfg.User(p.Executive), p.Endpoint, p.Destination)
}

// placeCall rings the destination with the executive's caller ID while the assistant
// hears ringing; on answer the two are bridged and the call is an executive call.
func (f *facCall) placeCall(ctx context.Context, e *config.User, endpoint, dest string) {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	_ = cli.Channel().Ring(ctx, me.Key())
	num := e.Extension
	if len(e.Numbers) > 0 {
		num = e.Numbers[0]
	}
	legID := me.ID + "-" + s.id + "-dest"
	// The destination sees the executive, not the assistant.
	err := createLeg(ctx, cli, s.id, outgoingLeg{id: legID, endpoint: endpoint, originator: me.ID, shownName: e.Name, shownNum: num})
	if err != nil {
		f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable: "+err.Error())
		return
	}
	f.destLeg = legID
	legKey := ari.NewKey(ari.ChannelKey, legID)
	for {
		msg := s.next()
		if msg == nil {
			_ = cli.Channel().Hangup(ctx, legKey, "normal")
			return
		}
		em, ok := msg.(eventMsg)
		if !ok {
			switch m := msg.(type) {
			case control:
				m.reply <- refusal("the call is not answered yet")
			case resyncNeeded:
				if f.gone(ctx) {
					s.release(ctx, legID, "normal")
					f.entry.Outcome = "caller-hung-up"
					s.env.journal(f.entry)
					return
				}
				if d, err := cli.Channel().Data(ctx, legKey); errors.Is(err, ari.ErrNotFound) {
					f.refuse(ctx, f.prompts.NotAllowed, "destination did not answer")
					return
				} else if err == nil && d.State == "Up" {
					f.connectInitiated(ctx, e, legID, dest)
					return
				}
			}
			continue
		}
		id := ari.ChannelID(em.Event)
		switch m := em.Event.(type) {
		case *ari.StasisStart:
			if m.Channel.ID == legID {
				if err := cli.Channel().Dial(ctx, legKey, "", 60*time.Second); err != nil {
					f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable")
					return
				}
			}
		case *ari.ChannelStateChange:
			if id == legID && m.Channel.State == "Up" {
				f.connectInitiated(ctx, e, legID, dest)
				return
			}
		case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
			if id == me.ID {
				_ = cli.Channel().Hangup(ctx, legKey, "normal")
				f.entry.Outcome = "caller-hung-up"
				s.env.journal(f.entry)
				return
			}
			if id == legID {
				f.refuse(ctx, f.prompts.NotAllowed, "destination did not answer")
				return
			}
		}
	}
}

func (f *facCall) connectInitiated(ctx context.Context, e *config.User, legID, dest string) {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	answeredAt := s.env.clock.Now()
	s.env.registry.set(execCall{owner: s.ref(), exec: e.Extension, assistant: s.facUser, device: me.Device(), answeredAt: answeredAt,
		callerNumber: dest, arrived: s.began, answeredBy: s.facUser})
	bridge, err := connectCall(ctx, cli, me.ID, legID, false)
	if err != nil {
		s.log.Warn().Err(err).Msg("could not connect the call placed as the executive")
		s.env.registry.remove(s)
		s.release(ctx, legID, "normal")
		s.release(ctx, me.ID, "normal")
		if bridge != nil {
			_ = cli.Bridge().Delete(ctx, bridge)
		}
		return
	}
	f.entry.Outcome, f.entry.AnsweredBy = "initiated", dest
	s.env.journal(f.entry)
	first := &party{id: me.ID, role: roleAssistant, who: f.s.facUser, device: me.Device()}
	remote := party{id: legID, role: roleRemote, number: dest}
	f.next = newConversation(s, f.cfg, e, bridge, remote, first, me.ID, answeredAt)
}
