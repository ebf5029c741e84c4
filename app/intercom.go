package app

// Intercom (#68 <ext>, the console's intercom button): an executive and an assistant of
// theirs talk at once, the called phone answering by itself.

import (
	"context"
	"errors"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/policy"
)

// intercomRing bounds how long a phone that ignores the auto-answer header rings.
const intercomRing = 20 * time.Second

// intercomCall: the other side's phone is rung with the auto-answer header while the
// dialler hears ringing; once it answers the two are bridged, and the intercom ends
// when either hangs up (the teardown releases the other and the bridge).
type intercomCall struct {
	*facCall
	to      string
	legID   string
	legKey  *ari.Key
	talking bool
}

func (f *facCall) intercom(ctx context.Context, p policy.FAC) state {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	_ = cli.Channel().Ring(ctx, me.Key())
	u := f.cfg.User(p.User)
	legID := me.ID + "-" + s.id + "-intercom"
	s.own(legID)
	header := autoAnswerFor(f.cfg, p.Endpoint)
	f.entry.Executive = p.Executive
	err := createLeg(ctx, cli, s.id, outgoingLeg{id: legID, endpoint: p.Endpoint, originator: me.ID,
		shownName: "Intercom " + u.Name, shownNum: u.Extension, header: header})
	if err != nil {
		s.forgotten(legID)
		return f.refuse(ctx, f.prompts.NotAllowed, "intercom to "+p.Destination+" unreachable: "+err.Error())
	}
	return &intercomCall{facCall: f, to: p.Destination, legID: legID, legKey: ari.NewKey(ari.ChannelKey, legID)}
}

func (ic *intercomCall) handle(ctx context.Context, s *session, m message) state {
	switch m := m.(type) {
	case request:
		m.answer(refusal("an intercom call is not an executive call"))
		return ic
	case timerFired:
		return ic
	case resyncNeeded:
		if ic.gone(ctx) {
			return ic.ended("caller-hung-up")
		}
		if _, err := s.env.cli.Channel().Data(ctx, ic.legKey); errors.Is(err, ari.ErrNotFound) {
			s.forgotten(ic.legID)
			return ic.ended("intercom:no-answer")
		}
		return ic
	}
	e := eventOf(m)
	id := ari.ChannelID(e)
	switch ev := e.(type) {
	case *ari.StasisStart:
		if id == ic.legID {
			if err := s.env.cli.Channel().Dial(ctx, ic.legKey, "", intercomRing); err != nil {
				return ic.refuse(ctx, ic.prompts.NotAllowed, "intercom unreachable")
			}
		}
	case *ari.ChannelStateChange:
		if id == ic.legID && ev.Channel.State == "Up" && !ic.talking {
			if _, err := s.connect(ctx, s.start.Channel.ID, ic.legID, false); err != nil {
				s.log.Warn().Err(err).Msg("could not connect the intercom")
				return ic.ended("failed")
			}
			ic.talking = true
			ic.entry.Outcome, ic.entry.AnsweredBy = "intercom", ic.to
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
		switch {
		case id == s.start.Channel.ID:
			return ic.ended(map[bool]string{true: "intercom", false: "caller-hung-up"}[ic.talking])
		case id == ic.legID && ic.talking:
			s.forgotten(ic.legID)
			return ic.ended("intercom")
		case id == ic.legID:
			s.forgotten(ic.legID)
			return ic.refuse(ctx, ic.prompts.NoCall, "intercom to "+ic.to+" not answered")
		}
	}
	return ic
}

// ended closes the record: the session's teardown releases what is left.
func (ic *intercomCall) ended(outcome string) state {
	ic.entry.Outcome = outcome
	return nil
}
