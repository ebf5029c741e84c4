package app

// Phone transfers of an answered call: Asterisk swaps a new channel into the bridge in
// the transferer's place (see the transfer traces).

import (
	"context"

	"github.com/execassist/execassist/ari"
)

// transferred: a party's phone transferred the call (blind or attended) and Asterisk
// swapped channel n into the bridge in place of replaced. n becomes a party of the call
// (or its remote party, when the remote side transferred), and the transferer's
// channel, now out of the bridge, is released. A transferred-to party is neither the
// assistant nor the executive: #63, *11 and *15 no longer act on the transferer.
func (v *conversation) transferred(ctx context.Context, n ari.ChannelData, replaced string, h handOff) {
	v.gone = append(v.gone, transferRecord{id: replaced, who: v.transferer(replaced)})
	switch p := v.parties[replaced]; {
	case replaced == v.remote.id:
		v.remote = party{id: n.ID, role: roleRemote, name: n.Caller.Name, number: n.Caller.Number}
	case p != nil:
		delete(v.parties, replaced)
		v.parties[n.ID] = &party{id: n.ID, role: roleTransferTarget, device: n.Name, name: n.Caller.Name, number: n.Caller.Number}
	default:
		v.s.log.Warn().Str("channel", n.ID).Str("replaces", replaced).Msg("transfer of a channel not in this call; releasing it")
		v.s.own(n.ID)
		v.hangup(ctx, n.ID)
		return
	}
	v.s.own(n.ID)
	v.s.log.Info().Str("replaced", replaced).Str("by", n.Name).Msg("call transferred by a phone")
	v.hangup(ctx, replaced)
	v.publish(h)
}

// transferRecord remembers who a replaced channel was, for the transfer event that
// follows the swap.
type transferRecord struct{ id, who string }

// transferer names the party whose channel id transferred (or was replaced).
func (v *conversation) transferer(id string) string {
	if p := v.parties[id]; p != nil {
		return p.who
	}
	for _, g := range v.gone {
		if g.id == id {
			return g.who
		}
	}
	if id == v.remote.id {
		return string(roleRemote)
	}
	return id
}
