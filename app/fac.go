package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/dialstring"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// facCall is a feature access code dialled from a desk phone:
// Stasis(execassist,fac,<digits>). The caller's device (the channel name up to the last
// '-') says who dialled it. Every FAC ends with a confirmation or a refusal that says
// why, except retrieve and bridge, whose caller joins the call.
type facCall struct {
	digits   string
	s        *session
	cfg      *config.Config
	prompts  config.Prompts
	log      zerolog.Logger
	entry    store.JournalEntry
	answered bool
	digitGen int
	next     behaviour // the conversation of a call placed with #64, once answered
	destLeg  string    // the #64 destination leg while it rings
}

func newFACCall(ev *ari.StasisStart) behaviour {
	f := &facCall{}
	if len(ev.Args) > 1 {
		f.digits = ev.Args[1]
	}
	return f
}

// FilteringDevice is the Stasis: device state a BLF key watches for an executive's
// filtering (INUSE = on).
func FilteringDevice(exec string) string { return "Stasis:execassist-filter-" + exec }

func (f *facCall) run(ctx context.Context, s *session) behaviour {
	f.serve(ctx, s)
	return f.next
}

func (f *facCall) serve(ctx context.Context, s *session) {
	f.s = s
	f.cfg = s.env.settings.Snapshot().Config
	f.prompts = f.cfg.EffectivePrompts()
	ch := s.start.Channel
	f.log = s.log.With().Str("device", ch.Device()).Logger()
	f.entry = store.JournalEntry{At: s.env.clock.Now(), CallID: ch.ID, Kind: "fac", Caller: ch.Device()}
	p := policy.ParseFAC(f.cfg, ch.Device(), f.digits)
	// Missing digits are prompted for: an executive, then (for #64) a destination.
	for tries := 0; p.Need != "" && p.Refused == "" && tries < 2; tries++ {
		prompt := f.prompts.EnterExecutive
		if p.Need == "destination" {
			prompt = f.prompts.EnterNumber
		}
		more, ok := f.collect(ctx, prompt)
		if !ok {
			f.entry.Decision = p.Code
			f.refuse(ctx, f.prompts.Invalid, "no "+p.Need+" entered")
			return
		}
		f.digits += more
		p = policy.ParseFAC(f.cfg, ch.Device(), f.digits)
	}
	f.entry.Decision, f.entry.Executive, f.entry.Reasons = p.Code, p.Executive, p.Reasons
	switch {
	case p.Refused != "":
		f.refuse(ctx, f.refusalPrompt(p.Refusal), p.Refused)
		return
	case p.Need != "":
		f.refuse(ctx, f.prompts.Invalid, "no "+p.Need+" entered")
		return
	}
	s.facUser = p.User
	switch p.Code {
	case "filtering_on", "filtering_off":
		f.filtering(ctx, p.Code == "filtering_on", p.Executive)
	case "opt_in", "opt_out":
		in := p.Code == "opt_in"
		if err := s.env.settings.SetOptIn(p.User, p.Executive, in); err != nil {
			f.notSaved(ctx, err)
			return
		}
		f.confirm(ctx, f.prompts.Confirm, map[bool]string{true: "opted-in", false: "opted-out"}[in])
	case "push":
		f.push(ctx)
	case "retrieve", "bridge":
		calls := s.env.registry.find(func(c execCall) bool {
			return c.exec == p.Executive && c.assistant != "" && (p.Assistant == "" || c.assistant == p.Assistant)
		})
		if len(calls) == 0 {
			f.noCall(ctx, "no call of "+p.Executive+" at an assistant", func(c LiveCall) bool {
				return c.Executive == p.Executive && c.Assistant != "" && (p.Assistant == "" || c.Assistant == p.Assistant)
			})
			return
		}
		f.join(ctx, calls[0], map[string]callOp{"retrieve": opRetrieve, "bridge": opBridge}[p.Code])
	case "initiate":
		f.initiate(ctx, p)
	}
}

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

func (f *facCall) refuse(ctx context.Context, prompt, why string) {
	f.log.Info().Str("digits", f.digits).Str("why", why).Msg("FAC refused")
	f.entry.Outcome = "refused"
	f.entry.Reasons = append(f.entry.Reasons, why)
	f.s.env.journal(f.entry)
	f.announce(ctx, prompt)
}

func (f *facCall) confirm(ctx context.Context, prompt, outcome string) {
	f.log.Info().Str("digits", f.digits).Str("outcome", outcome).Msg("FAC done")
	f.entry.Outcome = outcome
	f.s.env.journal(f.entry)
	f.announce(ctx, prompt)
}

// notSaved refuses a FAC whose change the store did not take: "try again later" when
// the shared store is unreachable (the change can be made again then).
func (f *facCall) notSaved(ctx context.Context, err error) {
	prompt := f.prompts.NotAllowed
	if errors.Is(err, store.ErrUnavailable) {
		prompt = f.prompts.Unavailable
	}
	f.refuse(ctx, prompt, "not saved: "+err.Error())
}

