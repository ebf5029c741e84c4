package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
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

// overload continues a call we cannot set up in time at once (fail open, SPEC 5).
func (c *incomingCall) overload(ctx context.Context, why string) {
	c.handled, c.done, c.settled = true, true, true
	c.s.log.Warn().Str("executive", c.exec).Str("why", why).Msg("overload: the call continues to the executive")
	continueCaller(ctx, c.cli, c.s.start.Channel.Key(), c.s.log)
	c.dec.Reasons = append(c.dec.Reasons, "overload: "+why)
	c.overloaded()
}

func (c *incomingCall) overloaded() {
	c.outcome = "overload:continued"
	c.journal(c.outcome, "", 0)
	c.s.env.setup.continued.Add(1)
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

func (c *incomingCall) alert(ctx context.Context) {
	if err := c.cli.Channel().Ring(ctx, c.caller.Key()); err != nil && ari.IsGone(err) {
		c.callerGone(ctx, "caller-hung-up")
		return
	}
	if ro := c.dec.Rollover; ro.Enabled {
		c.rollover = c.s.after(ro.After, "rollover")
	}
	if len(c.dec.Screening) > 0 {
		c.startTargets(ctx, c.dec.Screening, "screening")
	}
	if c.dec.Mode == "sequential" {
		c.startStep(ctx)
	} else {
		c.startTargets(ctx, c.dec.Assistants, "assistant")
	}
	if c.setupExpired() {
		return // legs failed for our lateness, not the assistants': run continues the caller
	}
	phase("alerted", c.exec)
	c.checkExhausted(ctx)
}

// startStep alerts the current sequential assistant; a target whose legs all fail at
// once (busy, unreachable) moves on to the next one.
func (c *incomingCall) startStep(ctx context.Context) {
	for c.step < len(c.dec.Assistants) {
		if c.startTarget(ctx, c.dec.Assistants[c.step], "assistant") > 0 {
			return
		}
		c.step++
	}
}

// startTarget creates a leg for each endpoint of t; it returns how many were created.
func (c *incomingCall) startTarget(ctx context.Context, t policy.Target, kind string) int {
	return c.startTargets(ctx, []policy.Target{t}, kind)
}

// startTargets creates the legs of several targets at once (in parallel: a fork's
// legs should ring together) and returns how many were created.
func (c *incomingCall) startTargets(ctx context.Context, targets []policy.Target, kind string) int {
	var legs []*leg
	for _, t := range targets {
		c.tried = append(c.tried, t.Who+"@"+t.Location)
		for _, ep := range t.Endpoints {
			legs = append(legs, c.newLeg(t, kind, ep))
		}
	}
	errs := make([]error, len(legs))
	if len(legs) == 1 {
		errs[0] = c.create(ctx, legs[0])
	} else {
		var wg sync.WaitGroup
		for i, l := range legs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = c.create(ctx, l) }()
		}
		wg.Wait()
	}
	n := 0
	for i, l := range legs {
		if errs[i] == nil {
			n++
			continue
		}
		l.gone = true
		var ae *ari.Error
		if !errors.As(errs[i], &ae) {
			// No answer from Asterisk (timeout, stop): the leg may exist; make sure not.
			c.s.release(ctx, l.id, "normal")
		}
		c.s.log.Info().Err(errs[i]).Str("endpoint", l.endpoint).Str("who", l.target.Who).Msg("leg could not be created; moving on")
	}
	return n
}

func (c *incomingCall) createLeg(ctx context.Context, t policy.Target, kind, endpoint string) bool {
	return c.startTargets(ctx, []policy.Target{{Who: t.Who, Name: t.Name, Location: t.Location, Endpoints: []string{endpoint}, AlertInfo: t.AlertInfo}}, kind) == 1
}

// newLeg registers a leg under the channel id we give it, before it exists, so its
// StasisStart (which may beat the create response) finds it.
func (c *incomingCall) newLeg(t policy.Target, kind, endpoint string) *leg {
	c.nextLeg++
	l := &leg{id: c.caller.ID + "-" + c.s.id + "-" + strconv.Itoa(c.nextLeg), target: t, kind: kind, endpoint: endpoint}
	c.legs[l.id] = l
	return l
}

