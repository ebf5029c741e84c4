package app

import (
	"context"

	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/store"
)

// incomingCall is a call to an executive: Stasis(execassist,exec,<extension>).
type incomingCall struct {
	exec string
}

func newIncomingCall(ev *ari.StasisStart) behaviour {
	c := &incomingCall{}
	if len(ev.Args) > 1 {
		c.exec = ev.Args[1]
	}
	return c
}

func (c *incomingCall) run(ctx context.Context, s *session) {
	snap := s.app.store.Snapshot()
	u := snap.Config.User(c.exec)
	switch {
	case u == nil:
		c.normal(ctx, s, "unknown executive "+c.exec)
	case u.Executive == nil:
		c.normal(ctx, s, c.exec+" does not have the executive service")
	default:
		c.normal(ctx, s, "filtering is not handled by this version")
	}
}

// normal sends the call on to the executive through the dialplan and journals why.
func (c *incomingCall) normal(ctx context.Context, s *session, reason string) {
	s.log.Info().Str("executive", c.exec).Str("reason", reason).Msg("call continues to the executive")
	continueNext(ctx, s.app.cli, s.start.Channel.Key(), s.log)
	s.app.journal(store.JournalEntry{CallID: s.start.Channel.ID, Kind: "call", Executive: c.exec,
		Caller: s.start.Channel.Caller.Number, Decision: "normal", Reasons: []string{reason}, Outcome: "continued"})
}

func (c *incomingCall) failOpen(ctx context.Context, s *session, reason string) {
	c.normal(ctx, s, reason)
}

func (a *App) journal(e store.JournalEntry) {
	if a.store == nil {
		return
	}
	if err := a.store.AppendJournal(e); err != nil {
		a.log.Warn().Err(err).Str("call", e.CallID).Msg("journal write failed")
	}
}
