package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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

// ask sends an operation to the session owning an executive call and waits for it.
func (f *facCall) ask(c execCall, op callOp) string {
	reply := make(chan error, 1)
	me := f.s.start.Channel
	c.owner.box.put(control{op: op, by: f.s.facUser, device: me.Device(), channel: me, reply: reply, asker: f.s.id})
	select {
	case err := <-reply:
		if err != nil {
			return err.Error()
		}
		return ""
	case <-c.owner.done:
		return "the call has ended"
	case <-time.After(10 * time.Second):
		return "the call did not answer"
	case <-f.s.stop.Done():
		return "execassist is stopping"
	}
}

// push: #63 pushes the answered executive call at the dialling device. The FAC has no
// call id: with several calls at the device (a second line) it pushes the most recently
// answered and says which (the confirmation ends with the caller's number, and the
// journal names it); the API pushes the call it is given.
func (f *facCall) push(ctx context.Context) {
	device := f.s.start.Channel.Device()
	calls := f.s.env.registry.find(func(c execCall) bool { return c.device == device && c.assistant != "" && c.answered() })
	if len(calls) == 0 {
		f.noCall(ctx, "no answered executive call at "+device, func(c LiveCall) bool { return c.Assistant == f.s.facUser })
		return
	}
	c := slices.MaxFunc(calls, func(a, b execCall) int {
		return cmp.Or(a.answeredAt.Compare(b.answeredAt), a.arrived.Compare(b.arrived))
	})
	f.entry.Executive = c.exec
	prompt := f.prompts.Confirm
	if len(calls) > 1 {
		f.entry.Reasons = append(f.entry.Reasons, fmt.Sprintf("%d answered executive calls at %s: pushing the most recently answered, from %s",
			len(calls), device, cmp.Or(c.callerNumber, "an unknown number")))
		if d := strings.Map(keepDigit, c.callerNumber); d != "" {
			prompt += ",digits:" + d
		}
	}
	if why := f.ask(c, opPush); why != "" {
		f.refuse(ctx, f.prompts.NoCall, why)
		return
	}
	f.confirm(ctx, prompt, "pushed")
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// join hands this FAC caller to the call: on success the call's session owns the
// channel and this session ends without touching it.
func (f *facCall) join(ctx context.Context, c execCall, op callOp) {
	if why := f.ask(c, op); why != "" {
		f.refuse(ctx, f.prompts.NoCall, why)
		return
	}
	f.entry.Outcome = string(op)
	f.s.env.journal(f.entry)
}

func (f *facCall) initiate(ctx context.Context, p policy.FAC) {
	switch p.Special {
	case "retrieve":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec && c.held })
		if len(calls) == 0 {
			f.noCall(ctx, "no held call of "+p.Executive, func(c LiveCall) bool { return c.Executive == p.Executive && c.Held })
			return
		}
		f.join(ctx, calls[0], opTake)
		return
	case "bridge":
		calls := f.s.env.registry.find(func(c execCall) bool { return c.exec == p.Executive && c.atExec })
		if len(calls) == 0 {
			f.noCall(ctx, "no answered call of "+p.Executive, func(c LiveCall) bool {
				return c.Executive == p.Executive && (c.State == "executive" || c.State == "bridged")
			})
			return
		}
		f.join(ctx, calls[0], opJoin)
		return
	}
	f.placeCall(ctx, f.cfg.User(p.Executive), p.Endpoint, p.Destination)
}

// placeCall rings the destination with the executive's caller ID while the assistant
// hears ringing; on answer the two are bridged and the call is an executive call.
func (f *facCall) placeCall(ctx context.Context, e *config.User, endpoint, dest string) {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	_ = cli.Channel().Ring(ctx, me.Key())
	num := e.Extension
	if len(e.Numbers) > 0 {
		num = e.Numbers[0]
	}
	legID := me.ID + "-" + s.id + "-dest"
	// The destination sees the executive, not the assistant.
	err := createLeg(ctx, cli, s.id, outgoingLeg{id: legID, endpoint: endpoint, originator: me.ID, shownName: e.Name, shownNum: num})
	if err != nil {
		f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable: "+err.Error())
		return
	}
	f.destLeg = legID
	legKey := ari.NewKey(ari.ChannelKey, legID)
	for {
		msg := s.next()
		if msg == nil {
			_ = cli.Channel().Hangup(ctx, legKey, "normal")
			return
		}
		em, ok := msg.(eventMsg)
		if !ok {
			switch m := msg.(type) {
			case control:
				m.reply <- refusal("the call is not answered yet")
			case resyncNeeded:
				if f.gone(ctx) {
					s.release(ctx, legID, "normal")
					f.entry.Outcome = "caller-hung-up"
					s.env.journal(f.entry)
					return
				}
				if d, err := cli.Channel().Data(ctx, legKey); errors.Is(err, ari.ErrNotFound) {
					f.refuse(ctx, f.prompts.NotAllowed, "destination did not answer")
					return
				} else if err == nil && d.State == "Up" {
					f.connectInitiated(ctx, e, legID, dest)
					return
				}
			}
			continue
		}
		id := ari.ChannelID(em.Event)
		switch m := em.Event.(type) {
		case *ari.StasisStart:
			if m.Channel.ID == legID {
				if err := cli.Channel().Dial(ctx, legKey, "", 60*time.Second); err != nil {
					f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable")
					return
				}
			}
		case *ari.ChannelStateChange:
			if id == legID && m.Channel.State == "Up" {
				f.connectInitiated(ctx, e, legID, dest)
				return
			}
		case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
			if id == me.ID {
				_ = cli.Channel().Hangup(ctx, legKey, "normal")
				f.entry.Outcome = "caller-hung-up"
				s.env.journal(f.entry)
				return
			}
			if id == legID {
				f.refuse(ctx, f.prompts.NotAllowed, "destination did not answer")
				return
			}
		}
	}
}

func (f *facCall) connectInitiated(ctx context.Context, e *config.User, legID, dest string) {
	s, cli := f.s, f.s.env.cli
	me := s.start.Channel
	answeredAt := s.env.clock.Now()
	s.env.registry.set(execCall{owner: s.ref(), exec: e.Extension, assistant: s.facUser, device: me.Device(), answeredAt: answeredAt,
		callerNumber: dest, arrived: s.began, answeredBy: s.facUser})
	bridge, err := connectCall(ctx, cli, me.ID, legID, false)
	if err != nil {
		s.log.Warn().Err(err).Msg("could not connect the call placed as the executive")
		s.env.registry.remove(s)
		s.release(ctx, legID, "normal")
		s.release(ctx, me.ID, "normal")
		if bridge != nil {
			_ = cli.Bridge().Delete(ctx, bridge)
		}
		return
	}
	f.entry.Outcome, f.entry.AnsweredBy = "initiated", dest
	s.env.journal(f.entry)
	first := &party{id: me.ID, role: roleAssistant, who: f.s.facUser, device: me.Device()}
	remote := party{id: legID, role: roleRemote, number: dest}
	f.next = newConversation(s, f.cfg, e, bridge, remote, first, me.ID, answeredAt)
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
