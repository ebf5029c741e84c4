package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/policy"
)

// ErrNoSuchCall means the call has ended (or never was one of ours).
var ErrNoSuchCall = errors.New("no such live call")

// Retrieve rings the executive's phones for the live call id, which is at an
// assistant; when one answers it joins the call and the assistant is released (the
// API's counterpart of *11, which needs the executive to dial from the phone).
func (a *App) Retrieve(id string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	devs := a.devicesOf(c.exec)
	return ask(c, func(r replyTo) request {
		return ringRequest{replyTo: r, then: ringRetrieve, as: roleExecutive, by: c.exec, devices: devs}
	}, a.stopped)
}

// Bridge rings the phones of user by (the executive, or an assistant of the pool) for
// the live call id; when one answers it joins the call with the warning tone, as *15.
func (a *App) Bridge(id, by string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	role := roleAssistant
	if by == c.exec {
		role = roleExecutive
	}
	devs := a.devicesOf(by)
	if len(devs) == 0 {
		return errors.New(by + " has no phone to ring")
	}
	return ask(c, func(r replyTo) request {
		return ringRequest{replyTo: r, then: ringBridge, as: role, by: by, devices: devs}
	}, a.stopped)
}

func (a *App) devicesOf(ext string) []string {
	if a.store == nil {
		return nil
	}
	if u := a.store.Snapshot().Config.User(ext); u != nil {
		return u.Devices
	}
	return nil
}

func (a *App) liveCall(id string) (execCall, error) {
	if c, ok := a.registry.byID(id); ok {
		return c, nil
	}
	if a.store != nil {
		for _, c := range remoteCalls(a.store) {
			if c.ID == id {
				return execCall{}, &OtherNodeError{Call: id, Node: c.Node}
			}
		}
	}
	return execCall{}, ErrNoSuchCall
}

// Push asks the session owning the live call id to push it to the executive, as #63
// from the assistant's phone does: the remote party hears music on hold, the
// executive's phones ring, and the call returns to the assistant if nobody answers.
func (a *App) Push(id string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	if c.assistant == "" {
		return errors.New("the call is not at an assistant")
	}
	return ask(c, func(r replyTo) request { return pushRequest{replyTo: r, device: c.device} }, a.stopped)
}

// InitiateRefused is why Initiate did not ring the asker: the same refusal a #64 dialled
// from the asker's phone would announce (Kind is one of policy.Refused*).
type InitiateRefused struct {
	Kind, Why string
}

func (e *InitiateRefused) Error() string { return e.Why }

// Initiate places a call as the executive for assistant by, from the API: the
// assistant's phone (device, or their first) rings first; when they answer, the call
// runs exactly as if they had dialled #64<exec><destination> on it: the same parse and
// calling permissions (checked here too, so the API can refuse before any phone rings),
// the destination sees the executive's caller ID, and the answered call is an executive
// call the assistant can push.
func (a *App) Initiate(ctx context.Context, by, device, exec, destination string) error {
	cfg := a.store.Snapshot().Config
	u := cfg.User(by)
	if u == nil || len(u.Devices) == 0 {
		return &InitiateRefused{Kind: policy.RefusedNotAllowed, Why: by + " has no phone to call from"}
	}
	if device == "" {
		device = u.Devices[0]
	} else if !slices.Contains(u.Devices, device) {
		return &InitiateRefused{Kind: policy.RefusedNotAllowed, Why: device + " is not a phone of " + by}
	}
	digits := cfg.EffectiveCodes().Initiate + exec + destination
	p := policy.ParseFAC(cfg, device, digits)
	switch {
	case p.Refused != "":
		return &InitiateRefused{Kind: p.Refusal, Why: p.Refused}
	case p.Need != "":
		return &InitiateRefused{Kind: policy.RefusedInvalid, Why: "a " + p.Need + " is needed"}
	case p.Special != "":
		return &InitiateRefused{Kind: policy.RefusedInvalid, Why: "retrieve and bridge have their own actions"}
	}
	// The assistant's phone shows whose call it is placing (quotes and angle brackets
	// cannot break out of the caller ID's name).
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"<>\`, r) {
			return -1
		}
		return r
	}, "As "+cfg.User(p.Executive).Name+": "+p.Destination)
	_, err := a.cli.Channel().Originate(ctx, ari.OriginateRequest{Endpoint: device, App: a.cli.ApplicationName(),
		AppArgs: argFAC + "," + digits, CallerID: `"` + name + `" <` + p.Destination + `>`, Timeout: 30})
	if err != nil {
		return fmt.Errorf("ring %s: %w", device, err)
	}
	a.log.Info().Str("by", by).Str("device", device).Str("executive", p.Executive).Str("destination", p.Destination).Msg("call as the executive: ringing the assistant")
	return nil
}

