package app

// pushing: the remote party on hold (music), the executive's phones ringing for a
// push; unanswered, the call rings the assistant again (the recall), until someone
// answers or the caller leaves.

import (
	"context"
	"time"

	"github.com/execassist/execassist/ari"
)

type pushing struct {
	*conversation
	recallTo string // the assistant's device the call returns to
	recallBy string // the assistant who pushed
}

func (p *pushing) handle(ctx context.Context, _ *session, m message) state {
	if next, done := p.common(ctx, p, ringingForPush, m); done {
		return next
	}
	switch m := m.(type) {
	case timerFired:
		if m.name == timerRecall {
			return p.recallNow(ctx)
		}
	case request:
		m.answer(pushingRefusal(m))
	case eventMsg:
		r := p.ringing[ari.ChannelID(m.Event)]
		if r == nil {
			return p
		}
		timeout := time.Duration(0)
		switch {
		case r.joins != "":
			timeout = joinRingTimeout
		case r.role == roleExecutive:
			timeout = p.recallAfter() + 5*time.Second
		}
		var next state = p
		p.ringEvent(ctx, m.Event, r, timeout, func() { next = p.pickedUp(ctx, r) }, func() { next = p.ringFailed(ctx, r) })
		return next
	}
	return p
}

// pushingRefusal: what a request gets while the call is on hold for the executive.
func pushingRefusal(r request) error {
	switch r.(type) {
	case moveRequest:
		return refusal("no call to retrieve")
	case joinRequest:
		return refusal("no answered call to bridge into")
	case ringRequest:
		return refusal("no answered call")
	case holdRequest:
		return refusal("the call is on hold for the executive already")
	case answerRequest:
		return refusal("the call is ringing at the executive's phone now")
	}
	return refusal("no single answered executive call at this device")
}

// ring rings who's devices to take the pushed call; none rung recalls at once.
func (p *pushing) ring(ctx context.Context, role partyRole, who string, devices ...string) state {
	if p.ringLegs(ctx, role, who, "", devices...) == 0 && len(p.ringing) == 0 {
		return p.ringFailed(ctx, &party{role: role})
	}
	return p
}

// pickedUp: the executive (or, on a recall, the assistant) answered: the call is
// theirs, off hold; any other leg still ringing is released.
func (p *pushing) pickedUp(ctx context.Context, r *party) state {
	if r.joins != "" {
		p.joined(ctx, r)
		return p
	}
	if r.role == roleExecutive && p.cfg.ExecutiveSettings(p.exec).AnnouncePush {
		return p.announce(ctx, r)
	}
	return p.connect(ctx, r)
}

// connect: the one who answered takes the call, off hold; any other leg still ringing
// is released.
func (p *pushing) connect(ctx context.Context, r *party) state {
	delete(p.ringing, r.id)
	for id := range p.ringing {
		p.hangup(ctx, id)
		delete(p.ringing, id)
	}
	p.s.cancel(timerRecall)
	p.stopMOH(ctx)
	if err := p.cli.Bridge().AddChannel(ctx, p.bridge, r.id, ari.AddChannelOptions{}); err != nil {
		p.hangup(ctx, r.id)
		return p.ringFailed(ctx, r)
	}
	p.parties[r.id] = r
	p.answered = p.s.env.clock.Now()
	p.publish(settled)
	p.journal("answered after push", r.who)
	return &talking{p.conversation}
}

// ringFailed: a push leg that ends unanswered recalls at once; a recall leg that ends
// rings the assistant again after one ring's pause, the remote party still on hold.
func (p *pushing) ringFailed(ctx context.Context, r *party) state {
	if len(p.ringing) > 0 {
		return p
	}
	if r.role == roleExecutive {
		return p.recallNow(ctx)
	}
	p.s.after(p.cfg.EffectiveDialing().RingDuration.D(), timerRecall)
	return p
}

// recallNow rings the assistant who pushed again.
func (p *pushing) recallNow(ctx context.Context) state {
	p.s.cancel(timerRecall)
	for id := range p.ringing {
		p.hangup(ctx, id)
		delete(p.ringing, id)
	}
	next := p.ring(ctx, roleAssistant, p.recallBy, p.recallTo)
	p.publish(ringingForPush)
	p.journal("recalled", p.recallBy)
	return next
}
