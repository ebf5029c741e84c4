package store

// Sign-in sessions kept in the store, so that a restart of serve (a deploy) signs
// nobody out, and the nodes of a cluster share them. A session is stored under the
// SHA-256 of its token: the store never holds a token, so a copy of the store signs
// nobody in.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// SessionRecord is one sign-in: who, and when it was last used (written coarsely:
// the API keeps the exact time in memory).
type SessionRecord struct {
	User     string    `json:"user"`
	Admin    bool      `json:"admin,omitempty"`
	LastSeen time.Time `json:"last_seen"`
}

// MaxSessions bounds the sessions kept: past it, the least recently used go first.
const MaxSessions = 10_000

func sessionKey(hash [32]byte) []byte { return []byte(hex.EncodeToString(hash[:])) }

// PutSession stores (or refreshes) the session whose token hashes to hash.
func (s *Store) PutSession(hash [32]byte, r SessionRecord) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: encode session: %w", err)
	}
	return s.kv.update(func(w writer) error { return w.put(bSessions, sessionKey(hash), raw) })
}

// Session returns the session whose token hashes to hash; false when there is none.
func (s *Store) Session(hash [32]byte) (SessionRecord, bool, error) {
	var r SessionRecord
	var raw []byte
	err := s.kv.view(func(rd reader) error {
		var err error
		raw, err = rd.get(bSessions, sessionKey(hash))
		return err
	})
	if err != nil || raw == nil {
		return r, false, err
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, false, fmt.Errorf("store: session: %w", err)
	}
	return r, true, nil
}

// DeleteSession ends the session whose token hashes to hash (sign-out, expiry).
func (s *Store) DeleteSession(hash [32]byte) error {
	return s.kv.update(func(w writer) error { return w.delete(bSessions, sessionKey(hash)) })
}

// PruneSessions deletes the sessions last used before unused, and the least recently
// used beyond MaxSessions; it returns how many went.
func (s *Store) PruneSessions(unused time.Time) (int, error) {
	type kept struct {
		key  []byte
		seen time.Time
	}
	var all []kept
	err := s.kv.view(func(rd reader) error {
		return rd.scan(bSessions, nil, false, func(k, v []byte) error {
			var r SessionRecord
			if json.Unmarshal(v, &r) != nil {
				r.LastSeen = time.Time{} // unreadable: pruned
			}
			all = append(all, kept{key: append([]byte(nil), k...), seen: r.LastSeen})
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	var gone [][]byte
	var live []kept
	for _, k := range all {
		if k.seen.Before(unused) {
			gone = append(gone, k.key)
		} else {
			live = append(live, k)
		}
	}
	if over := len(live) - MaxSessions; over > 0 {
		slices.SortFunc(live, func(a, b kept) int { return a.seen.Compare(b.seen) })
		for _, k := range live[:over] {
			gone = append(gone, k.key)
		}
	}
	if len(gone) == 0 {
		return 0, nil
	}
	return len(gone), s.kv.update(func(w writer) error {
		for _, k := range gone {
			if err := w.delete(bSessions, k); err != nil {
				return err
			}
		}
		return nil
	})
}
