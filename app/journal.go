package app

// The call journal: entries are queued, never waited for, and written in batches; what
// the store refuses is kept and tried again.

import (
	"time"

	"github.com/execassist/execassist/store"
)

// journal queues an entry; a call never waits for the disk. If the queue is full
// (the disk cannot keep up) the entry is logged and dropped, never the call.
func (a *App) journal(e store.JournalEntry) {
	a.metrics.record(e)
	if a.store == nil {
		return
	}
	select {
	case a.journalQ <- e:
	default:
		a.log.Warn().Str("call", e.CallID).Str("outcome", e.Outcome).Msg("journal queue full; entry dropped")
	}
}

// journalWriter drains the queue, writing whatever has piled up in one transaction.
func (a *App) journalWriter() {
	defer a.journalW.Done()
	var pending []store.JournalEntry
	for {
		var retry <-chan time.Time
		if len(pending) > 0 {
			retry = time.After(journalRetry)
		}
		select {
		case e, ok := <-a.journalQ:
			if !ok {
				if pending = a.writeJournal(pending); len(pending) > 0 {
					a.log.Error().Int("entries", len(pending)).Msg("execassist stopped with journal entries the store did not take; they are lost")
				}
				return
			}
			pending = append(pending, e)
		more:
			for len(pending)%journalBatch != 0 {
				select {
				case next, ok := <-a.journalQ:
					if !ok {
						break more
					}
					pending = append(pending, next)
				default:
					break more
				}
			}
		case <-retry:
		}
		pending = a.writeJournal(pending)
	}
}

// writeJournal stores entries and returns those the store did not take.
func (a *App) writeJournal(entries []store.JournalEntry) []store.JournalEntry {
	for len(entries) > 0 {
		n := min(len(entries), journalBatch)
		if err := a.store.AppendJournal(entries[:n]...); err != nil {
			if len(entries) > journalKeep {
				a.log.Error().Int("dropped", len(entries)-journalKeep).Msg("journal backlog full; the oldest entries are dropped")
				entries = entries[len(entries)-journalKeep:]
			}
			if a.metrics.journalPending.Swap(int64(len(entries))) == 0 {
				a.log.Warn().Err(err).Int("entries", len(entries)).Msg("journal write failed; kept and retried")
			}
			return entries
		}
		entries = entries[n:]
	}
	if a.metrics.journalPending.Swap(0) != 0 {
		a.log.Info().Msg("journal backlog written")
	}
	return nil
}

// Journal writes go in batches of journalBatch; what the store refuses (etcd
// unreachable) is kept, up to journalKeep entries, and tried again every journalRetry.
const (
	journalBatch = 512
	journalKeep  = 100_000
	journalRetry = 2 * time.Second
)
