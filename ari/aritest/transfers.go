package aritest

import (
	"fmt"
	"strings"
	"time"
)

// BlindTransfer is the transferer's phone sending REFER to exten@context while its
// channel is in an app's bridge, as recorded in
// ari-traces/assistant-phone-blind-transfers-a-bridged-call.jsonl: Asterisk creates
// Local/<exten>@<context>;1, puts it into the bridge's app (StasisStart with empty args
// and replace_channel = the transferer), swaps it into the bridge in the transferer's
// place, emits BridgeBlindTransfer, and the Local channel rings its target (a phone
// registered as Local/<exten>@<context>, answered with Answer). The transferer's
// channel stays in Stasis, out of the bridge, until the app hangs it up (then, as in
// blind-transfer-early-hangup-of-transferer, ChannelHangupRequest and StasisEnd without
// ChannelDestroyed) or Asterisk BYEs its phone 60 s after the REFER.
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
	s.referLocked(t, false)
	return n.id, nil
}

// AttendedTransfer is the transferer's phone completing a consultation transfer, as
// recorded in ari-traces/assistant-phone-attended-transfers-a-bridged-call.jsonl: the
// phone had put the bridged call on hold (Hold) and called targetEndpoint on a second
// line in plain dialplan (not in the app), which answered; it sends REFER with Replaces.
// Asterisk resumes the first leg (ChannelUnhold), links the consultation bridge to the
// app's with a Local/_attended@transfer pair whose ;1 alone enters the app (StasisStart
// with empty args, state Down, replace_channel = the transferer) and takes the
// transferer's place in the bridge, answers it (ChannelStateChange Up, Dial ANSWER) and
// emits BridgeAttendedTransfer (destination_type link). phoneHangsUp is round 1 of the
// trace (pjsua as shipped BYEs the transferred dialog at once: ChannelHangupRequest
// cause 16 and StasisEnd); otherwise Asterisk BYEs it 60 s after the REFER. Neither
// transferer leg ever gets ChannelDestroyed. It returns the ;1 channel's id; the
// target's id is TransferTarget. The target hanging up (Hangup) ends the Local pair.
func (s *Server) AttendedTransfer(transfererID, targetEndpoint string, phoneHangsUp bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, b, transferee, err := s.transferSourceLocked(transfererID)
	if err != nil {
		return "", err
	}
	t.held = false
	s.emitChannel(t, "ChannelUnhold", nil)
	// The consultation call, in plain dialplan: the phone's second line and the target,
	// in a basic bridge of their own (outside the app: no events reach it).
	second := s.newChannelLocked("", strings.SplitN(t.name, "-", 2)[0])
	second.state, second.app = "Up", ""
	target := s.newChannelLocked("", targetEndpoint)
	target.state, target.app = "Up", ""
	if ph, ok := s.endpointFor(targetEndpoint); ok {
		target.phone = ph
		target.caller = callerID{ph.Name, ph.Number}
	}
	consult := &bridge{id: randomID(), typ: "mixing", channels: []string{second.id, target.id}, created: s.clock.Now()}
	// The Local pair that links the two bridges; ;2 stays outside the app.
	l1, l2 := s.attendedPairLocked(t, target, b)
	l2.app = ""
	l1.linked, l2.linked, target.linked = []*channel{l2}, []*channel{target}, []*channel{l2, l1}
	s.swapIntoBridgeLocked(t, l1, b)
	l1.state = "Up"
	s.emitChannel(l1, "ChannelStateChange", nil)
	s.emitDial(l1, "ANSWER")
	secondBridge := consult.snapshot()
	secondBridge.BridgeClass, secondBridge.Creator, secondBridge.VideoMode = "basic", "", "none"
	firstBridge := b.snapshot()
	firstBridge.Channels = append(firstBridge.Channels[:0:0], transferee.id, t.id) // as before the swap
	ev := map[string]any{"type": "BridgeAttendedTransfer", "transferer_first_leg": t.snapshot(),
		"transferer_second_leg": second.snapshot(), "result": "Success", "is_external": false,
		"transfer_target": target.snapshot(), "transferer_first_leg_bridge": firstBridge,
		"transferer_second_leg_bridge": secondBridge, "destination_type": "link",
		"destination_link_first_leg": l1.snapshot(), "destination_link_second_leg": l2.snapshot()}
	if transferee != nil {
		ev["transferee"] = transferee.snapshot()
	}
	s.emitLocked([]string{b.app}, ev)
	delete(s.channels, second.id) // Asterisk BYEs the consultation dialog at once
	s.referLocked(t, phoneHangsUp)
	return l1.id, nil
}

