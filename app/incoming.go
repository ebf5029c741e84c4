package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
)

// incomingCall is a call to an executive: Stasis(execassist,exec,<extension>). It decides
// with the policy core, then alerts, connects, rolls over or continues the caller.
type incomingCall struct {
	exec   string
	s      *session
	cli    ari.Client
	caller ari.ChannelData
	dec    policy.Decision
	cfg    *config.Config
	start  time.Time

	legs     map[string]*leg
	nextLeg  int
	step     int // sequential: index of the assistant being alerted
	winner   *leg
	bridge   *ari.Key
	rollover clock.Timer
	tried    []string
	outcome  string
	handled  bool // the caller has been connected, continued or released
	done     bool // nothing is left to do: the session ends
	// settled: the caller went on in the dialplan, was hung up or belongs to the
	// conversation; until then failing open continues it.
	settled bool
	conv    *conversation
	// setupCtx bounds the REST calls that set the call up (reading the caller, creating
	// legs) by the setup deadline; nil once the call is set up.
	setupCtx context.Context
}

// leg is one channel execassist dialled for this call.
type leg struct {
	id       string
	target   policy.Target
	kind     string // assistant, screening, forward
	endpoint string
	gone     bool
}

// testHookPhase lets a test inject a failure (a panic) when a call reaches a phase
// (alerted, answered, pushed, bridged), to prove the fail-open path; nil in production.
var testHookPhase func(phase, exec string)

func phase(name, exec string) {
	if testHookPhase != nil {
		testHookPhase(name, exec)
	}
}

func newIncomingCall(ev *ari.StasisStart) behaviour {
	c := &incomingCall{legs: map[string]*leg{}}
	if len(ev.Args) > 1 {
		c.exec = ev.Args[1]
	}
	return c
}

func (c *incomingCall) run(ctx context.Context, s *session) behaviour {
	c.s, c.cli, c.caller = s, s.env.cli, s.start.Channel
	c.start = s.env.clock.Now()
	setupCtx, cancel := s.env.setup.setupContext(ctx, s.arrived)
	if why := s.env.setup.enter(setupCtx); why != "" {
		cancel()
		if ctx.Err() != nil { // execassist stops: fail open as for any call
			c.failOpen(ctx, s, "execassist stopped")
			return nil
		}
		c.overload(ctx, why)
		return nil
	}
	c.setupCtx = setupCtx
	set := c.setUp(ctx)
	expired := c.setupExpired()
	c.setupCtx = nil
	cancel()
	s.env.setup.leave()
	if !set {
		return nil
	}
	if expired && !c.settled && c.winner == nil {
		// Asterisk (or we) took longer than the deadline to set the call up: the legs
		// that exist are released and the caller goes to the executive at once.
		c.releaseLegs(ctx)
		c.overload(ctx, "not set up within "+s.env.setup.deadline.String())
		return nil
	}
	c.publish()
	return c.loop(ctx)
}

// setUp decides and creates the legs, within the setup deadline of ctx; false when the
// call needs nothing more (not filtered, or the deadline passed before it was decided).
func (c *incomingCall) setUp(ctx context.Context) bool {
	s := c.s
	snap := s.env.settings.Snapshot()
	c.cfg = snap.Config
	call := c.callFacts(c.setupCtx)
	c.dec = policy.Decide(snap.Config, snap.Runtime, c.exec, call, c.start)
	s.log.Debug().Str("executive", c.exec).Strs("reasons", c.dec.Reasons).Bool("filtered", c.dec.Filtered).Msg("decision")
	switch {
	case !c.dec.Filtered:
		c.normal(ctx, "not filtered")
		return false
	case c.setupExpired():
		c.overload(ctx, "not decided within "+s.env.setup.deadline.String())
		return false
	}
	c.alert(ctx)
	return true
}

// setupExpired: the call is being set up and its setup deadline has passed.
func (c *incomingCall) setupExpired() bool {
	return c.setupCtx != nil && errors.Is(c.setupCtx.Err(), context.DeadlineExceeded)
}

// published is the call as the registry shows it while it rings.
func (c *incomingCall) published() execCall {
	e := execCall{owner: c.s.ref(), exec: c.exec, callerName: c.caller.Caller.Name, callerNumber: c.caller.Caller.Number,
		arrived: c.s.began}
	for _, l := range c.legs {
		if !l.gone && l.kind != "forward" && !slices.Contains(e.ringing, l.target.Who) {
			e.ringing = append(e.ringing, l.target.Who)
		}
	}
	slices.Sort(e.ringing)
	return e
}

