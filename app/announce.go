package app

// The announced push: the executive answers a pushed call and first hears, alone, who
// is being pushed (prompts.push_announcement), then decides with a key. The caller
// stays on hold music meanwhile and is never dropped.

import (
	"context"
	"strings"

	"github.com/execassist/execassist/ari"
)

// announcingPush: the executive's leg is answered but not yet in the bridge; it stays
// among the ringing legs (so a hang-up there is a leg ending, and the teardown releases
// it) while the announcement plays and a key is awaited: 1 takes the call, 2 sends it
// back to the assistant (the recall), 3 sends it to the executive's voicemail; no key
// within announce_push.timeout takes it.
type announcingPush struct {
	*pushing
	exec *party
	pb   *ari.Key // the announcement playing now
}

// announce starts the announcement on the executive's leg; when it cannot be played
// the executive takes the call at once (the hand-off must not fail for a prompt).
func (p *pushing) announce(ctx context.Context, r *party) state {
	for id := range p.ringing {
		if id != r.id {
			p.hangup(ctx, id)
			delete(p.ringing, id)
		}
	}
	p.s.cancel(timerRecall)
	a := &announcingPush{pushing: p, exec: r}
	prompt := p.cfg.EffectivePrompts().PushAnnouncement
	if p.spokenName != "" { // the caller said their name: the executive hears it, not the digits
		prompt = strings.ReplaceAll(prompt, "digits:{caller}", "recording:"+p.spokenName)
	}
	media := strings.NewReplacer("{caller}", digitsOf(p.remote.number), "{assistant}", p.recallBy).Replace(prompt)
	media = strings.ReplaceAll(media, "digits:,", "") // no caller number: nothing to spell
	pb, err := p.s.play(ctx, ari.NewKey(ari.ChannelKey, r.id), strings.Split(media, ","))
	if err != nil {
		p.s.log.Info().Err(err).Msg("push announcement not played; the executive takes the call")
		return p.connect(ctx, r)
	}
	a.pb = pb
	p.publish(announcingToExecutive)
	p.s.after(p.cfg.ExecutiveSettings(p.exec).AnnounceTimeout, timerPushKey)
	p.journal("announced to the executive", r.who)
	return a
}

func digitsOf(number string) string { return strings.Map(keepDigit, number) }

func (a *announcingPush) handle(ctx context.Context, _ *session, m message) state {
	if next, done := a.common(ctx, a, announcingToExecutive, m); done {
		if next != state(a) {
			a.s.cancel(timerPushKey)
		}
		return next
	}
	switch m := m.(type) {
	case timerFired:
		if m.name == timerPushKey {
			return a.take(ctx, "no key pressed")
		}
	case request:
		m.answer(refusal("the executive is hearing who the call is from"))
	case eventMsg:
		if ari.ChannelID(m.Event) != a.exec.id {
			return a
		}
		switch ev := m.Event.(type) {
		case *ari.ChannelDtmfReceived:
			switch ev.Digit {
			case "1":
				return a.take(ctx, "pressed 1")
			case "2":
				return a.sendBack(ctx)
			case "3":
				return a.toMailbox(ctx)
			}
		case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
			// The executive hung up while hearing it: the call goes back to the assistant.
			a.s.cancel(timerPushKey)
			delete(a.ringing, a.exec.id)
			a.s.forgotten(a.exec.id)
			a.journal("the executive hung up during the announcement", a.exec.who)
			return a.recallNow(ctx)
		}
	}
	return a
}

// stopAnnouncement ends the prompt (a key does not stop a playback: it is deleted).
func (a *announcingPush) stopAnnouncement(ctx context.Context) {
	a.s.cancel(timerPushKey)
	a.s.stopPlayback(ctx, a.pb)
	a.pb = nil
}

func (a *announcingPush) take(ctx context.Context, why string) state {
	a.stopAnnouncement(ctx)
	a.s.log.Debug().Str("why", why).Msg("the executive takes the announced push")
	return a.connect(ctx, a.exec)
}

func (a *announcingPush) sendBack(ctx context.Context) state {
	a.stopAnnouncement(ctx)
	a.journal("sent back by the executive", a.exec.who)
	return a.recallNow(ctx) // releases the executive's leg with the ringing ones
}

func (a *announcingPush) toMailbox(ctx context.Context) state {
	a.stopAnnouncement(ctx)
	if err := a.toVoicemail(ctx, a.exec.who); err != nil {
		a.s.log.Info().Err(err).Msg("the announced push cannot go to voicemail; the executive takes it")
		return a.connect(ctx, a.exec)
	}
	return nil
}
