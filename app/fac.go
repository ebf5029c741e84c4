package app

import (
	"context"
	"strings"

	"github.com/execassist/execassist/app/config"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/store"
)

// facCall is a feature access code dialled from a desk phone:
// Stasis(execassist,fac,<digits>). The caller's device (the channel name up to the last
// '-') says who dialled it.
type facCall struct {
	digits string
}

func newFACCall(ev *ari.StasisStart) behaviour {
	f := &facCall{}
	if len(ev.Args) > 1 {
		f.digits = ev.Args[1]
	}
	return f
}

// userByDevice finds whose device a channel is.
func userByDevice(cfg *config.Config, device string) *config.User {
	for i := range cfg.Users {
		for _, d := range cfg.Users[i].Devices {
			if d == device {
				return &cfg.Users[i]
			}
		}
	}
	return nil
}

// FilteringDevice is the Stasis: device state a BLF key watches for an executive's
// filtering (INUSE = on).
func FilteringDevice(exec string) string { return "Stasis:execassist-filter-" + exec }

func (f *facCall) run(ctx context.Context, s *session) {
	snap := s.app.store.Snapshot()
	cfg := snap.Config
	codes, prompts := cfg.EffectiveCodes(), cfg.EffectivePrompts()
	ch := s.start.Channel
	u := userByDevice(cfg, ch.Device())
	log := s.log.With().Str("device", ch.Device()).Logger()
	entry := store.JournalEntry{At: s.app.clock.Now(), CallID: ch.ID, Kind: "fac", Caller: ch.Device()}
	refuse := func(prompt, why string) {
		log.Info().Str("why", why).Msg("FAC refused")
		entry.Decision, entry.Reasons = "refused", []string{why}
		s.app.journal(entry)
		f.announce(ctx, s, prompt)
	}
	var on bool
	switch {
	case !validDigits(f.digits):
		refuse(prompts.Invalid, "digits are not 0-9 * # or too long")
		return
	case f.digits == codes.FilteringOn:
		on = true
	case f.digits == codes.FilteringOff:
		on = false
	default:
		refuse(prompts.Invalid, "not a feature code this version handles: "+f.digits)
		return
	}
	switch {
	case u == nil:
		refuse(prompts.NotAllowed, "device "+ch.Device()+" belongs to no provisioned user")
		return
	case u.Executive == nil:
		refuse(prompts.NotAllowed, u.Extension+" is not an executive")
		return
	}
	entry.Executive = u.Extension
	if err := s.app.store.SetFiltering(u.Extension, on); err != nil {
		log.Error().Err(err).Msg("could not store filtering")
		refuse(prompts.NotAllowed, "store error")
		return
	}
	state, prompt := "NOT_INUSE", prompts.FilteringOff
	if on {
		state, prompt = "INUSE", prompts.FilteringOn
	}
	if err := s.app.cli.DeviceState().Update(ctx, FilteringDevice(u.Extension), state); err != nil {
		log.Warn().Err(err).Msg("BLF device state not updated")
	}
	log.Info().Str("executive", u.Extension).Bool("filtering", on).Msg("filtering changed by FAC")
	entry.Decision, entry.Outcome = "done", map[bool]string{true: "filtering-on", false: "filtering-off"}[on]
	s.app.journal(entry)
	f.announce(ctx, s, prompt)
}

// validDigits bounds what a FAC may carry before anything is looked up or dialled.
func validDigits(d string) bool {
	if d == "" || len(d) > 40 {
		return false
	}
	return strings.Trim(d, "0123456789*#+") == ""
}

// announce answers, plays media to the end (or until the caller hangs up) and hangs up.
func (f *facCall) announce(ctx context.Context, s *session, media string) {
	cli, key := s.app.cli, s.start.Channel.Key()
	if err := cli.Channel().Answer(ctx, key); err != nil {
		return
	}
	pb, err := cli.Channel().Play(ctx, key, "", strings.Split(media, ",")...)
	if err == nil {
		for {
			msg := s.next()
			if msg == nil {
				break
			}
			if fin, ok := msg.(*ari.PlaybackFinished); ok && fin.Playback.ID == pb.ID() {
				break
			}
			if _, ok := msg.(*ari.StasisEnd); ok {
				return
			}
			if _, ok := msg.(*ari.ChannelHangupRequest); ok {
				return
			}
		}
	}
	if err := cli.Channel().Hangup(ctx, key, "normal"); err != nil && !ari.IsGone(err) {
		s.log.Warn().Err(err).Msg("hang up FAC call")
	}
}

func (f *facCall) failOpen(ctx context.Context, s *session, _ string) {
	_ = s.app.cli.Channel().Hangup(ctx, s.start.Channel.Key(), "normal")
}