// create asks Asterisk for the leg; safe to run in parallel (it reads only l and c.dec).
// Assistants see the caller ID the executive's settings compose; the far end of a
// forward sees the original caller.
func (c *incomingCall) create(ctx context.Context, l *leg) error {
	out := outgoingLeg{id: l.id, endpoint: l.endpoint, originator: c.caller.ID,
		shownName: c.dec.CallerIDName, shownNum: c.dec.CallerIDNumber, alertInfo: l.target.AlertInfo}
	if l.kind == "forward" {
		out.shownName, out.shownNum, out.alertInfo = c.caller.Caller.Name, c.caller.Caller.Number, ""
	}
	if c.setupCtx != nil {
		ctx = c.setupCtx
	}
	return createLeg(ctx, c.cli, c.s.id, out)
}

// legTimeout bounds every leg's dial so nothing rings forever if execassist dies.
func (c *incomingCall) legTimeout(l *leg) time.Duration {
	if l.kind == "assistant" && c.dec.Mode == "sequential" {
		return time.Duration(c.dec.RingsPerAssistant) * c.dec.RingDuration
	}
	if c.dec.Rollover.Enabled {
		return c.dec.Rollover.After + 5*time.Second
	}
	return 0
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

// answered: the first answer wins; any later one is released.
func (c *incomingCall) answered(ctx context.Context, l *leg) {
	if l.gone {
		return
	}
	if c.winner != nil || (c.handled && l.kind != "forward") {
		c.hangup(ctx, l, "answered_elsewhere")
		return
	}
	c.winner = l
	c.stopRollover()
	// Known as an executive call from the moment it is answered: a FAC dialled right
	// away finds it, and waits in the mailbox until the call is bridged.
	answeredAt := c.s.env.clock.Now()
	entry := c.published()
	entry.ringing, entry.answeredAt, entry.answeredBy = nil, answeredAt, l.target.Who
	switch l.kind {
	case "assistant":
		entry.assistant, entry.device = l.target.Who, l.endpoint
	case "screening":
		entry.atExec = true
	}
	c.s.env.registry.set(entry)
	var losers []*leg
	for _, other := range c.legs {
		if other != l && !other.gone {
			other.gone = true
			losers = append(losers, other)
		}
	}
	c.handled = true
	// The losers are released while the caller is answered: nobody waits on them.
	for _, other := range losers {
		c.s.release(ctx, other.id, "answered_elsewhere")
	}
	who := l.target.Who
	if l.kind == "screening" {
		who = "executive@" + l.target.Location
	}
	if l.kind == "forward" {
		who = "forward@" + l.endpoint
	}
	bridge, err := connectCall(ctx, c.cli, c.caller.ID, l.id, true)
	c.bridge = bridge
	if err != nil {
		if bridge == nil && ari.IsGone(err) {
			c.callerGone(ctx, "caller-hung-up")
		} else {
			c.bridgeFailed(ctx, l, err)
		}
		return
	}
	after := c.s.env.clock.Now().Sub(c.start)
	c.outcome = "answered"
	if l.kind == "forward" {
		c.outcome = "rollover:forward"
	}
	c.done = true
	c.s.log.Info().Str("executive", c.exec).Str("answered_by", who).Dur("after", after).Msg("call answered")
	c.journal(c.outcome, who, after)
	role := map[string]partyRole{"assistant": roleAssistant, "screening": roleExecutive, "forward": roleForward}[l.kind]
	first := &party{id: l.id, role: role, who: l.target.Who, device: l.endpoint}
	remote := party{id: c.caller.ID, role: roleRemote, name: c.caller.Caller.Name, number: c.caller.Caller.Number}
	c.conv = newConversation(c.s, c.cfg, c.cfg.User(c.exec), c.bridge, remote, first, c.caller.ID, answeredAt)
	c.conv.remoteInDialplan = true
	c.bridge, c.settled = nil, true // the conversation owns them now
}

// bridgeFailed: the caller and the answering leg could not be connected. The caller is
// not dropped: it goes on in the dialplan (the executive's own Dial), the leg and any
// bridge are released, and the journal says so.
func (c *incomingCall) bridgeFailed(ctx context.Context, l *leg, err error) {
	c.s.log.Error().Err(err).Str("leg", l.id).Msg("could not bridge the caller with the answering leg; continuing the caller in the dialplan")
	c.hangup(ctx, l, "normal")
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
	c.winner = nil
	c.s.env.registry.remove(c.s)
	c.dec.Reasons = append(c.dec.Reasons, "bridging failed: "+err.Error())
	c.stopRollover()
	c.settled, c.done = true, true
	continueCaller(ctx, c.cli, c.caller.Key(), c.s.log)
	c.outcome = "bridge-failed:continued"
	c.journal(c.outcome, "", 0)
}

func (c *incomingCall) legGone(ctx context.Context, l *leg) {
	if l.gone {
		return
	}
	l.gone = true
	if c.handled {
		if l.kind == "forward" && c.winner == nil {
			c.forwardFailed(ctx)
		}
		return
	}
	if l.kind == "assistant" && c.dec.Mode == "sequential" && !c.targetAlive(c.step) {
		c.step++
		c.startStep(ctx)
	}
	c.checkExhausted(ctx)
}

// targetAlive reports whether the sequential step still has a live leg.
func (c *incomingCall) targetAlive(step int) bool {
	if step >= len(c.dec.Assistants) {
		return false
	}
	who := c.dec.Assistants[step].Who
	for _, l := range c.legs {
		if l.kind == "assistant" && l.target.Who == who && !l.gone {
			return true
		}
	}
	return false
}

// checkExhausted rolls over when no assistant is left to alert.
func (c *incomingCall) checkExhausted(ctx context.Context) {
	if c.handled {
		return
	}
	for _, l := range c.legs {
		if l.kind == "assistant" && !l.gone {
			return
		}
	}
	if c.dec.Mode == "sequential" && c.step < len(c.dec.Assistants) {
		return
	}
	c.doRollover(ctx, "no assistant left to alert")
}

func (c *incomingCall) doRollover(ctx context.Context, why string) {
	c.stopRollover()
	c.handled = true
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	action, to := c.dec.Rollover.Action, c.dec.RolloverTo
	c.s.log.Info().Str("executive", c.exec).Str("why", why).Str("action", action).Msg("rollover")
	c.dec.Reasons = append(c.dec.Reasons, "rollover: "+why)
	if to.Endpoint != "" {
		if !c.createLeg(ctx, policy.Target{Who: "forward", Location: "forward"}, "forward", to.Endpoint) {
			c.forwardFailed(ctx)
		}
		return
	}
	c.continueTo(ctx, to)
	c.finish(ctx, "rollover:"+action)
}

// continueTo puts the caller back on the dialplan where the decision says; a label
// without a context is at the caller's own extension. An executive with its own mailbox
// has it passed in EXECASSIST_MAILBOX, which the dialplan include gives to VoiceMail.
func (c *incomingCall) continueTo(ctx context.Context, to policy.RolloverTarget) {
	c.settled = true
	if to.Mailbox != "" {
		if err := c.cli.Channel().SetVariable(ctx, c.caller.Key(), "EXECASSIST_MAILBOX", to.Mailbox); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("mailbox not passed to the dialplan; the executive's extension is used")
		}
	}
	t := ari.ContinueTarget{Context: to.Context, Extension: to.Extension, Priority: to.Priority, Label: to.Label}
	if t.Context == "" {
		t.Context, t.Extension = c.caller.Dialplan.Context, c.caller.Dialplan.Exten
	}
	continueCaller(ctx, c.cli, c.caller.Key(), c.s.log, t)
}

