package app

// How a filtered call ends: rollover, the caller gone, continued to the executive,
// or taken apart after an error (fail open).

import (
	"context"
	"strings"
	"time"

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/store"
)

// overload continues a call we cannot set up in time at once (fail open, SPEC 5).
func (c *incomingCall) overload(ctx context.Context, why string) {
	c.handled, c.done, c.settled = true, true, true
	c.s.log.Warn().Str("executive", c.exec).Str("why", why).Msg("overload: the call continues to the executive")
	continueCaller(ctx, c.cli, c.s.start.Channel.Key(), c.s.log)
	c.dec.Reasons = append(c.dec.Reasons, "overload: "+why)
	c.overloaded()
}

func (c *incomingCall) overloaded() {
	c.outcome = "overload:continued"
	c.journal(c.outcome, "", 0)
	c.s.env.setup.continued.Add(1)
}

func (c *incomingCall) doRollover(ctx context.Context, why string) {
	c.stopRollover()
	c.handled = true
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	action, to := c.dec.Rollover.Action, c.dec.RolloverTo
	c.s.log.Info().Str("executive", c.exec).Str("why", why).Str("action", action).Msg("rollover")
	c.dec.Reasons = append(c.dec.Reasons, "rollover: "+why)
	if to.Endpoint != "" {
		if !c.createLeg(ctx, policy.Target{Who: "forward", Location: "forward"}, "forward", to.Endpoint) {
			c.forwardFailed(ctx)
		}
		return
	}
	c.continueTo(ctx, to)
	c.finish(ctx, "rollover:"+action)
}

// continueTo puts the caller back on the dialplan where the decision says; a label
// without a context is at the caller's own extension. An executive with its own mailbox
// has it passed in EXECASSIST_MAILBOX, which the dialplan include gives to VoiceMail.
func (c *incomingCall) continueTo(ctx context.Context, to policy.RolloverTarget) {
	c.settled = true
	if to.Mailbox != "" {
		if err := c.cli.Channel().SetVariable(ctx, c.caller.Key(), "EXECASSIST_MAILBOX", to.Mailbox); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("mailbox not passed to the dialplan; the executive's extension is used")
		}
	}
	t := ari.ContinueTarget{Context: to.Context, Extension: to.Extension, Priority: to.Priority, Label: to.Label}
	if t.Context == "" {
		t.Context, t.Extension = c.caller.Dialplan.Context, c.caller.Dialplan.Exten
	}
	continueCaller(ctx, c.cli, c.caller.Key(), c.s.log, t)
}

// forwardFailed: the forward destination did not answer; voice messaging is the
// safe place for the caller.
func (c *incomingCall) forwardFailed(ctx context.Context) {
	c.s.log.Info().Str("executive", c.exec).Msg("rollover forward failed; voice messaging instead")
	c.continueTo(ctx, policy.VoicemailTarget(c.cfg.User(c.exec), c.cfg.EffectiveDialing()))
	c.finish(ctx, "rollover:forward-failed:voice-messaging")
}

func (c *incomingCall) callerGone(ctx context.Context, outcome string) {
	c.finish(ctx, outcome)
}

// finish releases everything and records the outcome; the session ends after it. A
// caller continued into the dialplan (rollover) is left alone; any other is hung up.
func (c *incomingCall) finish(ctx context.Context, outcome string) {
	c.handled, c.settled = true, true
	c.outcome = outcome
	c.cleanup(ctx, !strings.HasPrefix(outcome, "rollover:"))
	c.journal(c.outcome, "", 0)
	c.done = true
}

func (c *incomingCall) cleanup(ctx context.Context, hangCaller bool) {
	c.stopRollover()
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	if hangCaller {
		c.s.release(ctx, c.caller.ID, "normal")
	}
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
}

func (c *incomingCall) hangup(ctx context.Context, l *leg, reason string) {
	l.gone = true
	c.s.release(ctx, l.id, reason)
}

func (c *incomingCall) stopRollover() {
	if c.rollover != nil {
		c.rollover.Stop()
		c.rollover = nil
	}
}

// normal sends the call on to the executive through the dialplan and journals why.
func (c *incomingCall) normal(ctx context.Context, reason string) {
	c.handled, c.done, c.settled = true, true, true
	c.s.log.Info().Str("executive", c.exec).Str("reason", reason).Msg("call continues to the executive")
	continueCaller(ctx, c.cli, c.s.start.Channel.Key(), c.s.log)
	c.outcome = "continued"
	c.journal("continued", "", 0)
}

// failOpen releases every leg and bridge of the call and, unless the caller already went
// on (dialplan, hang-up, conversation), continues it at the next priority: the
// executive's own Dial.
func (c *incomingCall) failOpen(ctx context.Context, s *session, reason string) {
	if c.s == nil {
		c.s, c.cli, c.caller = s, s.env.cli, s.start.Channel
	}
	if c.conv != nil {
		c.conv.failOpen(ctx, s, reason)
		return
	}
	c.releaseLegs(ctx)
	if c.settled {
		return
	}
	c.dec.Filtered = false
	c.dec.Reasons = append(c.dec.Reasons, reason)
	c.normal(ctx, reason)
}

// releaseLegs stops the rollover timer, hangs up every leg, destroys the bridge and
// takes the call off the live list.
func (c *incomingCall) releaseLegs(ctx context.Context) {
	c.stopRollover()
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
	c.s.env.registry.remove(c.s)
}

func (c *incomingCall) journal(outcome, answeredBy string, after time.Duration) {
	decision := "normal"
	if c.dec.Filtered {
		decision = "filtered"
	}
	c.s.env.journal(store.JournalEntry{At: c.s.env.clock.Now(), CallID: c.caller.ID, Kind: "call", Executive: c.exec,
		Caller: c.caller.Caller.Number, Decision: decision, Reasons: c.dec.Reasons, Legs: c.tried,
		AnsweredBy: answeredBy, AnswerAfter: after, Outcome: outcome})
}
