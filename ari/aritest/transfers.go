package aritest

import (
	"fmt"
	"strings"
)

// BlindTransfer is the transferer's phone sending REFER to exten@context while its
// channel is in an app's bridge, as recorded in
// ari-traces/assistant-phone-blind-transfers-a-bridged-call.jsonl: Asterisk creates
// Local/<exten>@<context>;1, puts it into the bridge's app (StasisStart with empty args
// and replace_channel = the transferer), swaps it into the bridge in the transferer's
// place, emits BridgeBlindTransfer, and the Local channel rings its target (a phone
// registered as Local/<exten>@<context>, answered with Answer). The transferer's
// channel stays in Stasis, out of the bridge, until the app hangs it up.
func (s *Server) BlindTransfer(transfererID, context, exten string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, b, transferee, err := s.transferSourceLocked(transfererID)
	if err != nil {
		return "", err
	}
	s.emitChannel(t, "ChannelUnhold", nil) // the phone resumes the call to send REFER
	endpoint := "Local/" + exten + "@" + context
	n := s.newChannelLocked("", endpoint)
	n.name += ";1"
	n.context, n.exten = context, exten
	n.app, n.inStasis, n.appName, n.appData = b.app, true, "Stasis", b.app
	if ph, ok := s.endpointFor(endpoint); ok {
		n.phone = ph
	}
	s.swapIntoBridgeLocked(t, n, b)
	ev := map[string]any{"type": "BridgeBlindTransfer", "channel": t.snapshot(), "exten": exten, "context": context,
		"result": "Success", "is_external": true, "replace_channel": n.snapshot(), "bridge": b.snapshot()}
	if transferee != nil {
		ev["transferee"] = transferee.snapshot()
	}
	s.emitLocked([]string{b.app}, ev)
	if n.phone != nil {
		n.dialed = true // the Local channel's dialplan Dial: Dial events name it as peer
		s.ringPhoneLocked(n, 0)
	}
	return n.id, nil
}

// AttendedTransfer is the transferer's phone completing a consultation transfer: it had
// put the bridged call on hold and called targetEndpoint on a second line (a call
// outside the app), which answered. Asterisk moves the target's channel into the app's
// bridge in the transferer's place (StasisStart with empty args and replace_channel =
// the transferer), the second line ends, and BridgeAttendedTransfer (destination_type
// "bridge") follows. Not recorded from a real Asterisk yet: modelled on the blind
// transfer trace and the event model in ari-api-docs/events.json.
func (s *Server) AttendedTransfer(transfererID, targetEndpoint string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, b, transferee, err := s.transferSourceLocked(transfererID)
	if err != nil {
		return "", err
	}
	second := s.newChannelLocked("", strings.SplitN(t.name, "-", 2)[0])
	second.state = "Up"
	target := s.newChannelLocked("", targetEndpoint)
	target.state = "Up"
	if ph, ok := s.endpointFor(targetEndpoint); ok {
		target.phone = ph
		target.caller = callerID{ph.Name, ph.Number}
	}
	target.app, target.inStasis, target.appName, target.appData = b.app, true, "Stasis", b.app
	s.swapIntoBridgeLocked(t, target, b)
	ev := map[string]any{"type": "BridgeAttendedTransfer", "transferer_first_leg": t.snapshot(),
		"transferer_second_leg": second.snapshot(), "transfer_target": target.snapshot(), "replace_channel": target.snapshot(),
		"result": "Success", "is_external": true, "transferer_first_leg_bridge": b.snapshot(),
		"destination_type": "bridge", "destination_bridge": b.id}
	if transferee != nil {
		ev["transferee"] = transferee.snapshot()
	}
	s.emitLocked([]string{b.app}, ev)
	delete(s.channels, second.id) // the consultation call ends outside the app
	return target.id, nil
}

func (s *Server) transferSourceLocked(transfererID string) (t *channel, b *bridge, transferee *channel, err error) {
	t = s.channels[transfererID]
	if t == nil || t.bridge == "" || s.bridges[t.bridge] == nil {
		return nil, nil, nil, fmt.Errorf("aritest: %s is not in a bridge", transfererID)
	}
	b = s.bridges[t.bridge]
	for _, id := range b.channels {
		if id != t.id {
			transferee = s.channels[id]
			break
		}
	}
	return t, b, transferee, nil
}

// swapIntoBridgeLocked: the new channel enters the app, the transferer leaves the
// bridge and the new channel takes its place, in the order Asterisk emits them.
func (s *Server) swapIntoBridgeLocked(t, n *channel, b *bridge) {
	s.emitLocked([]string{b.app}, map[string]any{"type": "StasisStart", "args": []string{}, "channel": n.snapshot(),
		"replace_channel": t.snapshot()})
	s.leaveBridgeLocked(t)
	n.bridge = b.id
	b.channels = append(b.channels, n.id)
	s.emitLocked(s.bridgeApps(b, n), map[string]any{"type": "ChannelEnteredBridge", "bridge": b.snapshot(), "channel": n.snapshot()})
}
