package app

// A leg answered: the first answer wins, the caller is bridged with it and the call
// becomes a conversation.

import (
	"context"

	"github.com/execassist/execassist/ari"
)

// answered: the first answer wins; any later one is released.
func (c *incomingCall) answered(ctx context.Context, l *leg) {
	if l.gone {
		return
	}
	if c.winner != nil || (c.handled && l.kind != "forward") {
		c.hangup(ctx, l, "answered_elsewhere")
		return
	}
	c.winner = l
	c.stopRollover()
	// Known as an executive call from the moment it is answered: a FAC dialled right
	// away finds it, and waits in the mailbox until the call is bridged.
	answeredAt := c.s.env.clock.Now()
	entry := c.published()
	entry.ringing, entry.answeredAt, entry.answeredBy = nil, answeredAt, l.target.Who
	switch l.kind {
	case "assistant":
		entry.assistant, entry.device = l.target.Who, l.endpoint
	case "screening":
		entry.atExec = true
	}
	c.s.env.registry.set(entry)
	var losers []*leg
	for _, other := range c.legs {
		if other != l && !other.gone {
			other.gone = true
			losers = append(losers, other)
		}
	}
	c.handled = true
	// The losers are released while the caller is answered: nobody waits on them.
	for _, other := range losers {
		c.s.release(ctx, other.id, "answered_elsewhere")
	}
	who := l.target.Who
	if l.kind == "screening" {
		who = "executive@" + l.target.Location
	}
	if l.kind == "forward" {
		who = "forward@" + l.endpoint
	}
	bridge, err := connectCall(ctx, c.cli, c.caller.ID, l.id, true)
	c.bridge = bridge
	if err != nil {
		if bridge == nil && ari.IsGone(err) {
			c.callerGone(ctx, "caller-hung-up")
		} else {
			c.bridgeFailed(ctx, l, err)
		}
		return
	}
	after := c.s.env.clock.Now().Sub(c.start)
	c.outcome = "answered"
	if l.kind == "forward" {
		c.outcome = "rollover:forward"
	}
	c.done = true
	c.s.log.Info().Str("executive", c.exec).Str("answered_by", who).Dur("after", after).Msg("call answered")
	c.journal(c.outcome, who, after)
	role := map[string]partyRole{"assistant": roleAssistant, "screening": roleExecutive, "forward": roleForward}[l.kind]
	first := &party{id: l.id, role: role, who: l.target.Who, device: l.endpoint}
	remote := party{id: c.caller.ID, role: roleRemote, name: c.caller.Caller.Name, number: c.caller.Caller.Number}
	c.conv = newConversation(c.s, c.cfg, c.cfg.User(c.exec), c.bridge, remote, first, c.caller.ID, answeredAt)
	c.conv.remoteInDialplan = true
	c.bridge, c.settled = nil, true // the conversation owns them now
}

// bridgeFailed: the caller and the answering leg could not be connected. The caller is
// not dropped: it goes on in the dialplan (the executive's own Dial), the leg and any
// bridge are released, and the journal says so.
func (c *incomingCall) bridgeFailed(ctx context.Context, l *leg, err error) {
	c.s.log.Error().Err(err).Str("leg", l.id).Msg("could not bridge the caller with the answering leg; continuing the caller in the dialplan")
	c.hangup(ctx, l, "normal")
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
	c.winner = nil
	c.s.env.registry.remove(c.s)
	c.dec.Reasons = append(c.dec.Reasons, "bridging failed: "+err.Error())
	c.stopRollover()
	c.settled, c.done = true, true
	continueCaller(ctx, c.cli, c.caller.Key(), c.s.log)
	c.outcome = "bridge-failed:continued"
	c.journal(c.outcome, "", 0)
}
