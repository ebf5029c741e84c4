package app

// A leg answered: the first answer wins, the caller is bridged with it and the call is
// talking.

import (
	"context"

	"github.com/execassist/execassist/ari"
)

// answered: l answered first; the other legs are released, the caller is answered and
// bridged with it.
func (c *incomingCall) answered(ctx context.Context, l *leg) state {
	c.s.cancel(timerRollover)
	// Known as an executive call from the moment it is answered: a FAC dialled right
	// away finds it, and waits in the mailbox until the call is bridged.
	answeredAt := c.s.env.clock.Now()
	entry := c.published()
	entry.ringing, entry.answeredAt, entry.answeredBy = nil, answeredAt, l.target.Who
	switch l.kind {
	case legAssistant:
		entry.assistant, entry.device = l.target.Who, l.endpoint
	case legScreening:
		entry.atExec = true
	}
	c.s.env.registry.set(entry)
	// The losers are released while the caller is answered: nobody waits on them.
	for _, other := range c.legs {
		if other != l && !other.gone {
			c.hangup(ctx, other, "answered_elsewhere")
		}
	}
	if l.kind == legAssistant && c.name != "" {
		return c.whisperName(ctx, l)
	}
	return c.connectAnswered(ctx, l)
}

// connectAnswered bridges the caller with the leg that answered: the call is talking.
func (c *incomingCall) connectAnswered(ctx context.Context, l *leg) state {
	answeredAt := c.s.env.clock.Now()
	who := l.target.Who
	switch l.kind {
	case legScreening:
		who = "executive@" + l.target.Location
	case legForward:
		who = "forward@" + l.endpoint
	}
	bridge, err := c.s.connect(ctx, c.caller.ID, l.id, true)
	if err != nil {
		if bridge == nil && ari.IsGone(err) {
			return c.finish(ctx, "caller-hung-up")
		}
		return c.bridgeFailed(ctx, l, err)
	}
	after := c.s.env.clock.Now().Sub(c.start)
	outcome := "answered"
	if l.kind == legForward {
		outcome = c.forwardedBy() + ":forward"
	}
	c.s.log.Info().Str("executive", c.exec).Str("answered_by", who).Dur("after", after).Msg("call answered")
	c.journal(outcome, who, after)
	role := map[legKind]partyRole{legAssistant: roleAssistant, legScreening: roleExecutive, legForward: roleForward}[l.kind]
	first := &party{id: l.id, role: role, who: l.target.Who, device: l.endpoint}
	remote := party{id: c.caller.ID, role: roleRemote, name: c.caller.Caller.Name, number: c.caller.Caller.Number, fromDialplan: true}
	v := newConversation(c.s, c.cfg, c.cfg.User(c.exec), bridge, remote, first, c.caller.ID, answeredAt)
	v.spokenName = c.name
	phase("answered", c.exec)
	return &talking{v}
}

// bridgeFailed: the caller and the answering leg could not be connected. The caller is
// not dropped: it goes on in the dialplan (the executive's own Dial); the teardown
// releases the leg and the bridge, and the journal says so.
func (c *incomingCall) bridgeFailed(ctx context.Context, l *leg, err error) state {
	c.s.log.Error().Err(err).Str("leg", l.id).Msg("could not bridge the caller with the answering leg; continuing the caller in the dialplan")
	c.hangup(ctx, l, "normal")
	c.s.env.registry.remove(c.s)
	c.dec.Reasons = append(c.dec.Reasons, "bridging failed: "+err.Error())
	c.s.continueCaller(ctx)
	c.journal("bridge-failed:continued", "", 0)
	return nil
}

// connect answers the caller and puts it with the answering leg into a new mixing
// bridge the call holds. inhibitLeg keeps the leg's phone from updating the caller's
// connected line (the caller keeps seeing the executive, not the assistant who
// answered). The bridge is returned when it was created, even on error.
func (s *session) connect(ctx context.Context, caller, leg string, inhibitLeg bool) (*ari.Key, error) {
	cli := s.env.cli
	if err := cli.Channel().Answer(ctx, ari.NewKey(ari.ChannelKey, caller)); err != nil {
		return nil, err
	}
	b, err := s.newBridge(ctx, caller)
	if err != nil {
		return nil, err
	}
	if err := cli.Bridge().AddChannel(ctx, b, caller, ari.AddChannelOptions{}); err != nil {
		return b, err
	}
	return b, cli.Bridge().AddChannel(ctx, b, leg, ari.AddChannelOptions{InhibitConnectedLineUpdates: inhibitLeg})
}
