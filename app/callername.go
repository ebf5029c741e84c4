package app

// Caller name capture (record_caller_name): an outside caller of a filtered call says
// their name before the assistants ring; the assistant who answers hears it, alone,
// before being connected. Every failure goes on without the name: the caller is never
// dropped for it. The recording is deleted at the call's end (the teardown).

import (
	"context"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
)

const (
	nameMaxSeconds = 3               // the longest name recorded
	namePromptMax  = 6 * time.Second // a prompt that does not finish is given up
	nameRecordMax  = nameMaxSeconds*time.Second + 3*time.Second
	namePlayMax    = nameMaxSeconds*time.Second + 2*time.Second // playing a missing recording never finishes
)

// capturingName: the caller hears the prompt, then a beep and is recorded; then the
// assistants are alerted as usual.
type capturingName struct {
	*incomingCall
	prompt    *ari.Key // the prompt playing, nil once recording
	recording string
}

// askName answers the caller and plays the prompt.
func (c *incomingCall) askName(ctx context.Context) state {
	if err := c.cli.Channel().Answer(ctx, c.caller.Key()); err != nil {
		if ari.IsGone(err) {
			return c.finish(ctx, "caller-hung-up")
		}
		c.s.log.Info().Err(err).Msg("caller not answered for the name; alerting without it")
		return c.alert(ctx)
	}
	n := &capturingName{incomingCall: c}
	pb, err := c.s.play(ctx, c.caller.Key(), strings.Split(c.cfg.EffectivePrompts().SayYourName, ","))
	if err != nil {
		return n.record(ctx)
	}
	n.prompt = pb
	c.s.after(namePromptMax, timerCallerName)
	return n
}

// record starts the recording (a beep first); a refusal (Asterisk's recording folder
// missing: 500) alerts without the name.
func (n *capturingName) record(ctx context.Context) state {
	n.prompt = nil
	name := "execassist-name-" + strings.NewReplacer(".", "-", "/", "-").Replace(n.caller.ID)
	_, err := n.cli.Channel().Record(ctx, n.caller.Key(), ari.RecordRequest{Name: name, Format: "wav",
		MaxDuration: nameMaxSeconds, MaxSilent: 1, Beep: true, IfExists: "overwrite"})
	if err != nil {
		if ari.IsGone(err) {
			return n.finish(ctx, "caller-hung-up")
		}
		n.s.log.Warn().Err(err).Msg("the caller's name cannot be recorded (is Asterisk's recording folder there?); alerting without it")
		return n.alerted(ctx)
	}
	n.recording = name
	n.s.res.recorded = append(n.s.res.recorded, name)
	n.s.after(nameRecordMax, timerCallerName)
	return n
}

// alerted rings the pool, the caller hearing ringing again.
func (n *capturingName) alerted(ctx context.Context) state {
	n.s.cancel(timerCallerName)
	next := n.alert(ctx)
	if r, ok := next.(*ringing); ok {
		r.publish()
	}
	return next
}

// asideFromEvents answers what a name state does not act on itself: requests are
// refused with why, and after lost events a caller who left ends the call. done is
// false for everything else.
func (c *incomingCall) asideFromEvents(ctx context.Context, cur state, m message, why string) (next state, done bool) {
	switch m := m.(type) {
	case request:
		m.answer(refusal(why))
		return cur, true
	case resyncNeeded:
		if c.callerGone(ctx) {
			return c.finish(ctx, "caller-hung-up"), true
		}
		return cur, true
	}
	return cur, false
}

func (n *capturingName) handle(ctx context.Context, _ *session, m message) state {
	if next, done := n.asideFromEvents(ctx, n, m, "the caller is saying their name"); done {
		return next
	}
	switch m := m.(type) {
	case timerFired:
		if m.name != timerCallerName {
			return n
		}
		if n.prompt != nil {
			n.s.stopPlayback(ctx, n.prompt)
			return n.record(ctx)
		}
		return n.alerted(ctx) // the recording did not say it finished: go on without waiting
	}
	e := eventOf(m)
	if ari.ChannelID(e) != n.caller.ID {
		return n
	}
	switch ev := e.(type) {
	case *ari.PlaybackFinished:
		n.s.finished(ev.Playback.ID)
		if n.prompt != nil && ev.Playback.ID == n.prompt.ID {
			n.s.cancel(timerCallerName)
			return n.record(ctx)
		}
	case *ari.RecordingFinished:
		if ev.Recording.Name == n.recording {
			n.name = n.recording
			return n.alerted(ctx)
		}
	case *ari.RecordingFailed:
		if ev.Recording.Name == n.recording {
			return n.alerted(ctx)
		}
	default:
		if callerLeft(e) {
			return n.finish(ctx, "caller-hung-up")
		}
	}
	return n
}

// whisperingName: the assistant answered and hears the caller's name alone; then
// the two are connected. The caller keeps hearing ringing meanwhile.
type whisperingName struct {
	*incomingCall
	leg *leg
	pb  *ari.Key
}

func (c *incomingCall) whisperName(ctx context.Context, l *leg) state {
	pb, err := c.s.play(ctx, ari.NewKey(ari.ChannelKey, l.id), []string{"recording:" + c.name})
	if err != nil {
		return c.connectAnswered(ctx, l)
	}
	c.s.after(namePlayMax, timerCallerName)
	return &whisperingName{incomingCall: c, leg: l, pb: pb}
}

func (w *whisperingName) connect(ctx context.Context) state {
	w.s.cancel(timerCallerName)
	w.s.stopPlayback(ctx, w.pb)
	return w.connectAnswered(ctx, w.leg)
}

func (w *whisperingName) handle(ctx context.Context, _ *session, m message) state {
	if next, done := w.asideFromEvents(ctx, w, m, "the call is being answered"); done {
		return next
	}
	if t, ok := m.(timerFired); ok {
		if t.name == timerCallerName {
			return w.connect(ctx)
		}
		return w
	}
	e := eventOf(m)
	switch id := ari.ChannelID(e); {
	case id == w.caller.ID && callerLeft(e):
		return w.finish(ctx, "caller-hung-up")
	case id != w.leg.id:
		return w
	}
	switch ev := e.(type) {
	case *ari.PlaybackFinished:
		if ev.Playback.ID == w.pb.ID {
			w.s.finished(ev.Playback.ID)
			w.pb = nil
			return w.connect(ctx)
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		// The assistant hung up while hearing the name: the caller is not dropped.
		w.s.cancel(timerCallerName)
		w.leg.gone = true
		w.s.forgotten(w.leg.id)
		w.s.env.registry.remove(w.s)
		return w.rollover(ctx, "the assistant hung up while hearing the caller's name")
	}
	return w
}
