package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// JournalEntry is one call or FAC as it ended: what was decided and what happened.
type JournalEntry struct {
	At          time.Time     `json:"at"`
	CallID      string        `json:"call_id"`
	Kind        string        `json:"kind"` // call | fac
	Executive   string        `json:"executive,omitempty"`
	Caller      string        `json:"caller,omitempty"`
	Decision    string        `json:"decision"` // normal | filtered | refused | ...
	Reasons     []string      `json:"reasons,omitempty"`
	Legs        []string      `json:"legs,omitempty"` // who was alerted, in order
	AnsweredBy  string        `json:"answered_by,omitempty"`
	AnswerAfter time.Duration `json:"answer_after,omitempty"`
	Outcome     string        `json:"outcome,omitempty"` // answered, rollover:voice-messaging, caller-hung-up ...
}

// AppendJournal stores entries and prunes entries beyond the retention bounds, in one
// transaction (so a writer that drains a queue pays one fsync for many calls).
func (s *Store) AppendJournal(entries ...JournalEntry) error {
	raws := make([][]byte, len(entries))
	for i := range entries {
		if entries[i].At.IsZero() {
			entries[i].At = s.opts.Now()
		}
		raw, err := json.Marshal(entries[i])
		if err != nil {
			return fmt.Errorf("store: encode journal entry: %w", err)
		}
		raws[i] = raw
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bJournal)
		meta := tx.Bucket(bMeta)
		count := 0
		if raw := meta.Get([]byte("journal_count")); len(raw) == 8 {
			count = int(binary.BigEndian.Uint64(raw))
		}
		for i, raw := range raws {
			seq, _ := b.NextSequence()
			key := make([]byte, 16)
			binary.BigEndian.PutUint64(key, uint64(entries[i].At.UnixNano()))
			binary.BigEndian.PutUint64(key[8:], seq)
			if err := b.Put(key, raw); err != nil {
				return err
			}
			count++
		}
		cutoff := uint64(s.opts.Now().Add(-s.opts.JournalMaxAge).UnixNano())
		excess := count - s.opts.JournalMaxEntries
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.First() {
			if excess <= 0 && binary.BigEndian.Uint64(k) >= cutoff {
				break
			}
			if err := c.Delete(); err != nil {
				return err
			}
			excess--
			count--
		}
		n := make([]byte, 8)
		binary.BigEndian.PutUint64(n, uint64(count))
		return meta.Put([]byte("journal_count"), n)
	})
}

// JournalFilter selects entries for `execassist calls`.
type JournalFilter struct {
	Executive string
	Since     time.Time
	Limit     int
}

// Journal lists matching entries, oldest first.
func (s *Store) Journal(f JournalFilter) ([]JournalEntry, error) {
	var out []JournalEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bJournal).Cursor()
		start := make([]byte, 8)
		if !f.Since.IsZero() {
			binary.BigEndian.PutUint64(start, uint64(f.Since.UnixNano()))
		}
		for k, v := c.Seek(start); k != nil; k, v = c.Next() {
			var e JournalEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("store: journal entry: %w", err)
			}
			if f.Executive != "" && e.Executive != f.Executive {
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, err
}
