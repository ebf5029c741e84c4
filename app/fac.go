package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/execassist/execassist/app/config"
	"github.com/execassist/execassist/app/dialstring"
	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
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
	codes    config.Codes
	user     *config.User
	log      zerolog.Logger
	entry    store.JournalEntry
	answered bool
	digitGen int
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

// splitCode finds the feature code the digits start with (the longest match).
func splitCode(codes config.Codes, digits string) (name, rest string) {
	best := ""
	for n, c := range map[string]string{"filtering_on": codes.FilteringOn, "filtering_off": codes.FilteringOff,
		"push": codes.Push, "initiate": codes.Initiate, "opt_in": codes.OptIn, "opt_out": codes.OptOut,
		"retrieve": codes.Retrieve, "bridge": codes.Bridge} {
		if strings.HasPrefix(digits, c) && len(c) > len(best) {
			best, name = c, n
		}
	}
	return name, digits[len(best):]
}

func (f *facCall) run(ctx context.Context, s *session) {
	f.s = s
	snap := s.app.store.Snapshot()
	f.cfg = snap.Config
	f.codes, f.prompts = f.cfg.EffectiveCodes(), f.cfg.EffectivePrompts()
	ch := s.start.Channel
	f.user = userByDevice(f.cfg, ch.Device())
	f.log = s.log.With().Str("device", ch.Device()).Logger()
	f.entry = store.JournalEntry{At: s.app.clock.Now(), CallID: ch.ID, Kind: "fac", Caller: ch.Device()}
	if !validDigits(f.digits) {
		f.refuse(ctx, f.prompts.Invalid, "digits are not 0-9 * # + or too long")
		return
	}
	code, rest := splitCode(f.codes, f.digits)
	f.entry.Decision = code
	if code == "" {
		f.refuse(ctx, f.prompts.Invalid, "no feature code "+f.digits)
		return
	}
	if f.user == nil {
		f.refuse(ctx, f.prompts.NotAllowed, "device "+ch.Device()+" belongs to no provisioned user")
		return
	}
	s.facUser = f.user.Extension
	switch code {
	case "filtering_on", "filtering_off":
		f.filtering(ctx, code == "filtering_on", rest)
	case "opt_in", "opt_out":
		f.optInOut(ctx, code == "opt_in", rest)
	case "push":
		f.push(ctx, rest)
	case "retrieve", "bridge":
		f.retrieveOrBridge(ctx, code, rest)
	case "initiate":
		f.initiate(ctx, rest)
	}
}

func (f *facCall) refuse(ctx context.Context, prompt, why string) {
	f.log.Info().Str("digits", f.digits).Str("why", why).Msg("FAC refused")
	f.entry.Outcome, f.entry.Reasons = "refused", []string{why}
	f.s.app.journal(f.entry)
	f.announce(ctx, prompt)
}

func (f *facCall) confirm(ctx context.Context, prompt, outcome string) {
	f.log.Info().Str("digits", f.digits).Str("outcome", outcome).Msg("FAC done")
	f.entry.Outcome = outcome
	f.s.app.journal(f.entry)
	f.announce(ctx, prompt)
}

func (f *facCall) filtering(ctx context.Context, on bool, rest string) {
	u := f.user
	switch {
	case rest != "":
		f.refuse(ctx, f.prompts.Invalid, "unexpected digits after the code: "+rest)
		return
	case u.Executive == nil:
		f.refuse(ctx, f.prompts.NotAllowed, u.Extension+" is not an executive")
		return
	}
	f.entry.Executive = u.Extension
	if err := f.s.app.store.SetFiltering(u.Extension, on); err != nil {
		f.log.Error().Err(err).Msg("could not store filtering")
		f.refuse(ctx, f.prompts.NotAllowed, "store error")
		return
	}
	state, prompt := "NOT_INUSE", f.prompts.FilteringOff
	if on {
		state, prompt = "INUSE", f.prompts.FilteringOn
	}
	if err := f.s.app.cli.DeviceState().Update(ctx, FilteringDevice(u.Extension), state); err != nil {
		f.log.Warn().Err(err).Msg("BLF device state not updated")
	}
	f.confirm(ctx, prompt, map[bool]string{true: "filtering-on", false: "filtering-off"}[on])
}

// executiveOf resolves digits naming an executive for assistant f.user: the executive
// must exist, have the service and have f.user in the pool.
func (f *facCall) executiveOf(ext string) (*config.User, string) {
	e := f.cfg.User(ext)
	switch {
	case e == nil || e.Executive == nil:
		return nil, ext + " is not an executive"
	case !contains(e.Executive.Assistants, f.user.Extension):
		return nil, f.user.Extension + " is not in the pool of " + ext
	}
	return e, ""
}

// takeExecutive finds the executive whose extension starts rest (an assistant may
// serve several): the longest such prefix.
func (f *facCall) takeExecutive(rest string) (string, string) {
	best := ""
	for _, u := range f.cfg.Users {
		if u.Executive != nil && strings.HasPrefix(rest, u.Extension) && len(u.Extension) > len(best) {
			best = u.Extension
		}
	}
	if best == "" {
		return rest, ""
	}
	return best, rest[len(best):]
}

