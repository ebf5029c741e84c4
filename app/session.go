package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// shutdownGrace bounds the REST calls sessions still make once execassist is told to
// stop (continuing callers, releasing legs): a hung Asterisk cannot hold up a shutdown.
const shutdownGrace = 3 * time.Second

// session is one call's actor. Only its own goroutine touches its fields after start:
// it owns the call's only receive loop, its state, the resources the call holds in
// Asterisk and their one teardown.
type session struct {
	stop  context.Context // done when execassist stops: only for waiting on messages
	id    string
	app   *App // lifecycle only (dispatcher maps, wait group); states use env
	env   *callEnv
	box   *mailbox
	start *ari.StasisStart
	log   zerolog.Logger
	done  chan struct{} // closed when the session has ended
	began time.Time     // when the call reached execassist (the injected clock)
	// arrived is the wall time the call reached execassist: its setup deadline counts
	// from it.
	arrived time.Time
	// facUser is the extension whose device dialled this FAC session, for the call
	// session it joins.
	facUser string
	// res is what the call holds in Asterisk: filled where legs, bridges, playbacks
	// and timers are created, emptied by release and teardown only.
	res resources
	// rec is the call's record, written once by the teardown (nil: nothing to record).
	rec *store.JournalEntry
	// cdr are the reasons written to the call's CDR userfield so far (markCDR).
	cdr []cdrReason
	// releases are hang-ups running in the background; the session waits for them
	// only when it ends.
	releases sync.WaitGroup
}

func newSession(a *App, id string, start *ari.StasisStart, log zerolog.Logger) *session {
	s := &session{id: id, app: a, env: a.env, box: newMailbox(), start: start, log: log, done: make(chan struct{}),
		began: a.clock.Now(), arrived: time.Now()}
	s.res.init()
	return s
}

// state is what a call is doing now (ringing, talking, pushing, collecting digits ...).
// Each state handles the messages it accepts and says which state the call is in next:
// itself, another one, or nil when the call is over. The session's loop is the only
// place a call waits for messages.
type state interface {
	// handle acts on one message.
	handle(ctx context.Context, s *session, m message) state
	// stopping: execassist is stopping. An answered call stays connected in Asterisk
	// (it keeps its resources out of the teardown); a call still being set up goes
	// back to the normal dialplan.
	stopping(ctx context.Context, s *session)
	// failOpen, after a panic, puts a caller back on the normal dialplan path when it
	// can; the teardown releases the rest.
	failOpen(ctx context.Context, s *session, reason string)
}

// run drives the call from its first state to its end, then tears it down. The
// context it gives states outlives a shutdown by shutdownGrace, so that REST calls made
// while stopping (continue callers: fail open) still reach Asterisk; the stop context
// only ends the waiting for messages.
func (s *session) run(stop context.Context, first state) {
	s.stop = stop
	ctx, cancel := context.WithCancel(context.WithoutCancel(stop))
	unhook := context.AfterFunc(stop, func() { time.AfterFunc(shutdownGrace, cancel) })
	defer func() { unhook(); cancel() }()
	defer s.app.wg.Done()
	defer s.app.active.Add(-1)
	defer s.end()
	for st := first; st != nil; {
		m := s.next()
		if m == nil {
			s.guard(ctx, st, func() { st.stopping(ctx, s) })
			break
		}
		st = s.deliver(ctx, st, m)
	}
	s.teardown(ctx)
}

// deliver lets st handle m; a panic makes st fail open and ends the call.
func (s *session) deliver(ctx context.Context, st state, m message) (next state) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error().Str("panic", fmt.Sprint(r)).Str("stack", string(debug.Stack())).Msg("session failed; failing open")
			s.guard(ctx, st, func() { st.failOpen(ctx, s, fmt.Sprintf("internal error: %v", r)) })
			next = nil
		}
	}()
	return st.handle(ctx, s, m)
}

// guard runs f (stopping or failing open); a panic there is logged, never re-raised:
// the teardown still runs.
func (s *session) guard(_ context.Context, _ state, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error().Str("panic", fmt.Sprint(r)).Msg("failing open failed too")
		}
	}()
	f()
}

// end removes the session and its channels from the dispatcher's maps and the
// registry of executive calls.
func (s *session) end() {
	s.env.registry.remove(s)
	close(s.done)
	s.app.onDispatcher(func() {
		delete(s.app.sessions, s.id)
		for id, owner := range s.app.owners {
			if owner == s {
				delete(s.app.owners, id)
			}
		}
	})
}

// next waits for the next event or internal message; nil when execassist stops. A
// timer that was stopped or re-armed after it fired is dropped here: states see only
// the timers they armed last.
func (s *session) next() message {
	for {
		if v, ok := s.box.take(); ok {
			if t, ok := v.(timerFired); ok && !s.res.current(t) {
				continue
			}
			return v
		}
		select {
		case <-s.box.signal:
		case <-s.stop.Done():
			return nil
		}
	}
}

// unknownEntry handles a StasisStart whose arguments execassist does not know: the
// dialplan sent something it should not; the call continues there.
type unknownEntry struct{}

func newUnknownEntry(*ari.StasisStart) state { return unknownEntry{} }

func (unknownEntry) handle(ctx context.Context, s *session, _ message) state {
	s.log.Warn().Strs("args", s.start.Args).Msg("unknown Stasis arguments; continuing in the dialplan")
	s.continueCaller(ctx)
	return nil
}

func (unknownEntry) stopping(ctx context.Context, s *session) { s.continueCaller(ctx) }

func (unknownEntry) failOpen(ctx context.Context, s *session, _ string) { s.continueCaller(ctx) }
