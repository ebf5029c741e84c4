package app

// The call record: one journal entry per call, built by its session as the call goes
// (decision, legs, answer, pushes, retrieves, bridges, transfers, end) and written once,
// at the teardown.

import (
	"time"

	"github.com/execassist/execassist/store"
)

// recordKind is what a session's record is of.
type recordKind string

const (
	recordCall    recordKind = "call"    // a call to an executive
	recordFAC     recordKind = "fac"     // a feature access code (and a call placed with #64)
	recordAdopted recordKind = "adopted" // an answered call found after a restart
)

// begin starts the session's record.
func (s *session) begin(kind recordKind, exec, caller string) *store.JournalEntry {
	s.rec = &store.JournalEntry{At: s.began, CallID: s.start.Channel.ID, Kind: string(kind), Executive: exec, Caller: caller}
	if kind == recordCall {
		s.rec.CallerName = s.start.Channel.Caller.Name
	}
	return s.rec
}

// step adds what happened to the answered call (by: who did it, if someone did).
func (s *session) step(what, by string) {
	if s.rec != nil {
		s.rec.Steps = append(s.rec.Steps, store.JournalStep{At: s.env.clock.Now(), What: what, By: by})
		s.env.registry.stepped(s.id, s.rec.Steps)
	}
}

// ended says who or what ended the answered call, in words and as a class.
func (s *session) ended(cause, why string) {
	if s.rec != nil {
		s.rec.EndCause = cause
		s.step(why, "")
	}
}

// writeRecord queues the record; the teardown calls it once.
func (s *session) writeRecord(now time.Time) {
	if s.rec != nil {
		s.rec.Ended = now
		s.logEnd(*s.rec)
		s.env.journal(*s.rec)
		s.rec = nil
	}
}

// logEnd is the one info line per call at its end: what an admin reads in the log
// (the journal has the whole record; `execassist calls --why` prints it).
func (s *session) logEnd(e store.JournalEntry) {
	ev := s.log.Info().Str("kind", e.Kind).Str("executive", e.Executive).Str("decision", e.Decision).
		Str("outcome", e.Outcome).Dur("duration", e.Ended.Sub(e.At).Round(time.Millisecond))
	if e.AnsweredBy != "" {
		ev = ev.Str("answered_by", e.AnsweredBy).Dur("answer_after", e.AnswerAfter.Round(time.Millisecond))
	}
	if e.EndCause != "" {
		ev = ev.Str("ended_by", e.EndCause)
	}
	ev.Msg("call ended")
}