// noCall refuses a FAC that found no call here: naming the node when the call it
// meant is on another one (elsewhere matches it), "no call" otherwise.
func (f *facCall) noCall(ctx context.Context, why string, elsewhere func(LiveCall) bool) {
	if node := f.s.env.elsewhere(elsewhere); node != "" {
		f.refuse(ctx, otherNodePrompt(f.prompts.OtherNode, node), why+" here: the call is on node "+node)
		return
	}
	f.refuse(ctx, f.prompts.NoCall, why)
}

func (f *facCall) filtering(ctx context.Context, on bool, exec string) {
	if err := f.s.env.settings.SetFiltering(exec, on); err != nil {
		f.notSaved(ctx, err)
		return
	}
	state, prompt := "NOT_INUSE", f.prompts.FilteringOff
	if on {
		state, prompt = "INUSE", f.prompts.FilteringOn
	}
	if err := f.s.env.cli.DeviceState().Update(ctx, FilteringDevice(exec), state); err != nil {
		f.log.Warn().Err(err).Msg("BLF device state not updated")
	}
	f.confirm(ctx, prompt, map[bool]string{true: "filtering-on", false: "filtering-off"}[on])
}

// collect prompts for digits: '#' ends, a pause ends, three tries.
func (f *facCall) collect(ctx context.Context, prompt string) (string, bool) {
	s, cli := f.s, f.s.env.cli
	if !f.answered {
		if err := cli.Channel().Answer(ctx, s.start.Channel.Key()); err != nil {
			return "", false
		}
		f.answered = true
	}
	for try := 0; try < 3; try++ {
		digits := ""
		f.digitGen++
		timer := s.after(f.prompts.DigitTimeout.D(), "digits-"+strconv.Itoa(f.digitGen))
		_, _ = cli.Channel().Play(ctx, s.start.Channel.Key(), "", strings.Split(prompt, ",")...)
		for {
			msg := s.next()
			if msg == nil {
				timer.Stop()
				return "", false
			}
			if t, ok := msg.(timerFired); ok {
				if t.name != "digits-"+strconv.Itoa(f.digitGen) {
					continue
				}
				if digits != "" {
					return digits, true
				}
				break
			}
			switch m := eventOf(msg).(type) {
			case *ari.ChannelDtmfReceived:
				timer.Stop()
				if m.Digit == "#" {
					if digits != "" {
						return digits, true
					}
				} else if len(digits) < dialstring.MaxDigits {
					digits += m.Digit
				}
				f.digitGen++
				timer = s.after(f.prompts.InterDigitTimeout.D(), "digits-"+strconv.Itoa(f.digitGen))
				continue
			case *ari.StasisEnd, *ari.ChannelHangupRequest:
				timer.Stop()
				return "", false
			}
			if _, ok := msg.(resyncNeeded); ok && f.gone(ctx) {
				timer.Stop()
				return "", false
			}
		}
	}
	return "", false
}

// announce answers, plays media to the end (or until the caller hangs up) and hangs up.
func (f *facCall) announce(ctx context.Context, media string) {
	s := f.s
	cli, key := s.env.cli, s.start.Channel.Key()
	if !f.answered {
		if err := cli.Channel().Answer(ctx, key); err != nil {
			return
		}
		f.answered = true
	}
	pb, err := cli.Channel().Play(ctx, key, "", strings.Split(media, ",")...)
	if err == nil {
		// Bounded: a PlaybackFinished lost in a WebSocket drop must not keep the
		// session waiting; the resync after the drop asks whether caller and playback
		// are still there.
		f.digitGen++
		limit := s.after(maxAnnouncement, "announce-"+strconv.Itoa(f.digitGen))
		defer limit.Stop()
	wait:
		for {
			msg := s.next()
			switch msg.(type) {
			case nil, timerFired:
				break wait
			case resyncNeeded:
				if f.gone(ctx) {
					return
				}
				if _, err := cli.Playback().Data(ctx, pb.Key()); errors.Is(err, ari.ErrNotFound) {
					break wait
				}
			}
			switch m := eventOf(msg).(type) {
			case *ari.PlaybackFinished:
				if m.Playback.ID == pb.ID() {
					break wait
				}
			case *ari.StasisEnd, *ari.ChannelHangupRequest:
				return
			}
		}
	}
	if err := cli.Channel().Hangup(ctx, key, "normal"); err != nil && !ari.IsGone(err) {
		s.log.Warn().Err(err).Msg("hang up FAC call")
	}
}

// failOpen releases the FAC caller and a #64 destination leg it placed (a FAC caller
// has nowhere else to go: the dialplan hangs up after it).
// maxAnnouncement bounds how long a confirmation or refusal may play.
const maxAnnouncement = time.Minute

// gone asks Asterisk whether the FAC caller has hung up (after events were lost).
func (f *facCall) gone(ctx context.Context) bool {
	_, err := f.s.env.cli.Channel().Data(ctx, f.s.start.Channel.Key())
	return errors.Is(err, ari.ErrNotFound)
}

func (f *facCall) failOpen(ctx context.Context, s *session, reason string) {
	if f.next != nil {
		f.next.failOpen(ctx, s, reason)
		return
	}
	if f.destLeg != "" {
		s.release(ctx, f.destLeg, "normal")
	}
	s.release(ctx, s.start.Channel.ID, "normal")
}
