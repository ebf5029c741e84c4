package app

// Alerting the executive first: the executive's own phones ring alone for a while,
// then the assistants are alerted too (Wazo's "boss first" strategies).

import (
	"context"

	"github.com/execassist/execassist/ari"
)

// executiveFirst: only the executive's phones ring. When alerting.executive_for has
// passed, or none of the executive's phones rings any more (declined, unreachable), the
// assistants are alerted as the pool's mode says and the call is ringing; the
// executive's phones go on ringing with them. The rollover counts from the call's
// arrival, as always.
type executiveFirst struct{ *ringing }

func (x *executiveFirst) handle(ctx context.Context, s *session, m message) state {
	c := x.incomingCall
	switch m := m.(type) {
	case timerFired:
		if m.name == timerPool {
			return x.alertThePool(ctx, "the executive did not answer within "+c.dec.ExecutiveFirstFor.String())
		}
	case answerRequest:
		m.answer(refusal("the call rings the executive alone for now"))
		return x
	case resyncNeeded:
		// Events may be lost: alert the pool now rather than miss an executive leg's end.
		x.s.cancel(timerPool)
		return x.alertThePool(ctx, "events were lost").handle(ctx, s, m)
	case eventMsg:
		if l := c.legs[ari.ChannelID(m.Event)]; l != nil && legEnded(m.Event) {
			c.forgetLeg(l, m.Event)
			if !c.anyLive(legScreening) {
				x.s.cancel(timerPool)
				return x.alertThePool(ctx, "none of the executive's phones rings any more")
			}
			return x
		}
	}
	next := x.ringing.on(ctx, m)
	if r, ok := next.(*ringing); ok && r.incomingCall == c { // still the executive alone
		x.publish()
		return x
	}
	return next
}

// alertThePool alerts the assistants; the call is ringing from now on.
func (x *executiveFirst) alertThePool(ctx context.Context, why string) state {
	c := x.incomingCall
	c.dec.Reasons = append(c.dec.Reasons, "assistants alerted: "+why)
	c.alertPool(ctx)
	next := c.checkExhausted(ctx)
	if r, ok := next.(*ringing); ok {
		r.publish()
	}
	return next
}

// legEnded: the event ends a leg's channel (as far as the call is concerned).
func legEnded(e ari.Event) bool {
	switch e.(type) {
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		return true
	}
	return false
}

// anyLive reports whether a leg of kind still rings.
func (c *incomingCall) anyLive(kind legKind) bool {
	for _, l := range c.legs {
		if l.kind == kind && !l.gone {
			return true
		}
	}
	return false
}
