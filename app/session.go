package app

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/execassist/execassist/ari"
	"github.com/rs/zerolog"
)

// shutdownGrace bounds the REST calls sessions still make once execassist is told to
// stop (continuing callers, releasing legs): a hung Asterisk cannot hold up a shutdown.
const shutdownGrace = 3 * time.Second

// session is one call's actor. Only its own goroutine touches its fields after start;
// it owns the only event loop of the call and the recover. The behaviour running in it
// owns the call's channels and bridge until it hands them to the next behaviour.
type session struct {
	stop  context.Context // done when execassist stops: only for waiting on events
	id    string
	app   *App // lifecycle only (dispatcher maps, wait group); behaviours use env
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
	// releases are hang-ups running in the background; the session waits for them
	// only when it ends.
	releases sync.WaitGroup
}

func newSession(a *App, id string, start *ari.StasisStart, log zerolog.Logger) *session {
	return &session{id: id, app: a, env: a.env, box: newMailbox(), start: start, log: log, done: make(chan struct{}), began: a.clock.Now(), arrived: time.Now()}
}

// behaviour is one owner of a session's channels: an incoming call, a FAC, a
// conversation, an adopted call.
type behaviour interface {
	// run owns the channels until it returns: nil when the session is over, or the
	// behaviour that owns them next (an answered call becomes a conversation).
	run(ctx context.Context, s *session) behaviour
	// failOpen, after a panic, puts a caller it owns back on the normal dialplan path and
	// releases everything else it owns (legs, joined parties, bridge).
	failOpen(ctx context.Context, s *session, reason string)
}

// run runs behaviours until one ends the session. The context it gives them outlives
// a shutdown by shutdownGrace, so that REST calls made while stopping (hang up legs,
// continue callers: fail open) still reach Asterisk; the stop context only ends waiting
// for events.
func (s *session) run(stop context.Context, b behaviour) {
	s.stop = stop
	ctx, cancel := context.WithCancel(context.WithoutCancel(stop))
	unhook := context.AfterFunc(stop, func() { time.AfterFunc(shutdownGrace, cancel) })
	defer func() { unhook(); cancel() }()
	defer s.app.wg.Done()
	defer s.app.active.Add(-1)
	defer s.end()
	defer s.releases.Wait()
	for b != nil {
		b = s.guarded(ctx, b)
	}
}

// guarded runs one behaviour; a panic makes it fail open and ends the session.
func (s *session) guarded(ctx context.Context, b behaviour) (next behaviour) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error().Str("panic", fmt.Sprint(r)).Str("stack", string(debug.Stack())).Msg("session failed; failing open")
			s.failOpen(ctx, b, fmt.Sprintf("internal error: %v", r))
			next = nil
		}
	}()
	return b.run(ctx, s)
}

// failOpen runs b.failOpen; a panic there too is logged, never re-raised.
func (s *session) failOpen(ctx context.Context, b behaviour, reason string) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error().Str("panic", fmt.Sprint(r)).Msg("failing open failed too")
		}
	}()
	b.failOpen(ctx, s, reason)
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

// next waits for the next event or internal message; nil when execassist stops.
func (s *session) next() message {
	for {
		if v, ok := s.box.take(); ok {
			return v
		}
		select {
		case <-s.box.signal:
		case <-s.stop.Done():
			return nil
		}
	}
}

// release hangs up a channel in the background: the session's loop and its timers
// never wait on a hang-up (a hung Asterisk must not delay a rollover); "already gone"
// is not an error.
func (s *session) release(ctx context.Context, id, reason string) {
	s.releases.Add(1)
	go func() {
		defer s.releases.Done()
		if err := s.env.cli.Channel().Hangup(ctx, ari.NewKey(ari.ChannelKey, id), reason); err != nil && !ari.IsGone(err) {
			s.log.Warn().Err(err).Str("channel", id).Msg("hang up")
		}
	}()
}

// unknownEntry handles a StasisStart whose arguments execassist does not know: the
// dialplan sent something it should not; the call continues there.
type unknownEntry struct{}

func newUnknownEntry(*ari.StasisStart) behaviour { return unknownEntry{} }

func (unknownEntry) run(ctx context.Context, s *session) behaviour {
	s.log.Warn().Strs("args", s.start.Args).Msg("unknown Stasis arguments; continuing in the dialplan")
	continueCaller(ctx, s.env.cli, s.start.Channel.Key(), s.log)
	return nil
}

func (unknownEntry) failOpen(ctx context.Context, s *session, _ string) {
	continueCaller(ctx, s.env.cli, s.start.Channel.Key(), s.log)
}
