package app

// What a FAC caller hears: a prompt that collects digits (collecting) and the
// confirmation or refusal that ends the FAC (announcing).

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/dialstring"
)

// maxAnnouncement bounds how long a confirmation or refusal may play.
const maxAnnouncement = time.Minute

// promptTries is how often a prompt is played before the FAC gives up.
const promptTries = 3

// collecting: a prompt plays and digits are collected; '#' or a pause ends them.
type collecting struct {
	*facCall
	prompt string
	digits string
	try    int
}

// collect answers the caller and plays prompt for the first time.
func (f *facCall) collect(ctx context.Context, prompt string) state {
	if !f.answered {
		if err := f.s.env.cli.Channel().Answer(ctx, f.s.start.Channel.Key()); err != nil {
			return f.noDigits(ctx)
		}
		f.answered = true
	}
	c := &collecting{facCall: f, prompt: prompt}
	c.play(ctx)
	return c
}

// play starts a try: the prompt, and the time the caller has to begin.
func (c *collecting) play(ctx context.Context) {
	c.digits = ""
	c.s.after(c.prompts.DigitTimeout.D(), timerDigits)
	if _, err := c.s.play(ctx, c.s.start.Channel.Key(), strings.Split(c.prompt, ",")); err != nil {
		c.log.Warn().Err(err).Msg("prompt")
	}
}

func (c *collecting) handle(ctx context.Context, s *session, m message) state {
	switch m := m.(type) {
	case timerFired:
		if m.name != timerDigits {
			return c
		}
		if c.digits != "" {
			return c.complete(ctx)
		}
		if c.try++; c.try >= promptTries {
			return c.noDigits(ctx)
		}
		c.play(ctx)
		return c
	case resyncNeeded:
		if c.gone(ctx) {
			return c.noDigits(ctx)
		}
		return c
	case request:
		m.answer(refusal("not an executive call"))
		return c
	}
	switch e := eventOf(m).(type) {
	case *ari.ChannelDtmfReceived:
		if e.Digit == "#" && c.digits != "" {
			return c.complete(ctx)
		}
		if e.Digit != "#" && len(c.digits) < dialstring.MaxDigits {
			c.digits += e.Digit
		}
		s.after(c.prompts.InterDigitTimeout.D(), timerDigits)
	case *ari.PlaybackFinished:
		s.finished(e.Playback.ID)
	case *ari.StasisEnd, *ari.ChannelHangupRequest:
		return c.noDigits(ctx)
	}
	return c
}

// complete: the digits entered join the ones dialled and are parsed again.
func (c *collecting) complete(ctx context.Context) state {
	c.s.cancel(timerDigits)
	c.facCall.digits += c.digits
	return c.parse(ctx)
}

// announcing: the confirmation or refusal plays; the FAC ends when it finishes, the
// caller hangs up or maxAnnouncement passes (a PlaybackFinished lost in a WebSocket drop
// must not keep the session waiting).
type announcing struct {
	*facCall
	pb *ari.Key
}

// announce answers and plays media; the teardown hangs the caller up once it ends.
func (f *facCall) announce(ctx context.Context, media string) state {
	s := f.s
	cli, key := s.env.cli, s.start.Channel.Key()
	if !f.answered {
		if err := cli.Channel().Answer(ctx, key); err != nil {
			return nil
		}
		f.answered = true
	}
	pb, err := s.play(ctx, key, strings.Split(media, ","))
	if err != nil {
		return nil
	}
	s.after(maxAnnouncement, timerAnnounce)
	return &announcing{facCall: f, pb: pb}
}

func (a *announcing) handle(ctx context.Context, s *session, m message) state {
	switch m := m.(type) {
	case timerFired:
		if m.name == timerAnnounce {
			return nil
		}
		return a
	case request:
		m.answer(refusal("not an executive call"))
		return a
	case resyncNeeded:
		if a.gone(ctx) {
			return nil
		}
		if _, err := s.env.cli.Playback().Data(ctx, a.pb); errors.Is(err, ari.ErrNotFound) {
			s.finished(a.pb.ID)
			return nil
		}
		return a
	}
	switch e := eventOf(m).(type) {
	case *ari.PlaybackFinished:
		s.finished(e.Playback.ID)
		if e.Playback.ID == a.pb.ID {
			return nil
		}
	case *ari.StasisEnd, *ari.ChannelHangupRequest:
		return nil
	}
	return a
}

// gone asks Asterisk whether the FAC caller has hung up (after events were lost).
func (f *facCall) gone(ctx context.Context) bool {
	_, err := f.s.env.cli.Channel().Data(ctx, f.s.start.Channel.Key())
	return errors.Is(err, ari.ErrNotFound)
}
