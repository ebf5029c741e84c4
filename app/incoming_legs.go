package app

// Alerting a filtered call: the legs to the assistants and screening locations, in
// parallel or one target at a time.

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/policy"
)

// alert rings the caller back, arms the rollover and creates the first legs.
func (c *incomingCall) alert(ctx context.Context) state {
	if err := c.cli.Channel().Ring(ctx, c.caller.Key()); err != nil && ari.IsGone(err) {
		return c.finish(ctx, "caller-hung-up")
	}
	if ro := c.dec.Rollover; ro.Enabled {
		c.s.after(ro.After, timerRollover)
	}
	if len(c.dec.Screening) > 0 {
		c.startTargets(ctx, c.dec.Screening, legScreening)
	}
	if len(c.dec.ExecutivePhones) > 0 {
		rung := c.startTargets(ctx, c.dec.ExecutivePhones, legScreening)
		if c.dec.ExecutiveAlerting == "first" && rung > 0 && !c.setupExpired() {
			c.s.after(c.dec.ExecutiveFirstFor, timerPool)
			c.markAlerted(ctx)
			return &executiveFirst{&ringing{c}}
		}
	}
	c.alertPool(ctx)
	if c.setupExpired() {
		return &ringing{c} // legs failed for our lateness, not the assistants': the caller is continued
	}
	c.markAlerted(ctx)
	return c.checkExhausted(ctx)
}

// alertPool creates the assistants' legs: all at once, or the first of a sequence.
func (c *incomingCall) alertPool(ctx context.Context) {
	if c.dec.Mode == "sequential" {
		c.startStep(ctx)
	} else {
		c.startTargets(ctx, c.dec.Assistants, legAssistant)
	}
}

// markAlerted: the call is alerting; its CDR says it was forwarded (to a divert too).
func (c *incomingCall) markAlerted(ctx context.Context) {
	c.s.markCDR(ctx, reasonForwarded, c.caller.ID)
	for _, t := range c.dec.Assistants {
		if t.Location == "divert" {
			c.s.markCDR(ctx, reasonDivert, c.caller.ID)
		}
	}
	phase("alerted", c.exec)
}

// startStep alerts the current sequential assistant; a target whose legs all fail at
// once (busy, unreachable) moves on to the next one.
func (c *incomingCall) startStep(ctx context.Context) {
	for c.step < len(c.dec.Assistants) {
		if c.startTargets(ctx, c.dec.Assistants[c.step:c.step+1], legAssistant) > 0 {
			return
		}
		c.step++
	}
}

// startTargets creates the legs of several targets at once (in parallel: a fork's
// legs should ring together) and returns how many were created.
func (c *incomingCall) startTargets(ctx context.Context, targets []policy.Target, kind legKind) int {
	var legs []*leg
	for _, t := range targets {
		c.tried = append(c.tried, t.Who+"@"+t.Location)
		for _, ep := range t.Endpoints {
			legs = append(legs, c.newLeg(t, kind, ep))
		}
	}
	errs := make([]error, len(legs))
	if len(legs) == 1 {
		errs[0] = c.create(ctx, legs[0])
	} else {
		var wg sync.WaitGroup
		for i, l := range legs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = c.create(ctx, l) }()
		}
		wg.Wait()
	}
	n := 0
	for i, l := range legs {
		if errs[i] == nil {
			n++
			continue
		}
		l.gone = true
		var ae *ari.Error
		if errors.As(errs[i], &ae) {
			c.s.forgotten(l.id) // Asterisk refused it: there is no channel
		} else {
			c.s.release(ctx, l.id, "normal") // no answer from Asterisk: the leg may exist; make sure not
		}
		c.s.log.Info().Err(errs[i]).Str("endpoint", l.endpoint).Str("who", l.target.Who).Msg("leg could not be created; moving on")
	}
	return n
}

// newLeg registers a leg under the channel id we give it, before it exists, so its
// StasisStart (which may beat the create response) finds it; the call holds it from
// then on.
func (c *incomingCall) newLeg(t policy.Target, kind legKind, endpoint string) *leg {
	c.nextLeg++
	l := &leg{id: c.caller.ID + "-" + c.s.id + "-" + strconv.Itoa(c.nextLeg), target: t, kind: kind, endpoint: endpoint}
	c.legs[l.id] = l
	c.s.own(l.id)
	return l
}

// create asks Asterisk for the leg; safe to run in parallel (it reads only l and c.dec).
// Assistants see the caller ID the executive's settings compose; the far end of a
// forward sees the original caller.
func (c *incomingCall) create(ctx context.Context, l *leg) error {
	out := outgoingLeg{id: l.id, endpoint: l.endpoint, originator: c.caller.ID,
		shownName: c.dec.CallerIDName, shownNum: c.dec.CallerIDNumber, alertInfo: l.target.AlertInfo}
	if l.autoAnswer {
		out.header = autoAnswerFor(c.cfg, l.endpoint)
	}
	if l.kind == legForward {
		out.shownName, out.shownNum, out.alertInfo = c.caller.Caller.Name, c.caller.Caller.Number, ""
	}
	if c.setupCtx != nil {
		ctx = c.setupCtx
	}
	return createLeg(ctx, c.cli, c.s.id, out)
}

// legTimeout bounds every leg's dial so nothing rings forever if execassist dies.
func (c *incomingCall) legTimeout(l *leg) time.Duration {
	if l.kind == legForward && c.dec.ElsewhereAction != "" {
		return availabilityForwardFor
	}
	if l.kind == legAssistant && c.dec.Mode == "sequential" {
		return time.Duration(c.dec.RingsPerAssistant) * c.dec.RingDuration
	}
	if c.dec.Rollover.Enabled {
		return c.dec.Rollover.After + 5*time.Second
	}
	return 0
}

// legGone: a ringing leg ended unanswered; a sequential pool moves on, an exhausted one
// rolls over.
func (c *incomingCall) legGone(ctx context.Context, l *leg) state {
	if l.gone {
		return &ringing{c}
	}
	l.gone = true
	c.s.forgotten(l.id)
	if l.kind == legAssistant && c.dec.Mode == "sequential" && !c.targetAlive(c.step) {
		c.step++
		c.startStep(ctx)
	}
	return c.checkExhausted(ctx)
}

// forgetLeg: e ended leg l, which was released already or is not wanted any more.
func (c *incomingCall) forgetLeg(l *leg, e ari.Event) {
	switch e.(type) {
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		l.gone = true
		c.s.forgotten(l.id)
	}
}

// targetAlive reports whether the sequential step still has a live leg.
func (c *incomingCall) targetAlive(step int) bool {
	if step >= len(c.dec.Assistants) {
		return false
	}
	who := c.dec.Assistants[step].Who
	for _, l := range c.legs {
		if l.kind == legAssistant && l.target.Who == who && !l.gone {
			return true
		}
	}
	return false
}

// checkExhausted rolls over when no assistant is left to alert.
func (c *incomingCall) checkExhausted(ctx context.Context) state {
	for _, l := range c.legs {
		if l.kind == legAssistant && !l.gone {
			return &ringing{c}
		}
	}
	if c.dec.Mode == "sequential" && c.step < len(c.dec.Assistants) {
		return &ringing{c}
	}
	return c.rollover(ctx, "no assistant left to alert")
}

func (c *incomingCall) hangup(ctx context.Context, l *leg, reason string) {
	l.gone = true
	c.s.release(ctx, l.id, reason)
}

// releaseLegs hangs up every leg still ringing.
func (c *incomingCall) releaseLegs(ctx context.Context) {
	c.s.cancel(timerRollover)
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
}