func (f *facCall) optInOut(ctx context.Context, in bool, rest string) {
	if rest == "" {
		var ok bool
		if rest, ok = f.collect(ctx, f.prompts.EnterExecutive); !ok {
			f.refuse(ctx, f.prompts.Invalid, "no executive entered")
			return
		}
	}
	e, why := f.executiveOf(rest)
	if e == nil {
		f.refuse(ctx, f.prompts.NotAllowed, why)
		return
	}
	if e.Executive.AllowOptInOut != nil && !*e.Executive.AllowOptInOut {
		f.refuse(ctx, f.prompts.NotAllowed, e.Extension+" does not allow assistants to opt in or out")
		return
	}
	f.entry.Executive = e.Extension
	if err := f.s.app.store.SetOptIn(f.user.Extension, e.Extension, in); err != nil {
		f.refuse(ctx, f.prompts.NotAllowed, "store error")
		return
	}
	f.confirm(ctx, f.prompts.Confirm, map[bool]string{true: "opted-in", false: "opted-out"}[in])
}

// ask sends an operation to the session owning an executive call and waits for it.
func (f *facCall) ask(c execCall, op string) string {
	reply := make(chan string, 1)
	c.sess.box.put(control{op: op, fac: f.s, reply: reply})
	select {
	case why := <-reply:
		return why
	case <-time.After(10 * time.Second):
		return "the call did not answer"
	case <-f.s.stop.Done():
		return "execassist is stopping"
	}
}

func (f *facCall) push(ctx context.Context, rest string) {
	if rest != "" {
		f.refuse(ctx, f.prompts.Invalid, "unexpected digits after the code: "+rest)
		return
	}
	device := f.s.start.Channel.Device()
	calls := f.s.app.registry.find(func(c execCall) bool { return c.device == device && c.assistant != "" })
	if len(calls) != 1 {
		f.refuse(ctx, f.prompts.NotAllowed, fmt.Sprintf("%d answered executive calls at %s; push needs exactly one", len(calls), device))
		return
	}
	f.entry.Executive = calls[0].exec
	if why := f.ask(calls[0], "push"); why != "" {
		f.refuse(ctx, f.prompts.NotAllowed, why)
		return
	}
	f.confirm(ctx, f.prompts.Confirm, "pushed")
}

// retrieveOrBridge: *11 / *15 [assistant extension] by the executive.
func (f *facCall) retrieveOrBridge(ctx context.Context, code, rest string) {
	if f.user.Executive == nil {
		f.refuse(ctx, f.prompts.NotAllowed, f.user.Extension+" is not an executive")
		return
	}
	exec := f.user.Extension
	calls := f.s.app.registry.find(func(c execCall) bool {
		return c.exec == exec && c.assistant != "" && (rest == "" || c.assistant == rest)
	})
	if len(calls) == 0 {
		f.refuse(ctx, f.prompts.NotAllowed, "no call of "+exec+" at an assistant"+map[bool]string{true: "", false: " " + rest}[rest == ""])
		return
	}
	f.entry.Executive = exec
	f.join(ctx, calls[0], map[string]string{"retrieve": "retrieve", "bridge": "bridge"}[code])
}

// join hands this FAC caller to the call: on success the call's session owns the
// channel and this session ends without touching it.
func (f *facCall) join(ctx context.Context, c execCall, op string) {
	if why := f.ask(c, op); why != "" {
		f.refuse(ctx, f.prompts.NotAllowed, why)
		return
	}
	f.entry.Outcome = op
	f.s.app.journal(f.entry)
}

func (f *facCall) initiate(ctx context.Context, rest string) {
	if rest == "" {
		var ok bool
		if rest, ok = f.collect(ctx, f.prompts.EnterExecutive); !ok {
			f.refuse(ctx, f.prompts.Invalid, "no executive entered")
			return
		}
	}
	ext, dest := f.takeExecutive(rest)
	e, why := f.executiveOf(ext)
	if e == nil {
		f.refuse(ctx, f.prompts.NotAllowed, why)
		return
	}
	f.entry.Executive = e.Extension
	if dest == "" {
		var ok bool
		if dest, ok = f.collect(ctx, f.prompts.EnterNumber); !ok {
			f.refuse(ctx, f.prompts.Invalid, "no destination entered")
			return
		}
	}
	switch dest {
	case f.codes.Retrieve:
		calls := f.s.app.registry.find(func(c execCall) bool { return c.exec == e.Extension && c.atExec && c.held })
		if len(calls) == 0 {
			f.refuse(ctx, f.prompts.NotAllowed, "no held call of "+e.Extension)
			return
		}
		f.join(ctx, calls[0], "take")
		return
	case f.codes.Bridge:
		calls := f.s.app.registry.find(func(c execCall) bool { return c.exec == e.Extension && c.atExec })
		if len(calls) == 0 {
			f.refuse(ctx, f.prompts.NotAllowed, "no answered call of "+e.Extension)
			return
		}
		f.join(ctx, calls[0], "join")
		return
	}
	if strings.HasPrefix(dest, f.codes.E164) {
		dest = "+" + dest[len(f.codes.E164):]
	}
	if err := dialstring.Number(dest); err != nil {
		f.refuse(ctx, f.prompts.Invalid, err.Error())
		return
	}
	if ok, why := policy.MayCall(f.cfg, e, dest); !ok {
		f.refuse(ctx, f.prompts.NotAllowed, why)
		return
	}
	endpoint, err := dialstring.Expand(f.cfg.EffectiveDialing().Outbound, dest)
	if err != nil {
		f.refuse(ctx, f.prompts.Invalid, err.Error())
		return
	}
	f.entry.Reasons = []string{"initiated to " + dest}
	f.placeCall(ctx, e, endpoint, dest)
}

