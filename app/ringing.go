package app

// The states of a filtered call before it is answered: ringing (assistants and
// screening locations alerted, the rollover timer armed) and forwarding (the rollover
// rings its forward number).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/execassist/execassist/ari"
)

// ringing: the call's legs are alerting; the first to answer wins.
type ringing struct{ *incomingCall }

func (r *ringing) handle(ctx context.Context, _ *session, m message) state {
	next := r.on(ctx, m)
	if n, ok := next.(*ringing); ok {
		n.publish()
	}
	return next
}

// publish shows the ringing call in the registry (status, the API's live calls).
func (r *ringing) publish() { r.s.env.registry.set(r.published()) }

func (r *ringing) on(ctx context.Context, m message) state {
	c := r.incomingCall
	switch m := m.(type) {
	case timerFired:
		if m.name == timerRollover {
			return c.rollover(ctx, "no answer within "+c.dec.Rollover.After.String())
		}
		return r
	case voicemailRequest:
		m.answer(nil)
		return c.toVoicemail(ctx, m.by)
	case answerRequest:
		m.answer(c.answerAtPhone(ctx, m.by))
		return c.checkExhausted(ctx)
	case request:
		m.answer(refusal("the call is not answered yet"))
		return r
	case resyncNeeded:
		return r.resync(ctx)
	}
	e := eventOf(m)
	if next, done := c.fromCaller(ctx, e, r); done {
		return next
	}
	l := c.legs[ari.ChannelID(e)]
	if l == nil {
		return r
	}
	c.s.log.Debug().Str("leg", l.id).Str("event", e.Header().Type).Bool("gone", l.gone).Msg("leg event")
	switch ev := e.(type) {
	case *ari.StasisStart:
		if err := c.cli.Channel().Dial(ctx, ari.NewKey(ari.ChannelKey, l.id), "", c.legTimeout(l)); err != nil {
			c.s.log.Info().Err(err).Str("leg", l.id).Msg("dial failed")
			return c.legGone(ctx, l)
		}
	case *ari.ChannelStateChange:
		if ev.Channel.State == "Up" && !l.gone {
			return c.answered(ctx, l)
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		return c.legGone(ctx, l)
	}
	return r
}

// answerAtPhone: by answers from the console the call ringing at their phone. Their
// ringing legs give way to one leg, to the first of them, carrying the auto-answer
// header; the phone answers it by itself and that answer connects the call as any
// answer does. The new leg is made before the old ones are released, so the pool is
// never seen exhausted in between.
func (c *incomingCall) answerAtPhone(ctx context.Context, by string) error {
	var mine []*leg
	for _, l := range c.legs {
		if !l.gone && l.kind == legAssistant && l.target.Who == by {
			mine = append(mine, l)
		}
	}
	if len(mine) == 0 {
		return refusal("the call is not ringing at your phone")
	}
	slices.SortFunc(mine, func(a, b *leg) int { return strings.Compare(a.id, b.id) })
	l := c.newLeg(mine[0].target, legAssistant, mine[0].endpoint)
	l.autoAnswer = true
	if err := c.create(ctx, l); err != nil {
		l.gone = true
		c.s.release(ctx, l.id, "normal")
		return fmt.Errorf("ringing %s to answer: %w", l.endpoint, err)
	}
	for _, old := range mine {
		c.hangup(ctx, old, "normal")
	}
	c.s.step("answered from the console", by)
	return nil
}

// resync re-reads the caller and the legs after events may have been lost: a caller
// gone, a leg gone or a leg answered during the outage is acted on now.
func (r *ringing) resync(ctx context.Context) state {
	c := r.incomingCall
	if c.callerGone(ctx) {
		return c.finish(ctx, "caller-hung-up")
	}
	var next state = r
	for _, l := range c.legs {
		if l.gone {
			continue
		}
		d, err := c.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, l.id))
		switch {
		case errors.Is(err, ari.ErrNotFound):
			next = c.legGone(ctx, l)
		case err == nil && d.State == "Up":
			return c.answered(ctx, l)
		}
		if next != state(r) {
			return next
		}
	}
	return next
}

// forwarding: the rollover rings the forward number; the other legs are released.
type forwarding struct{ *incomingCall }

func (f *forwarding) handle(ctx context.Context, _ *session, m message) state {
	c := f.incomingCall
	switch m := m.(type) {
	case answerRequest:
		m.answer(refusal("the call is ringing at the forward number now"))
		return f
	case request:
		m.answer(refusal("the call is not answered yet"))
		return f
	case resyncNeeded:
		return f.resync(ctx)
	case timerFired:
		return f
	}
	e := eventOf(m)
	if next, done := c.fromCaller(ctx, e, f); done {
		return next
	}
	l := c.legs[ari.ChannelID(e)]
	switch {
	case l == nil:
		return f
	case l.kind != legForward:
		if _, late := e.(*ari.StasisStart); late {
			c.hangup(ctx, l, "normal") // a leg created just before the rollover
		}
		c.forgetLeg(l, e)
		return f
	}
	switch ev := e.(type) {
	case *ari.StasisStart:
		if err := c.cli.Channel().Dial(ctx, ari.NewKey(ari.ChannelKey, l.id), "", c.legTimeout(l)); err != nil {
			c.s.log.Info().Err(err).Str("leg", l.id).Msg("dial failed")
			return c.forwardFailed(ctx)
		}
	case *ari.ChannelStateChange:
		if ev.Channel.State == "Up" && !l.gone {
			return c.answered(ctx, l)
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		c.forgetLeg(l, e)
		return c.forwardFailed(ctx)
	}
	return f
}

func (f *forwarding) resync(ctx context.Context) state {
	c := f.incomingCall
	if c.callerGone(ctx) {
		return c.finish(ctx, "caller-hung-up")
	}
	for _, l := range c.legs {
		if l.gone || l.kind != legForward {
			continue
		}
		d, err := c.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, l.id))
		switch {
		case errors.Is(err, ari.ErrNotFound):
			l.gone = true
			c.s.forgotten(l.id)
			return c.forwardFailed(ctx)
		case err == nil && d.State == "Up":
			return c.answered(ctx, l)
		}
	}
	return f
}

// callerGone asks Asterisk whether the caller has hung up (after events were lost).
func (c *incomingCall) callerGone(ctx context.Context) bool {
	_, err := c.cli.Channel().Data(ctx, c.caller.Key())
	return errors.Is(err, ari.ErrNotFound)
}

// fromCaller handles an event of the caller's channel (done: it was one): the caller
// leaving ends the call.
func (c *incomingCall) fromCaller(ctx context.Context, e ari.Event, cur state) (next state, done bool) {
	if ari.ChannelID(e) != c.caller.ID {
		return cur, false
	}
	if callerLeft(e) {
		return c.finish(ctx, "caller-hung-up"), true
	}
	return cur, true
}