// publish shows the ringing call in the registry (status, the API's live calls); once
// answered the conversation publishes it, once handed back to the dialplan it is gone.
func (c *incomingCall) publish() {
	switch {
	case c.winner != nil || c.conv != nil:
	case c.handled || c.done:
		c.s.env.registry.remove(c.s)
	default:
		c.s.env.registry.set(c.published())
	}
}

// callFacts gathers what the policy needs from the caller's channel.
func (c *incomingCall) callFacts(ctx context.Context) policy.Call {
	ch := c.caller
	call := policy.Call{CallerNumber: ch.Caller.Number, CallerName: ch.Caller.Name, Dialled: ch.Dialplan.Exten}
	num := strings.ToLower(ch.Caller.Number)
	switch {
	case num == "anonymous" || strings.EqualFold(ch.Caller.Name, "anonymous"):
		call.Anonymous = true
	case num == "" || num == "unknown" || num == "unavailable":
		call.Unavailable = true
	}
	origin, ok := ch.ChannelVars["EXECASSIST_ORIGIN"]
	if !ok && ch.ChannelVars == nil {
		// ari.conf has no channelvars = EXECASSIST_ORIGIN: ask for it.
		origin, _ = c.cli.Channel().GetVariable(ctx, ch.Key(), "EXECASSIST_ORIGIN")
	}
	call.Origin = strings.ToLower(origin)
	dialled, ok := ch.ChannelVars["EXECASSIST_DIALLED"]
	if !ok && ch.ChannelVars == nil {
		dialled, _ = c.cli.Channel().GetVariable(ctx, ch.Key(), "EXECASSIST_DIALLED")
	}
	if dialled != "" {
		call.Dialled = dialled
	}
	return call
}

// loop handles events until the call is over (nil) or answered (its conversation owns
// it next).
func (c *incomingCall) loop(ctx context.Context) behaviour {
	for !c.done {
		msg := c.s.next()
		if msg == nil {
			// execassist is stopping: leave answered calls connected (their bridge
			// stays in Asterisk); put callers still ringing back on the normal path.
			if !c.settled {
				c.failOpen(ctx, c.s, "execassist stopped")
			}
			return nil
		}
		c.handle(ctx, msg)
		c.publish()
	}
	if c.conv != nil {
		return c.conv
	}
	return nil
}

func (c *incomingCall) handle(ctx context.Context, msg message) {
	var e ari.Event
	switch m := msg.(type) {
	case timerFired:
		if m.name == "rollover" && !c.handled {
			c.doRollover(ctx, "no answer within "+c.dec.Rollover.After.String())
		}
		return
	case control:
		m.reply <- refusal("the call is not answered yet")
		return
	case resyncNeeded:
		c.resync(ctx)
		return
	case eventMsg:
		e = m.Event
	}
	id := ari.ChannelID(e)
	if id == c.caller.ID {
		switch e.(type) {
		case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
			c.callerGone(ctx, "caller-hung-up")
		}
		return
	}
	l := c.legs[id]
	if l == nil {
		return
	}
	c.s.log.Debug().Str("leg", id).Str("event", e.Header().Type).Bool("gone", l.gone).Msg("leg event")
	switch ev := e.(type) {
	case *ari.StasisStart:
		if c.handled && l.kind != "forward" {
			c.hangup(ctx, l, "normal")
			return
		}
		if err := c.cli.Channel().Dial(ctx, ari.NewKey(ari.ChannelKey, l.id), "", c.legTimeout(l)); err != nil {
			c.s.log.Info().Err(err).Str("leg", l.id).Msg("dial failed")
			c.legGone(ctx, l)
		}
	case *ari.ChannelStateChange:
		if ev.Channel.State == "Up" {
			c.answered(ctx, l)
		}
	case *ari.StasisEnd, *ari.ChannelDestroyed:
		c.legGone(ctx, l)
	}
}

// resync re-reads the caller and the legs after events may have been lost: a caller
// gone, a leg gone or a leg answered during the outage is acted on now.
func (c *incomingCall) resync(ctx context.Context) {
	if _, err := c.cli.Channel().Data(ctx, c.caller.Key()); errors.Is(err, ari.ErrNotFound) {
		c.callerGone(ctx, "caller-hung-up")
		return
	}
	for _, l := range c.legs {
		if l.gone || c.done {
			continue
		}
		d, err := c.cli.Channel().Data(ctx, ari.NewKey(ari.ChannelKey, l.id))
		switch {
		case errors.Is(err, ari.ErrNotFound):
			c.legGone(ctx, l)
		case err == nil && d.State == "Up":
			c.answered(ctx, l)
		}
	}
}

// after posts timerFired{name} to the session's mailbox once d has passed.
func (s *session) after(d time.Duration, name string) clock.Timer {
	return s.env.clock.AfterFunc(d, func() { s.box.put(timerFired{name: name}) })
}
