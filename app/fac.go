package app

import (
	"context"
	"errors"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// facCall is a feature access code dialled from a desk phone:
// Stasis(execassist,fac,<digits>). The caller's device (the channel name up to the last
// '-') says who dialled it. Every FAC ends with a confirmation or a refusal that says
// why (the announcing state), except retrieve and bridge, whose caller joins the call.
// Missing digits are collected first (the collecting state); #64 rings its destination
// (placing) and then is a call like any other (talking).
type facCall struct {
	digits   string
	s        *session
	cfg      *config.Config
	prompts  config.Prompts
	log      zerolog.Logger
	entry    *store.JournalEntry // the session's record
	answered bool
	parsed   policy.FAC
	rounds   int // digit collections so far (an executive, then a destination)
}

func newFACCall(ev *ari.StasisStart) state {
	f := &facCall{}
	if len(ev.Args) > 1 {
		f.digits = ev.Args[1]
	}
	return f
}

// FilteringDevice is the Stasis: device state a BLF key watches for an executive's
// filtering (INUSE = on).
func FilteringDevice(exec string) string { return "Stasis:execassist-filter-" + exec }

// handle takes the FAC's StasisStart: the digits are parsed and, when complete, acted
// on; missing ones are prompted for.
func (f *facCall) handle(ctx context.Context, s *session, _ message) state {
	f.s = s
	s.own(s.start.Channel.ID)
	f.cfg = s.env.settings.Snapshot().Config
	f.prompts = f.cfg.EffectivePrompts()
	ch := s.start.Channel
	f.log = s.log.With().Str("device", ch.Device()).Logger()
	f.entry = s.begin(recordFAC, "", ch.Device())
	return f.parse(ctx)
}

// parse reads the digits dialled so far: missing ones (an executive, then for #64 a
// destination) are prompted for twice at most; complete ones are acted on.
func (f *facCall) parse(ctx context.Context) state {
	p := policy.ParseFAC(f.cfg, f.s.start.Channel.Device(), f.digits)
	f.parsed = p
	if p.Need != "" && p.Refused == "" && f.rounds < 2 {
		f.rounds++
		prompt := f.prompts.EnterExecutive
		if p.Need == "destination" {
			prompt = f.prompts.EnterNumber
		}
		return f.collect(ctx, prompt)
	}
	return f.act(ctx)
}

// noDigits: the caller entered nothing (or hung up) when prompted.
func (f *facCall) noDigits(ctx context.Context) state {
	f.entry.Decision = f.parsed.Code
	return f.refuse(ctx, f.prompts.Invalid, "no "+f.parsed.Need+" entered")
}

// act does what the complete digits ask.
func (f *facCall) act(ctx context.Context) state {
	s, p := f.s, f.parsed
	f.entry.Decision, f.entry.Executive, f.entry.Reasons = p.Code, p.Executive, p.Reasons
	switch {
	case p.Refused != "":
		return f.refuse(ctx, f.refusalPrompt(p.Refusal), p.Refused)
	case p.Need != "":
		return f.refuse(ctx, f.prompts.Invalid, "no "+p.Need+" entered")
	}
	s.facUser = p.User
	switch p.Code {
	case "filtering_on", "filtering_off":
		return f.filtering(ctx, p.Code == "filtering_on", p.Executive)
	case "opt_in", "opt_out":
		in := p.Code == "opt_in"
		if err := s.env.settings.SetOptIn(p.User, p.Executive, in); err != nil {
			return f.notSaved(ctx, err)
		}
		return f.confirm(ctx, f.prompts.Confirm, map[bool]string{true: "opted-in", false: "opted-out"}[in])
	case "availability":
		var a *config.Availability
		if p.Status != config.Available {
			a = &config.Availability{Status: p.Status}
			if p.Minutes > 0 {
				until := s.env.clock.Now().Add(time.Duration(p.Minutes) * time.Minute).UTC()
				a.Until = &until
			}
		}
		if err := s.env.settings.SetAvailability(p.Executive, a); err != nil {
			return f.notSaved(ctx, err)
		}
		return f.confirm(ctx, f.prompts.Confirm, map[bool]string{true: "available", false: "status-set"}[a == nil])
	case "push":
		return f.push(ctx)
	case "voicemail":
		return f.voicemail(ctx)
	case "intercom":
		return f.intercom(ctx, p)
	case "retrieve", "bridge":
		calls := s.env.registry.find(func(c execCall) bool {
			return c.exec == p.Executive && c.assistant != "" && (p.Assistant == "" || c.assistant == p.Assistant)
		})
		if len(calls) == 0 {
			return f.noCall(ctx, "no call of "+p.Executive+" at an assistant", func(c LiveCall) bool {
				return c.Executive == p.Executive && c.Assistant != "" && (p.Assistant == "" || c.Assistant == p.Assistant)
			})
		}
		if p.Code == "retrieve" {
			return f.join(ctx, calls[0], "retrieve", f.moveTo(roleExecutive))
		}
		return f.join(ctx, calls[0], "bridge", f.joinAs(roleExecutive))
	case "initiate":
		return f.initiate(ctx, p)
	}
	return f.refuse(ctx, f.prompts.Invalid, "unknown feature code")
}

// stopping: a FAC caller has nowhere else to go (the dialplan hangs up after it); the
// teardown releases it.
func (f *facCall) stopping(context.Context, *session) {}

// failOpen: as stopping.
func (f *facCall) failOpen(context.Context, *session, string) {}

// refusalPrompt is the announcement for a kind of refusal (policy.Refused*).
func (f *facCall) refusalPrompt(kind string) string {
	switch kind {
	case policy.RefusedInvalid:
		return f.prompts.Invalid
	case policy.RefusedNotInPool:
		return f.prompts.NotInPool
	case policy.RefusedDestination:
		return f.prompts.DestinationNotPermitted
	case policy.RefusedNoCall:
		return f.prompts.NoCall
	}
	return f.prompts.NotAllowed
}

func (f *facCall) refuse(ctx context.Context, prompt, why string) state {
	f.log.Info().Str("digits", f.digits).Str("why", why).Msg("FAC refused")
	f.entry.Outcome = "refused"
	f.entry.Reasons = append(f.entry.Reasons, why)
	return f.announce(ctx, prompt)
}

func (f *facCall) confirm(ctx context.Context, prompt, outcome string) state {
	f.log.Info().Str("digits", f.digits).Str("outcome", outcome).Msg("FAC done")
	f.entry.Outcome = outcome
	return f.announce(ctx, prompt)
}

// notSaved refuses a FAC whose change the store did not take: "try again later" when
// the shared store is unreachable (the change can be made again then).
func (f *facCall) notSaved(ctx context.Context, err error) state {
	prompt := f.prompts.NotAllowed
	if errors.Is(err, store.ErrUnavailable) {
		prompt = f.prompts.Unavailable
	}
	return f.refuse(ctx, prompt, "not saved: "+err.Error())
}

// noCall refuses a FAC that found no call here: naming the node when the call it
// meant is on another one (elsewhere matches it), "no call" otherwise.
func (f *facCall) noCall(ctx context.Context, why string, elsewhere func(LiveCall) bool) state {
	if node := f.s.env.elsewhere(elsewhere); node != "" {
		return f.refuse(ctx, otherNodePrompt(f.prompts.OtherNode, node), why+" here: the call is on node "+node)
	}
	return f.refuse(ctx, f.prompts.NoCall, why)
}

func (f *facCall) filtering(ctx context.Context, on bool, exec string) state {
	if err := f.s.env.settings.SetFiltering(exec, on); err != nil {
		return f.notSaved(ctx, err)
	}
	state, prompt := "NOT_INUSE", f.prompts.FilteringOff
	if on {
		state, prompt = "INUSE", f.prompts.FilteringOn
	}
	if err := f.s.env.cli.DeviceState().Update(ctx, FilteringDevice(exec), state); err != nil {
		f.log.Warn().Err(err).Msg("BLF device state not updated")
	}
	return f.confirm(ctx, prompt, map[bool]string{true: "filtering-on", false: "filtering-off"}[on])
}
