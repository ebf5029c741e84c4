package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// JournalEntry is one call or FAC as it ended: what was decided and what happened.
type JournalEntry struct {
	At          time.Time     `json:"at"`
	CallID      string        `json:"call_id"`
	Kind        string        `json:"kind"` // call | fac
	Executive   string        `json:"executive,omitempty"`
	Caller      string        `json:"caller,omitempty"`
	CallerName  string        `json:"caller_name,omitempty"`
	Decision    string        `json:"decision"` // normal | filtered | refused | ...
	Reasons     []string      `json:"reasons,omitempty"`
	Legs        []string      `json:"legs,omitempty"` // who was alerted, in order
	AnsweredBy  string        `json:"answered_by,omitempty"`
	AnswerAfter time.Duration `json:"answer_after,omitempty"`
	Outcome     string        `json:"outcome,omitempty"` // answered, rollover:voice-messaging, caller-hung-up ...
	Node        string        `json:"node,omitempty"`    // the execassist (Asterisk) the call was on
	// Steps are what happened to the call after its answer, in order: pushes, recalls,
	// retrieves, bridges, transfers.
	Steps []JournalStep `json:"steps,omitempty"`
	// EndCause is who or what ended an answered call (caller-hung-up,
	// assistant-hung-up, failed ...); Ended is when the call's session ended.
	EndCause string    `json:"end_cause,omitempty"`
	Ended    time.Time `json:"ended,omitzero"`
}

// JournalStep is one thing that happened to an answered call.
type JournalStep struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`         // pushed, recalled, retrieved by 1001, transferred by 1002 to ...
	By   string    `json:"by,omitempty"` // the extension that did it, when one did
}

// journalBounds keeps counting the journal cheap: the number of entries is counted once
// at open and estimated after, and counted again only when the estimate passes the
// bound (on etcd other nodes append too, so it is also recounted every recountEvery
// appends).
type journalBounds struct {
	estimate atomic.Int64
	appended atomic.Int64
}

const recountEvery = 1000

// A journal entry is bounded: at most maxReasons reason lines of at most maxReasonLen
// bytes, maxSteps steps, and maxLegs legs; what is cut is said in the last line kept. (An executive's
// custom filters each add a reason: an entry once held 408 lines, 55 KB.)
const (
	maxReasons   = 48
	maxReasonLen = 400
	maxLegs      = 64
	maxSteps     = 48
)

// bounded cuts an entry to the bounds above.
func (e JournalEntry) bounded() JournalEntry {
	if n := len(e.Reasons); n > maxReasons || slices.ContainsFunc(e.Reasons, func(r string) bool { return len(r) > maxReasonLen }) {
		kept := make([]string, 0, min(n, maxReasons))
		for i, r := range e.Reasons {
			if i == maxReasons-1 && n > maxReasons {
				kept = append(kept, fmt.Sprintf("... %d more reasons not kept (execassist explain shows them all)", n-i))
				break
			}
			if len(r) > maxReasonLen {
				r = strings.ToValidUTF8(r[:maxReasonLen], "") + "..."
			}
			kept = append(kept, r)
		}
		e.Reasons = kept
	}
	if len(e.Steps) > maxSteps {
		cut := len(e.Steps) - maxSteps + 1
		e.Steps = append(slices.Clip(e.Steps[:maxSteps-1]), JournalStep{At: e.Steps[len(e.Steps)-1].At,
			What: fmt.Sprintf("... %d more steps not kept", cut)})
	}
	e.Steps = slices.Clone(e.Steps)
	for i := range e.Steps {
		if len(e.Steps[i].What) > maxReasonLen {
			e.Steps[i].What = strings.ToValidUTF8(e.Steps[i].What[:maxReasonLen], "") + "..."
		}
	}
	if len(e.Legs) > maxLegs {
		e.Legs = append(slices.Clip(e.Legs[:maxLegs-1]), fmt.Sprintf("... %d more", len(e.Legs)-maxLegs+1))
	}
	return e
}

// AppendJournal stores entries and prunes entries beyond the retention bounds, in one
// transaction (so a writer that drains a queue pays one fsync for many calls). Each
// entry is stamped with this node's name.
func (s *Store) AppendJournal(entries ...JournalEntry) error {
	raws := make([][]byte, len(entries))
	for i := range entries {
		if entries[i].At.IsZero() {
			entries[i].At = s.opts.Now()
		}
		if entries[i].Node == "" {
			entries[i].Node = s.opts.Node
		}
		entries[i] = entries[i].bounded()
		raw, err := json.Marshal(entries[i])
		if err != nil {
			return fmt.Errorf("store: encode journal entry: %w", err)
		}
		raws[i] = raw
	}
	recount := s.journal.estimate.Add(int64(len(raws))) > int64(s.opts.JournalMaxEntries) ||
		s.journal.appended.Add(int64(len(raws)))%recountEvery < int64(len(raws))
	return s.kv.update(func(w writer) error {
		for i, raw := range raws {
			seq, err := w.sequence(bJournal)
			if err != nil {
				return err
			}
			if err := w.put(bJournal, s.orderedKey(entries[i].At, seq), raw); err != nil {
				return err
			}
		}
		return s.pruneJournal(w, len(raws), recount)
	})
}

// pruneJournal deletes entries older than JournalMaxAge and, when recount says the
// bound may be passed, the oldest beyond JournalMaxEntries. added entries are pending in
// w (not seen by its count).
func (s *Store) pruneJournal(w writer, added int, recount bool) error {
	excess := 0
	if recount {
		n, err := w.count(bJournal)
		if err != nil {
			return err
		}
		s.journal.estimate.Store(int64(n + added))
		excess = n + added - s.opts.JournalMaxEntries
	}
	cutoff := uint64(s.opts.Now().Add(-s.opts.JournalMaxAge).UnixNano())
	return w.scan(bJournal, nil, false, func(k, _ []byte) error {
		if excess <= 0 && (len(k) < 8 || binary.BigEndian.Uint64(k) >= cutoff) {
			return errStop
		}
		excess--
		s.journal.estimate.Add(-1)
		return w.delete(bJournal, k)
	})
}

// JournalFilter selects entries for `execassist calls`.
type JournalFilter struct {
	Executive string
	Since     time.Time
	Limit     int
}

// Journal lists matching entries of every node, oldest first.
func (s *Store) Journal(f JournalFilter) ([]JournalEntry, error) {
	var out []JournalEntry
	var start []byte
	if !f.Since.IsZero() {
		start = binary.BigEndian.AppendUint64(nil, uint64(f.Since.UnixNano()))
	}
	err := s.kv.view(func(r reader) error {
		return r.scan(bJournal, start, false, func(_, v []byte) error {
			var e JournalEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("store: journal entry: %w", err)
			}
			if f.Executive != "" && e.Executive != f.Executive {
				return nil
			}
			out = append(out, e)
			return nil
		})
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, err
}
