package app

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/execassist/execassist/ari"
	"github.com/rs/zerolog"
)

// session is one call's actor. Only its own goroutine touches its fields after start.
type session struct {
	stop  context.Context // done when execassist stops: only for waiting on events
	id    string
	app   *App
	box   *mailbox
	start *ari.StasisStart
	log   zerolog.Logger
	// facUser is the extension whose device dialled this FAC session, for the call
	// session it joins.
	facUser string
}

// run gives the behaviour a context that outlives a shutdown, so that REST calls made
// while stopping (hang up legs, continue callers: fail open) still reach Asterisk; the
// stop context only ends waiting for events.
func (s *session) run(stop context.Context, b behaviour) {
	s.stop = stop
	ctx := context.WithoutCancel(stop)
	defer s.app.wg.Done()
	defer s.app.active.Add(-1)
	defer s.end()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error().Str("panic", fmt.Sprint(r)).Str("stack", string(debug.Stack())).Msg("session failed; failing open")
			b.failOpen(ctx, s, fmt.Sprintf("internal error: %v", r))
		}
	}()
	b.run(ctx, s)
}

// end removes the session and its channels from the dispatcher's maps.
func (s *session) end() {
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
func (s *session) next() any {
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

// unknownEntry handles a StasisStart whose arguments execassist does not know: the
// dialplan sent something it should not; the call continues there.
type unknownEntry struct{}

func newUnknownEntry(*ari.StasisStart) behaviour { return unknownEntry{} }

func (unknownEntry) run(ctx context.Context, s *session) {
	s.log.Warn().Strs("args", s.start.Args).Msg("unknown Stasis arguments; continuing in the dialplan")
	continueNext(ctx, s.app.cli, s.start.Channel.Key(), s.log)
}

func (unknownEntry) failOpen(ctx context.Context, s *session, _ string) {
	continueNext(ctx, s.app.cli, s.start.Channel.Key(), s.log)
}
