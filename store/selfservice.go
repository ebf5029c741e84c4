package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// AuditEntry records one self-service change: who, what, before, after, when, from
// where. Before and After are the parts of the resource (as the API shows it) that the
// change altered, each at most a few kilobytes.
type AuditEntry struct {
	At       time.Time       `json:"at"`
	Who      string          `json:"who"`  // extension or admin name
	Role     string          `json:"role"` // executive, assistant, admin
	From     string          `json:"from"` // remote address
	Resource string          `json:"resource"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
}

// ChangeRuntime is one self-service write. apply changes the runtime state, seeing the
// provisioning it lays over (config.WithRuntime(prov, *rt) is the effective
// configuration, before and after: to check an ETag, build the new section from the
// old, record the audit). The configuration that results is validated as a whole with the YAML
// import's validator; the state and audit (filled in by apply) are written in one
// transaction, or nothing is. Validation problems come back as config.Errors.
func (s *Store) ChangeRuntime(audit *AuditEntry, apply func(prov *config.Config, rt *config.Runtime) error) error {
	return s.update(func(w writer) error {
		rt, err := readRuntime(w)
		if err != nil {
			return err
		}
		prov, err := s.checkProvisioning(w)
		if err != nil {
			return err
		}
		before := config.Runtime{Assistants: maps.Clone(rt.Assistants)}
		if err := apply(prov, &rt); err != nil {
			return err
		}
		eff := config.WithRuntime(prov, rt)
		if errs := config.Validate(eff, nil); len(errs) > 0 {
			return errs
		}
		if errs := config.ValidateRuntime(eff, before, rt); len(errs) > 0 {
			return errs
		}
		if err := putJSON(w, bRuntime, "state", rt); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		if audit.At.IsZero() {
			audit.At = s.opts.Now().UTC()
		}
		return s.appendAudit(w, *audit)
	})
}

func readRuntime(r reader) (config.Runtime, error) {
	var rt config.Runtime
	raw, err := r.get(bRuntime, []byte("state"))
	if err != nil {
		return rt, err
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &rt); err != nil {
			return rt, fmt.Errorf("store: runtime: %w", err)
		}
	}
	if rt.Executives == nil {
		rt.Executives = map[string]config.ExecutiveState{}
	}
	if rt.Assistants == nil {
		rt.Assistants = map[string]config.AssistantState{}
	}
	return rt, nil
}

// auditMax bounds the audit log; the oldest records go first.
const auditMax = 100_000

func (s *Store) appendAudit(w writer, e AuditEntry) error {
	e.Before, e.After = changedOnly(e.Before, e.After)
	seq, err := w.sequence(bAudit)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := w.put(bAudit, s.orderedKey(e.At, seq), raw); err != nil {
		return err
	}
	n, err := w.count(bAudit)
	if err != nil || n < auditMax {
		return err
	}
	return w.scan(bAudit, nil, false, func(k, _ []byte) error {
		if n < auditMax {
			return errStop
		}
		n--
		return w.delete(bAudit, k)
	})
}

// orderedKey is a journal or audit key: time, sequence and node, so that every node's
// records sort by time together and never collide.
func (s *Store) orderedKey(at time.Time, seq uint64) []byte {
	key := binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano()))
	key = binary.BigEndian.AppendUint64(key, seq)
	return append(key, s.opts.Node...)
}

// Audit lists audit records, newest first: all (who == "") or one user's, at most limit.
func (s *Store) Audit(who string, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.kv.view(func(r reader) error {
		return r.scan(bAudit, nil, true, func(k, v []byte) error {
			if limit > 0 && len(out) >= limit {
				return errStop
			}
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("store: audit record %x: %w", k, err)
			}
			if who == "" || e.Who == who {
				out = append(out, e)
			}
			return nil
		})
	})
	return out, err
}

// SetSecretHash stores the argon2id hash a user signs in with (`execassist user
// passwd`); it wins over a secret_hash in the YAML. The change is audited, the hash is
// not.
func (s *Store) SetSecretHash(ext, hash string, audit AuditEntry) error {
	return s.update(func(w writer) error {
		if err := w.put(bAccounts, []byte(ext), []byte(hash)); err != nil {
			return err
		}
		if audit.At.IsZero() {
			audit.At = s.opts.Now().UTC()
		}
		return s.appendAudit(w, audit)
	})
}

// adminKey is where an admin created at start (EXECASSIST_ADMIN_SECRET) keeps its hash
// in the accounts bucket: no extension has a colon, so it meets no user.
func adminKey(name string) []byte { return []byte("admin:" + name) }

// SetAdminHash stores the hash of an admin created from the environment at start (the
// first admin of a new install, before the YAML names any), with its audit entry.
func (s *Store) SetAdminHash(name, hash string, audit AuditEntry) error {
	return s.update(func(w writer) error {
		if err := w.put(bAccounts, adminKey(name), []byte(hash)); err != nil {
			return err
		}
		if audit.At.IsZero() {
			audit.At = s.opts.Now().UTC()
		}
		return s.appendAudit(w, audit)
	})
}

// AdminHash returns the hash of an admin created from the environment; "" if none.
func (s *Store) AdminHash(name string) (string, error) {
	var h string
	err := s.kv.view(func(r reader) error {
		raw, err := r.get(bAccounts, adminKey(name))
		h = string(raw)
		return err
	})
	return h, err
}

// SecretHash returns the hash user ext signs in with: the one set with `user passwd`,
// else the YAML's; "" when the user has none (and cannot sign in).
func (s *Store) SecretHash(ext string) (string, error) {
	var h string
	err := s.kv.view(func(r reader) error {
		raw, err := r.get(bAccounts, []byte(ext))
		h = string(raw)
		return err
	})
	if err == nil && h == "" {
		if u := s.Snapshot().Provisioned.User(ext); u != nil {
			h = u.SecretHash
		}
	}
	return h, err
}
