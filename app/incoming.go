package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
)

// incomingCall is a call to an executive: Stasis(execassist,exec,<extension>). It is the
// call's first state: its StasisStart is decided with the policy core within the setup
// deadline, and the call goes on ringing (assistants alerted), or back to the dialplan.
type incomingCall struct {
	exec   string
	s      *session
	cli    ari.Client
	caller ari.ChannelData
	dec    policy.Decision
	cfg    *config.Config
	start  time.Time

	// name is the caller's recorded name ("" when none): the answering assistant
	// hears it first.
	name    string
	legs    map[string]*leg
	nextLeg int
	step    int // sequential: index of the assistant being alerted
	tried   []string
	// setupCtx bounds the REST calls that set the call up (reading the caller, creating
	// legs) by the setup deadline; nil once the call is set up.
	setupCtx context.Context
}

// legKind is what a leg of an incoming call rings.
type legKind string

const (
	legAssistant legKind = "assistant" // an assistant of the pool
	legScreening legKind = "screening" // one of the executive's screening locations
	legForward   legKind = "forward"   // the rollover's forward number
)

// leg is one channel execassist dialled for this call.
type leg struct {
	id       string
	target   policy.Target
	kind     legKind
	endpoint string
	gone     bool
	// autoAnswer: the leg carries the auto-answer header (answered from the console).
	autoAnswer bool
}

// testHookPhase lets a test inject a failure (a panic) when a call reaches a phase
// (alerted, answered, pushed, bridged), to prove the fail-open path; nil in production.
var testHookPhase func(phase, exec string)

func phase(name, exec string) {
	if testHookPhase != nil {
		testHookPhase(name, exec)
	}
}

func newIncomingCall(ev *ari.StasisStart) state {
	c := &incomingCall{legs: map[string]*leg{}}
	if len(ev.Args) > 1 {
		c.exec = ev.Args[1]
	}
	return c
}

// handle takes the call's StasisStart: the setup gate, the decision and the alerting,
// all within the setup deadline; past it the caller goes to the executive at once.
func (c *incomingCall) handle(ctx context.Context, s *session, _ message) state {
	c.bind(s)
	c.start = s.env.clock.Now()
	setupCtx, cancel := s.env.setup.setupContext(ctx, s.arrived)
	defer cancel()
	if why := s.env.setup.enter(setupCtx); why != "" {
		if ctx.Err() != nil { // execassist stops: fail open as for any call
			return c.normal(ctx, "execassist stopped")
		}
		return c.overload(ctx, why)
	}
	c.setupCtx = setupCtx
	next := c.setUp(ctx)
	expired := c.setupExpired()
	c.setupCtx = nil
	s.env.setup.leave()
	if next != nil && expired {
		// Asterisk (or we) took longer than the deadline to set the call up: the legs
		// that exist are released and the caller goes to the executive at once.
		c.releaseLegs(ctx)
		return c.overload(ctx, "not set up within "+s.env.setup.deadline.String())
	}
	if r, ok := next.(*ringing); ok {
		r.publish()
	}
	return next
}

// bind attaches the call to its session; the caller is the call's from the start.
func (c *incomingCall) bind(s *session) {
	if c.s == nil {
		c.s, c.cli, c.caller = s, s.env.cli, s.start.Channel
		s.own(c.caller.ID)
		s.begin(recordCall, c.exec, c.caller.Caller.Number)
	}
}

// setUp decides and alerts, within the setup deadline of c.setupCtx.
func (c *incomingCall) setUp(ctx context.Context) state {
	s := c.s
	snap := s.env.settings.Snapshot()
	c.cfg = snap.Config
	call := c.callFacts(c.setupCtx)
	c.dec = policy.Decide(s.env.plans.of(snap), c.exec, call, c.start)
	s.log.Debug().Str("executive", c.exec).Strs("reasons", c.dec.Reasons).Bool("filtered", c.dec.Filtered).Msg("decision")
	switch {
	case c.dec.ElsewhereAction != "":
		return c.elsewhere(ctx)
	case !c.dec.Filtered:
		return c.normal(ctx, "not filtered")
	case c.setupExpired():
		return c.overload(ctx, "not decided within "+s.env.setup.deadline.String())
	case c.dec.RecordName:
		return c.askName(ctx)
	}
	return c.alert(ctx)
}

// setupExpired: the call is being set up and its setup deadline has passed.
func (c *incomingCall) setupExpired() bool {
	return c.setupCtx != nil && errors.Is(c.setupCtx.Err(), context.DeadlineExceeded)
}

// stopping before the call was decided: back to the dialplan.
func (c *incomingCall) stopping(ctx context.Context, s *session) {
	c.bind(s)
	c.failOpen(ctx, s, "execassist stopped")
}

// failOpen continues the caller at the next priority (the executive's own Dial) unless
// it already went on; the teardown releases every leg and bridge.
func (c *incomingCall) failOpen(ctx context.Context, s *session, reason string) {
	c.bind(s)
	if !s.res.holds(c.caller.ID) {
		return
	}
	c.dec.Filtered = false
	c.dec.Reasons = append(c.dec.Reasons, reason)
	c.normal(ctx, reason)
}

// published is the call as the registry shows it while it rings.
func (c *incomingCall) published() execCall {
	e := execCall{owner: c.s.ref(), exec: c.exec, callerName: c.caller.Caller.Name, callerNumber: c.caller.Caller.Number,
		arrived: c.s.began}
	for _, l := range c.legs {
		if !l.gone && l.kind != legForward && !slices.Contains(e.ringing, l.target.Who) {
			e.ringing = append(e.ringing, l.target.Who)
		}
	}
	slices.Sort(e.ringing)
	return e
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

// callerLeft: e says the channel it is about has left the call.
func callerLeft(e ari.Event) bool {
	switch e.(type) {
	case *ari.StasisEnd, *ari.ChannelDestroyed, *ari.ChannelHangupRequest:
		return true
	}
	return false
}