// forwardFailed: the forward destination did not answer; voice messaging is the
// safe place for the caller.
func (c *incomingCall) forwardFailed(ctx context.Context) {
	c.s.log.Info().Str("executive", c.exec).Msg("rollover forward failed; voice messaging instead")
	c.continueTo(ctx, policy.VoicemailTarget(c.cfg.User(c.exec), c.cfg.EffectiveDialing()))
	c.finish(ctx, "rollover:forward-failed:voice-messaging")
}

func (c *incomingCall) callerGone(ctx context.Context, outcome string) {
	c.finish(ctx, outcome)
}

// finish releases everything and records the outcome; the session ends after it. A
// caller continued into the dialplan (rollover) is left alone; any other is hung up.
func (c *incomingCall) finish(ctx context.Context, outcome string) {
	c.handled, c.settled = true, true
	c.outcome = outcome
	c.cleanup(ctx, !strings.HasPrefix(outcome, "rollover:"))
	c.journal(c.outcome, "", 0)
	c.done = true
}

func (c *incomingCall) cleanup(ctx context.Context, hangCaller bool) {
	c.stopRollover()
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	if hangCaller {
		c.s.release(ctx, c.caller.ID, "normal")
	}
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
}

func (c *incomingCall) hangup(ctx context.Context, l *leg, reason string) {
	l.gone = true
	c.s.release(ctx, l.id, reason)
}