// Intercom rings by's own phone (it answers by itself: by clicked) and, once it is up,
// calls to as #68 <to> does: the other side's phone answers by itself. Refusals are
// the FAC's (to must be in by's pool, or by in to's).
func (a *App) Intercom(ctx context.Context, by, to string) error {
	cfg := a.store.Snapshot().Config
	u := cfg.User(by)
	if u == nil || len(u.Devices) == 0 {
		return &InitiateRefused{Kind: policy.RefusedNotAllowed, Why: by + " has no phone to call from"}
	}
	device := u.Devices[0]
	digits := cfg.EffectiveCodes().Intercom + to
	p := policy.ParseFAC(cfg, device, digits)
	switch {
	case p.Refused != "":
		return &InitiateRefused{Kind: p.Refusal, Why: p.Refused}
	case p.Need != "":
		return &InitiateRefused{Kind: policy.RefusedInvalid, Why: "who to call is needed"}
	}
	vars := map[string]string{}
	if h := autoAnswerFor(cfg, device); h.Name != "" && strings.HasPrefix(device, "PJSIP/") {
		vars["PJSIP_HEADER(add,"+h.Name+")"] = h.Value
	}
	other := cfg.User(p.Destination)
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"<>\`, r) {
			return -1
		}
		return r
	}, "Intercom "+other.Name)
	_, err := a.cli.Channel().Originate(ctx, ari.OriginateRequest{Endpoint: device, App: a.cli.ApplicationName(),
		AppArgs: argFAC + "," + digits, CallerID: `"` + name + `" <` + p.Destination + `>`, Timeout: 30, Variables: vars})
	if err != nil {
		return fmt.Errorf("ring %s: %w", device, err)
	}
	a.log.Info().Str("by", by).Str("device", device).Str("to", p.Destination).Msg("intercom: ringing the asker's phone")
	return nil
}

// Hold puts the far end of the live call id on hold (on) or takes it off, for the
// console: the caller hears music on hold meanwhile.
func (a *App) Hold(id string, on bool) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return ask(c, func(r replyTo) request { return holdRequest{replyTo: r, on: on} }, a.stopped)
}

// Hangup ends the live call id for everyone on it (the console's hang up by user by).
func (a *App) Hangup(id, by string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return ask(c, func(r replyTo) request { return hangupRequest{replyTo: r, by: by} }, a.stopped)
}

// Transfer rings endpoint (a number through the dial gate, shown as number in the
// record) for the live call id; when it answers it joins the call and by leaves it.
func (a *App) Transfer(id, by, endpoint, number string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return ask(c, func(r replyTo) request {
		return transferRequest{replyTo: r, by: by, endpoint: endpoint, number: number}
	}, a.stopped)
}

// Answer answers the live call id, ringing at user by's phone, at that phone: the
// console's answer button (the phone goes off hook by itself, on its speaker).
func (a *App) Answer(id, by string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return ask(c, func(r replyTo) request { return answerRequest{replyTo: r, by: by} }, a.stopped)
}

// Voicemail sends the caller of the live call id to the executive's voice messaging,
// ringing or answered (the console's "send to voicemail" by user by).
func (a *App) Voicemail(id, by string) error {
	c, err := a.liveCall(id)
	if err != nil {
		return err
	}
	return ask(c, func(r replyTo) request { return voicemailRequest{replyTo: r, by: by} }, a.stopped)
}
