package app

// How a filtered call ends before it is answered: rollover, the caller gone,
// continued to the executive, overload.

import (
	"context"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/policy"
)

// overload continues a call we cannot set up in time at once (fail open, SPEC 5).
func (c *incomingCall) overload(ctx context.Context, why string) state {
	c.s.log.Warn().Str("executive", c.exec).Str("why", why).Msg("overload: the call continues to the executive")
	c.s.continueCaller(ctx)
	c.dec.Reasons = append(c.dec.Reasons, "overload: "+why)
	c.journal("overload:continued", "", 0)
	c.s.env.setup.continued.Add(1)
	return nil
}

// rollover: nobody answered in time (or nobody is left to alert). The legs are
// released and the caller goes where the executive's rollover says: a forward number
// (rung: the call is forwarding), voice messaging or the executive.
func (c *incomingCall) rollover(ctx context.Context, why string) state {
	c.releaseLegs(ctx)
	action, to := c.dec.Rollover.Action, c.dec.RolloverTo
	c.s.log.Info().Str("executive", c.exec).Str("why", why).Str("action", action).Msg("rollover")
	c.dec.Reasons = append(c.dec.Reasons, "rollover: "+why)
	c.s.markCDR(ctx, reasonRollover, c.caller.ID)
	if to.Endpoint != "" {
		t := policy.Target{Who: "forward", Location: "forward", Endpoints: []string{to.Endpoint}}
		if c.startTargets(ctx, []policy.Target{t}, legForward) == 0 {
			return c.forwardFailed(ctx)
		}
		return &forwarding{c}
	}
	c.continueTo(ctx, to)
	return c.finish(ctx, "rollover:"+action)
}

// continueTo puts the caller back on the dialplan where the decision says; a label
// without a context is at the caller's own extension. An executive with its own mailbox
// has it passed in EXECASSIST_MAILBOX, which the dialplan include gives to VoiceMail.
func (c *incomingCall) continueTo(ctx context.Context, to policy.RolloverTarget) {
	if to.Mailbox != "" {
		if err := c.cli.Channel().SetVariable(ctx, c.caller.Key(), "EXECASSIST_MAILBOX", to.Mailbox); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("mailbox not passed to the dialplan; the executive's extension is used")
		}
	}
	t := continueTarget(to)
	if t.Context == "" {
		t.Context, t.Extension = c.caller.Dialplan.Context, c.caller.Dialplan.Exten
	}
	c.s.continueCaller(ctx, t)
}

// elsewhere: the executive's status (out of office, busy ...) sends the call on at
// once: to voice messaging, or to a forward number (voice messaging if it does not
// answer within availabilityForwardFor).
func (c *incomingCall) elsewhere(ctx context.Context) state {
	c.s.log.Info().Str("executive", c.exec).Str("status", c.dec.Availability.Status).Str("action", c.dec.ElsewhereAction).Msg("the executive's status sends the call on")
	if ep := c.dec.Elsewhere.Endpoint; ep != "" {
		t := policy.Target{Who: "forward", Location: "forward", Endpoints: []string{ep}}
		if c.startTargets(ctx, []policy.Target{t}, legForward) == 0 {
			return c.forwardFailed(ctx)
		}
		return &forwarding{c}
	}
	c.continueTo(ctx, c.dec.Elsewhere)
	return c.finish(ctx, "availability:"+c.dec.ElsewhereAction)
}

// availabilityForwardFor bounds how long a status's forward number rings.
const availabilityForwardFor = 30 * time.Second

// forwardedBy names what forwards the call: the executive's status or the rollover.
func (c *incomingCall) forwardedBy() string {
	if c.dec.ElsewhereAction != "" {
		return "availability"
	}
	return "rollover"
}

// forwardFailed: the forward destination did not answer; voice messaging is the
// safe place for the caller.
func (c *incomingCall) forwardFailed(ctx context.Context) state {
	c.s.log.Info().Str("executive", c.exec).Msg("rollover forward failed; voice messaging instead")
	c.continueTo(ctx, policy.VoicemailTarget(c.cfg.User(c.exec), c.cfg.EffectiveDialing()))
	return c.finish(ctx, c.forwardedBy()+":forward-failed:voice-messaging")
}

// finish records how the call ended; the teardown releases what is left (a caller
// still held is hung up, one continued in the dialplan was handed on).
func (c *incomingCall) finish(_ context.Context, outcome string) state {
	c.journal(outcome, "", 0)
	return nil
}

// normal sends the call on to the executive through the dialplan and journals why.
func (c *incomingCall) normal(ctx context.Context, reason string) state {
	c.s.log.Info().Str("executive", c.exec).Str("reason", reason).Msg("call continues to the executive")
	c.s.continueCaller(ctx)
	c.journal("continued", "", 0)
	return nil
}

// journal puts the decision and how the call came out on its record.
func (c *incomingCall) journal(outcome, answeredBy string, after time.Duration) {
	r := c.s.rec
	r.Decision = "normal"
	switch {
	case c.dec.Filtered:
		r.Decision = "filtered"
	case c.dec.ElsewhereAction != "":
		r.Decision = "availability"
	}
	r.Reasons, r.Legs, r.AnsweredBy, r.AnswerAfter, r.Outcome = c.dec.Reasons, c.tried, answeredBy, after, outcome
}

// toVoicemail sends a ringing caller to the executive's voice messaging at once (the
// console's "send to voicemail" by user by); the legs are released.
func (c *incomingCall) toVoicemail(ctx context.Context, by string) state {
	c.releaseLegs(ctx)
	c.dec.Reasons = append(c.dec.Reasons, "sent to voicemail by "+by)
	c.s.markCDR(ctx, reasonVoicemail, c.caller.ID)
	c.continueTo(ctx, policy.VoicemailTarget(c.cfg.User(c.exec), c.cfg.EffectiveDialing()))
	return c.finish(ctx, "sent-to-voicemail")
}