// AttendedTransferInStasis is the same transfer when the consultation call is the
// app's (ari-traces/assistant-phone-attended-transfers-a-bridged-call-consultation-in-stasis):
// consultationID is the transferer phone's second channel, in another bridge of the app
// with the target. Asterisk resumes both transferer legs (ChannelUnhold), then the Local
// pair's ;2 enters the app first (state Up, replace_channel = the consultation channel,
// into its bridge), then ;1 (Down, then Up; replace_channel = the transferer, into the
// first bridge): the app's two bridges stay joined through the pair. The consultation
// channel gets StasisEnd with no ChannelHangupRequest before it (its phone is BYEd at
// once), BridgeAttendedTransfer follows, and the transferer ends as in AttendedTransfer.
// It returns the ;1 and ;2 ids.
func (s *Server) AttendedTransferInStasis(transfererID, consultationID string, phoneHangsUp bool) (link1, link2 string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, b, transferee, err := s.transferSourceLocked(transfererID)
	if err != nil {
		return "", "", err
	}
	c2, b2, target, err := s.transferSourceLocked(consultationID)
	if err != nil {
		return "", "", err
	}
	firstBridge, secondBridge := b.snapshot(), b2.snapshot()
	for _, c := range []*channel{t, c2} {
		c.held = false
		s.emitChannel(c, "ChannelUnhold", nil)
	}
	l1, l2 := s.attendedPairLocked(t, target, b)
	l2.app, l2.inStasis, l2.appName, l2.appData = b2.app, true, "Stasis", b2.app
	l1.linked, l2.linked = []*channel{l2}, []*channel{l1}
	s.swapIntoBridgeLocked(c2, l2, b2)
	s.swapIntoBridgeLocked(t, l1, b)
	l1.state = "Up"
	s.emitChannel(l1, "ChannelStateChange", nil)
	s.emitDial(l1, "ANSWER")
	c2.inStasis, c2.gone = false, true
	s.emitChannel(c2, "StasisEnd", nil) // no ChannelHangupRequest, no ChannelDestroyed
	delete(s.channels, c2.id)
	ev := map[string]any{"type": "BridgeAttendedTransfer", "transferer_first_leg": t.snapshot(),
		"transferer_second_leg": c2.snapshot(), "result": "Success", "is_external": false,
		"transferer_first_leg_bridge": firstBridge, "transferer_second_leg_bridge": secondBridge,
		"destination_type": "link", "destination_link_first_leg": l1.snapshot(), "destination_link_second_leg": l2.snapshot()}
	if target != nil {
		ev["transfer_target"] = target.snapshot()
	}
	if transferee != nil {
		ev["transferee"] = transferee.snapshot()
	}
	s.emitLocked([]string{b.app}, ev)
	s.referLocked(t, phoneHangsUp)
	return l1.id, l2.id, nil
}

// attendedPairLocked creates the Local/_attended@transfer pair Asterisk links two
// bridges with: ;1 goes into the app (b's) in place of transferer t, showing target;
// ;2 is Up on the consultation's side.
func (s *Server) attendedPairLocked(t, target *channel, b *bridge) (l1, l2 *channel) {
	s.nameSeq++
	pair := fmt.Sprintf("Local/_attended@transfer-%08x", s.nameSeq)
	l1 = s.newChannelLocked("", "Local/_attended@transfer")
	l2 = s.newChannelLocked("", "Local/_attended@transfer")
	l1.name, l2.name = pair+";1", pair+";2"
	for _, l := range []*channel{l1, l2} {
		l.protocolID, l.context, l.exten = "", "transfer", "_attended"
	}
	if target != nil {
		l1.caller = target.caller
	}
	l2.caller, l2.state = t.caller, "Up"
	l1.app, l1.inStasis, l1.appName, l1.appData, l1.dialed = b.app, true, "Stasis", b.app, true
	return l1, l2
}

// referLocked: after a REFER the transferer's channel ends without ChannelDestroyed:
// at once when its phone hangs up itself, else by Asterisk's BYE 60 s after the REFER.
func (s *Server) referLocked(t *channel, phoneHangsUp bool) {
	t.referred = true
	if phoneHangsUp {
		s.destroyLocked(t, map[string]any{"cause": 16}, 16, nil)
		return
	}
	s.after(t, 60*time.Second, func() { s.destroyLocked(t, map[string]any{"cause": 16}, 16, nil) })
}

// TransferTarget is the channel an attended transfer's ;1 (linkID) leads to: the target
// phone's, for a test to hang it up.
func (s *Server) TransferTarget(linkID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l1 := s.channels[linkID]; l1 != nil && len(l1.linked) == 1 && len(l1.linked[0].linked) == 1 {
		return l1.linked[0].linked[0].id
	}
	return ""
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