// placeCall rings the destination with the executive's caller ID while the assistant
// hears ringing; on answer the two are bridged and the call is an executive call.
func (f *facCall) placeCall(ctx context.Context, e *config.User, endpoint, dest string) {
	s, cli := f.s, f.s.app.cli
	me := s.start.Channel
	_ = cli.Channel().Ring(ctx, me.Key())
	num := e.Extension
	if len(e.Numbers) > 0 {
		num = e.Numbers[0]
	}
	legID := me.ID + "-" + s.id + "-dest"
	_, err := cli.Channel().Create(ctx, ari.ChannelCreateRequest{Endpoint: endpoint, AppArgs: "leg," + s.id, ChannelID: legID,
		Originator: me.ID, Variables: map[string]string{"CONNECTEDLINE(name)": e.Name, "CONNECTEDLINE(num)": num}})
	if err != nil {
		f.refuse(ctx, f.prompts.NotAllowed, "destination unreachable: "+err.Error())
		return
	}
	legKey := ari.NewKey(ari.ChannelKey, legID)
	for {
		msg := s.next()
		if msg == nil {
			_ = cli.Channel().Hangup(ctx, legKey, "normal")
			return
		}
		ev, ok := msg.(ari.Event)
		if !ok {
			continue
		}
		id := channelOf(ev)
		switch m := ev.(type) {
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
				s.app.journal(f.entry)
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
	s, cli := f.s, f.s.app.cli
	me := s.start.Channel
	b, err := cli.Bridge().Create(ctx, nil, "mixing", "execassist-"+me.ID)
	if err == nil {
		if err = cli.Channel().Answer(ctx, me.Key()); err == nil {
			if err = b.AddChannel(ctx, me.ID, ari.AddChannelOptions{}); err == nil {
				err = b.AddChannel(ctx, legID, ari.AddChannelOptions{})
			}
		}
	}
	if err != nil {
		_ = cli.Channel().Hangup(ctx, ari.NewKey(ari.ChannelKey, legID), "normal")
		_ = cli.Channel().Hangup(ctx, me.Key(), "normal")
		if b != nil {
			_ = b.Delete(ctx)
		}
		return
	}
	f.entry.Outcome, f.entry.AnsweredBy = "initiated", dest
	s.app.journal(f.entry)
	first := &party{id: me.ID, role: "assistant", who: f.user.Extension, device: me.Device()}
	remote := party{id: legID, role: "remote", number: dest}
	newConversation(s, f.cfg, e, b.Key(), remote, first, me.ID).run(ctx)
}

// collect prompts for digits: '#' ends, a pause ends, three tries.
func (f *facCall) collect(ctx context.Context, prompt string) (string, bool) {
	s, cli := f.s, f.s.app.cli
	if !f.answered {
		if err := cli.Channel().Answer(ctx, s.start.Channel.Key()); err != nil {
			return "", false
		}
		f.answered = true
	}
	for try := 0; try < 3; try++ {
		_, _ = cli.Channel().Play(ctx, s.start.Channel.Key(), "", strings.Split(prompt, ",")...)
		digits := ""
		f.digitGen++
		timer := s.after(10*time.Second, "digits-"+strconv.Itoa(f.digitGen))
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
			switch m := msg.(type) {
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
				timer = s.after(5*time.Second, "digits-"+strconv.Itoa(f.digitGen))
				continue
			case *ari.StasisEnd, *ari.ChannelHangupRequest:
				timer.Stop()
				return "", false
			}
		}
	}
	return "", false
}

// validDigits bounds what a FAC may carry before anything is looked up or dialled.
func validDigits(d string) bool {
	if d == "" || len(d) > 40 {
		return false
	}
	return strings.Trim(d, "0123456789*#+") == ""
}

// announce answers, plays media to the end (or until the caller hangs up) and hangs up.
func (f *facCall) announce(ctx context.Context, media string) {
	s := f.s
	cli, key := s.app.cli, s.start.Channel.Key()
	if !f.answered {
		if err := cli.Channel().Answer(ctx, key); err != nil {
			return
		}
		f.answered = true
	}
	pb, err := cli.Channel().Play(ctx, key, "", strings.Split(media, ",")...)
	if err == nil {
	wait:
		for {
			switch m := s.next().(type) {
			case nil:
				break wait
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

func (f *facCall) failOpen(ctx context.Context, s *session, _ string) {
	_ = s.app.cli.Channel().Hangup(ctx, s.start.Channel.Key(), "normal")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