func (c *incomingCall) stopRollover() {
	if c.rollover != nil {
		c.rollover.Stop()
		c.rollover = nil
	}
}

// normal sends the call on to the executive through the dialplan and journals why.
func (c *incomingCall) normal(ctx context.Context, reason string) {
	c.handled, c.done, c.settled = true, true, true
	c.s.log.Info().Str("executive", c.exec).Str("reason", reason).Msg("call continues to the executive")
	continueCaller(ctx, c.cli, c.s.start.Channel.Key(), c.s.log)
	c.outcome = "continued"
	c.journal("continued", "", 0)
}

// failOpen releases every leg and bridge of the call and, unless the caller already went
// on (dialplan, hang-up, conversation), continues it at the next priority: the
// executive's own Dial.
func (c *incomingCall) failOpen(ctx context.Context, s *session, reason string) {
	if c.s == nil {
		c.s, c.cli, c.caller = s, s.env.cli, s.start.Channel
	}
	if c.conv != nil {
		c.conv.failOpen(ctx, s, reason)
		return
	}
	c.releaseLegs(ctx)
	if c.settled {
		return
	}
	c.dec.Filtered = false
	c.dec.Reasons = append(c.dec.Reasons, reason)
	c.normal(ctx, reason)
}

// releaseLegs stops the rollover timer, hangs up every leg, destroys the bridge and
// takes the call off the live list.
func (c *incomingCall) releaseLegs(ctx context.Context) {
	c.stopRollover()
	for _, l := range c.legs {
		if !l.gone {
			c.hangup(ctx, l, "normal")
		}
	}
	if c.bridge != nil {
		if err := c.cli.Bridge().Delete(ctx, c.bridge); err != nil && !ari.IsGone(err) {
			c.s.log.Warn().Err(err).Msg("destroy bridge")
		}
		c.bridge = nil
	}
	c.s.env.registry.remove(c.s)
}

func (c *incomingCall) journal(outcome, answeredBy string, after time.Duration) {
	decision := "normal"
	if c.dec.Filtered {
		decision = "filtered"
	}
	c.s.env.journal(store.JournalEntry{At: c.s.env.clock.Now(), CallID: c.caller.ID, Kind: "call", Executive: c.exec,
		Caller: c.caller.Caller.Number, Decision: decision, Reasons: c.dec.Reasons, Legs: c.tried,
		AnsweredBy: answeredBy, AnswerAfter: after, Outcome: outcome})
}

// after posts timerFired{name} to the session's mailbox once d has passed.
func (s *session) after(d time.Duration, name string) clock.Timer {
	return s.env.clock.AfterFunc(d, func() { s.box.put(timerFired{name: name}) })
}
