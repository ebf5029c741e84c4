package app

import (
	"context"
	"strings"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
)

// outgoingLeg is a channel execassist places for a call: an assistant alerted, the
// executive rung for a push, a #64 destination. Every leg enters Stasis with the
// leg,<session> arguments (so its StasisStart finds the call) and shows the called phone
// who is calling through CONNECTEDLINE (the phone displays it while ringing).
type outgoingLeg struct {
	id         string // our channel id: registered before the create, found by its StasisStart
	endpoint   string
	originator string // the channel the leg is placed for (codec and linkedid)
	shownName  string
	shownNum   string
	alertInfo  string           // PJSIP Alert-Info header (distinctive ring), if any
	header     policy.SIPHeader // one more header (auto-answer), if any
}

// createLeg asks Asterisk for the leg. Safe to call from several goroutines at once
// (a fork's legs are created in parallel).
func createLeg(ctx context.Context, cli ari.Client, sessionID string, l outgoingLeg) error {
	vars := map[string]string{"CONNECTEDLINE(name)": l.shownName, "CONNECTEDLINE(num)": l.shownNum}
	if l.alertInfo != "" && strings.HasPrefix(l.endpoint, "PJSIP/") {
		vars["PJSIP_HEADER(add,Alert-Info)"] = l.alertInfo
	}
	if l.header.Name != "" && strings.HasPrefix(l.endpoint, "PJSIP/") {
		vars["PJSIP_HEADER(add,"+l.header.Name+")"] = l.header.Value
	}
	_, err := cli.Channel().Create(ctx, ari.ChannelCreateRequest{Endpoint: l.endpoint, AppArgs: legArgs(sessionID),
		ChannelID: l.id, Originator: l.originator, Variables: vars})
	return err
}

// autoAnswerFor is the header that makes device answer by itself (dialing.auto_answer,
// or its per-device entry); empty when none.
func autoAnswerFor(cfg *config.Config, device string) policy.SIPHeader {
	if name, value, ok := cfg.EffectiveDialing().AutoAnswerFor(device); ok {
		return policy.SIPHeader{Name: name, Value: value}
	}
	return policy.SIPHeader{}
}

// continueTarget is where in the dialplan a rollover sends the caller.
func continueTarget(to policy.RolloverTarget) ari.ContinueTarget {
	return ari.ContinueTarget{Context: to.Context, Extension: to.Extension, Priority: to.Priority, Label: to.Label}
}
