// Package store keeps execassist's provisioning (imported from YAML), its runtime state
// (what executives and assistants change themselves) and the call journal in one bbolt
// file.
//
// Invariants:
//   - Every write is one bbolt transaction: an import is all or nothing, a killed process
//     leaves the last committed state.
//   - Provisioning and runtime live in separate buckets: an import replaces provisioning
//     and keeps runtime unless asked to reset it.
//   - Reads on the call path never touch the disk: Snapshot returns an immutable copy
//     rebuilt after each committed write.
//   - The file carries a schema version; Open migrates older files in one transaction and
//     refuses newer ones.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/execassist/execassist/internal/config"
	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this build writes.
const SchemaVersion = 2

var (
	bMeta      = []byte("meta")
	bSettings  = []byte("settings")  // provisioning: dialing, codes, defaults
	bSchedules = []byte("schedules") // provisioning: name -> Schedule
	bUsers     = []byte("users")     // provisioning: order key -> User
	bRuntime   = []byte("runtime")   // self-service state
	bJournal   = []byte("journal")   // call journal, time-ordered keys
	bAccounts  = []byte("accounts")  // extension -> argon2id hash set with `user passwd`
	bAudit     = []byte("audit")     // self-service changes, sequence keys

	provisioning = [][]byte{bSettings, bSchedules, bUsers}
)

// migrations[v] upgrades a file from version v to v+1 inside the open transaction.
var migrations = map[int]func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bMeta, bSettings, bSchedules, bUsers, bRuntime, bJournal} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
	1: func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bAccounts, bAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	},
}

// Options tune a Store.
type Options struct {
	// JournalMaxEntries and JournalMaxAge bound the call journal (defaults 100 000, 30 days).
	JournalMaxEntries int
	JournalMaxAge     time.Duration
	// Now is the clock for journal retention and import stamps (default time.Now).
	Now func() time.Time
	// beforeUserPut is a test hook called before each user is written during an import.
	beforeUserPut func(i int)
}

// Store is an open execassist database.
type Store struct {
	db       *bolt.DB
	path     string
	readOnly bool
	tmpDir   string // OpenReader's snapshot copy, removed by Close
	opts     Options
	wmu      sync.Mutex // serialises writers so snapshots are rebuilt in commit order
	snap     atomic.Pointer[Snapshot]
}

// Snapshot is an immutable view of the store; share it freely, never modify it.
type Snapshot struct {
	// Config is what calls are decided with: the provisioning with what users changed
	// themselves laid over it (config.WithRuntime); export and explain show it.
	Config *config.Config
	// Provisioned is the imported provisioning alone.
	Provisioned *config.Config
	Runtime     config.Runtime
	ImportedAt  time.Time
	Source      string
	superseded  chan struct{}
}

// Superseded is closed when a newer snapshot replaces this one: the console's event
// stream waits on it to tell people about setting changes, whoever made them (FAC,
// API, import, reload), without polling.
func (s *Snapshot) Superseded() <-chan struct{} { return s.superseded }

// ErrLocked means another process (usually a running `execassist serve`) holds the file.
var ErrLocked = errors.New("store: the database is in use by another execassist process (is serve running?)")

// Open opens or creates the file at path for serve and the commands that write, checks
// it (a damaged file is refused with ErrDamaged, never crashes or is taken for a new
// store), tightens its permissions to 0600 and migrates it to SchemaVersion.
func Open(path string, opts Options) (*Store, error) {
	if opts.JournalMaxEntries <= 0 {
		opts.JournalMaxEntries = 100_000
	}
	if opts.JournalMaxAge <= 0 {
		opts.JournalMaxAge = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	db, err := openChecked(path, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &Store{db: db, path: path, opts: opts}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.reload(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// OpenReader opens an existing store for reading only (explain, calls, config export,
// store check): it never creates, migrates or changes a file, and it works while serve
// holds the file, by reading a verified snapshot copy of it.
func OpenReader(path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("store: no store at %s (serve --config or config import creates one)", path)
	}
	db, err := openChecked(path, &bolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if errors.Is(err, ErrLocked) {
		return openSnapshotCopy(path)
	}
	if err != nil {
		return nil, err
	}
	return newReader(db, path, "")
}

// openSnapshotCopy copies a file that serve holds and opens the copy. A copy taken while
// serve commits can be torn: it is verified, and taken again when it is.
func openSnapshotCopy(path string) (*Store, error) {
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		dir, err := os.MkdirTemp("", "execassist-read-")
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		cp := filepath.Join(dir, "snapshot.db")
		if err := copyFile(path, cp); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		db, err := openChecked(cp, &bolt.Options{ReadOnly: true})
		if err == nil {
			s, err := newReader(db, path, dir)
			if err == nil {
				return s, nil
			}
			last = err
		} else {
			last = err
		}
		os.RemoveAll(dir)
		time.Sleep(50 * time.Millisecond)
	}
	return nil, fmt.Errorf("store: %s is in use and no consistent copy of it could be read: %w", path, last)
}

func newReader(db *bolt.DB, path, tmpDir string) (*Store, error) {
	s := &Store{db: db, path: path, readOnly: true, tmpDir: tmpDir,
		opts: Options{JournalMaxEntries: 100_000, JournalMaxAge: 30 * 24 * time.Hour, Now: time.Now}}
	if _, v := s.counts(); v != SchemaVersion {
		s.Close()
		return nil, fmt.Errorf("store: %s has schema version %d, this execassist reads %d: open it once with serve or config import", path, v, SchemaVersion)
	}
	if err := s.reload(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// counts returns the number of journal entries and the schema version.
func (s *Store) counts() (journal, schema int) {
	_ = s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bJournal); b != nil {
			journal = b.Stats().KeyN
		}
		if m := tx.Bucket(bMeta); m != nil {
			schema, _ = strconv.Atoi(string(m.Get([]byte("schema_version"))))
		}
		return nil
	})
	return journal, schema
}

// Close closes the file (and removes OpenReader's snapshot copy).
func (s *Store) Close() error {
	err := s.db.Close()
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
	return err
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		v := 0
		if m := tx.Bucket(bMeta); m != nil {
			if raw := m.Get([]byte("schema_version")); raw != nil {
				n, err := strconv.Atoi(string(raw))
				if err != nil {
					return fmt.Errorf("store: corrupt schema version %q", raw)
				}
				v = n
			}
		}
		if v > SchemaVersion {
			return fmt.Errorf("store: schema version %d is newer than this execassist understands (%d); upgrade execassist", v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			m := migrations[v]
			if m == nil {
				return fmt.Errorf("store: no migration from schema version %d", v)
			}
			if err := m(tx); err != nil {
				return fmt.Errorf("store: migrate from schema version %d: %w", v, err)
			}
		}
		return tx.Bucket(bMeta).Put([]byte("schema_version"), []byte(strconv.Itoa(SchemaVersion)))
	})
}

// Snapshot returns the current view without touching the disk.
func (s *Store) Snapshot() *Snapshot { return s.snap.Load() }

// reload rebuilds the snapshot from the file; called at Open and after each write.
func (s *Store) reload() error {
	snap := &Snapshot{Config: &config.Config{}, superseded: make(chan struct{})}
	err := s.db.View(func(tx *bolt.Tx) error {
		cfg := snap.Config
		st := tx.Bucket(bSettings)
		for key, dst := range map[string]any{"dialing": &cfg.Dialing, "codes": &cfg.Codes, "prompts": &cfg.Prompts, "defaults": &cfg.Defaults, "admins": &cfg.Admins} {
			if raw := st.Get([]byte(key)); raw != nil {
				if err := json.Unmarshal(raw, dst); err != nil {
					return fmt.Errorf("store: settings %s: %w", key, err)
				}
			}
		}
		if err := tx.Bucket(bSchedules).ForEach(func(k, v []byte) error {
			var sc config.Schedule
			if err := json.Unmarshal(v, &sc); err != nil {
				return fmt.Errorf("store: schedule %s: %w", k, err)
			}
			if cfg.Schedules == nil {
				cfg.Schedules = map[string]config.Schedule{}
			}
			cfg.Schedules[string(k)] = sc
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			var u config.User
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("store: user %s: %w", k, err)
			}
			cfg.Users = append(cfg.Users, u)
			return nil
		}); err != nil {
			return err
		}
		if raw := tx.Bucket(bRuntime).Get([]byte("state")); raw != nil {
			if err := json.Unmarshal(raw, &snap.Runtime); err != nil {
				return fmt.Errorf("store: runtime: %w", err)
			}
		}
		m := tx.Bucket(bMeta)
		if raw := m.Get([]byte("imported_at")); raw != nil {
			snap.ImportedAt, _ = time.Parse(time.RFC3339Nano, string(raw))
		}
		snap.Source = string(m.Get([]byte("source")))
		return nil
	})
	if err != nil {
		return err
	}
	snap.Provisioned = snap.Config
	snap.Config = config.WithRuntime(snap.Provisioned, snap.Runtime)
	if old := s.snap.Swap(snap); old != nil {
		close(old.superseded)
	}
	return nil
}

// update runs one write transaction and refreshes the snapshot after it commits.
func (s *Store) update(f func(tx *bolt.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.db.Update(f); err != nil {
		return err
	}
	return s.reload()
}

// ImportOptions modify Import.
type ImportOptions struct {
	Source       string // the file name, for `config export` and logs
	ResetRuntime bool   // also forget what users changed themselves
}

// Import replaces the provisioning with cfg (already validated) in one transaction.
func (s *Store) Import(cfg *config.Config, opts ImportOptions) error {
	p := cfg.Provisioning()
	return s.update(func(tx *bolt.Tx) error {
		for _, b := range provisioning {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		st := tx.Bucket(bSettings)
		for key, v := range map[string]any{"dialing": p.Dialing, "codes": p.Codes, "prompts": p.Prompts, "defaults": p.Defaults, "admins": p.Admins} {
			if err := putJSON(st, key, v); err != nil {
				return err
			}
		}
		names := make([]string, 0, len(p.Schedules))
		for n := range p.Schedules {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := putJSON(tx.Bucket(bSchedules), n, p.Schedules[n]); err != nil {
				return err
			}
		}
		for i, u := range p.Users {
			if s.opts.beforeUserPut != nil {
				s.opts.beforeUserPut(i)
			}
			// Keys keep file order (the order admins wrote users in).
			if err := putJSON(tx.Bucket(bUsers), fmt.Sprintf("%08d", i), u); err != nil {
				return err
			}
		}
		if opts.ResetRuntime {
			if err := tx.Bucket(bRuntime).Delete([]byte("state")); err != nil {
				return err
			}
		}
		m := tx.Bucket(bMeta)
		if err := m.Put([]byte("imported_at"), []byte(s.opts.Now().UTC().Format(time.RFC3339Nano))); err != nil {
			return err
		}
		return m.Put([]byte("source"), []byte(opts.Source))
	})
}

func putJSON(b *bolt.Bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", key, err)
	}
	return b.Put([]byte(key), raw)
}

// Export returns the effective configuration (provisioning with users' own changes),
// without secrets, for `config export`.
func (s *Store) Export() *config.Config { return s.Snapshot().Config.WithoutSecrets() }

// updateRuntime applies f to a copy of the runtime state in one transaction.
func (s *Store) updateRuntime(f func(rt *config.Runtime) error) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRuntime)
		rt, err := readRuntime(b)
		if err != nil {
			return err
		}
		if err := f(&rt); err != nil {
			return err
		}
		return putJSON(b, "state", rt)
	})
}

// SetFiltering records #61 / #62 for an executive.
func (s *Store) SetFiltering(exec string, on bool) error {
	return s.updateRuntime(func(rt *config.Runtime) error {
		st := rt.Executives[exec]
		st.Filtering = &on
		rt.Executives[exec] = st
		return nil
	})
}

// SetOptIn records #65 / #66: assistant asst opting in to or out of exec's calls.
func (s *Store) SetOptIn(asst, exec string, in bool) error {
	return s.updateRuntime(func(rt *config.Runtime) error {
		st := rt.Assistants[asst]
		m := map[string]bool{}
		for k, v := range st.OptedIn {
			m[k] = v
		}
		m[exec] = in
		st.OptedIn = m
		rt.Assistants[asst] = st
		return nil
	})
}

// SetDivert records an assistant's own divert setting.
func (s *Store) SetDivert(asst string, d config.Divert) error {
	return s.updateRuntime(func(rt *config.Runtime) error {
		st := rt.Assistants[asst]
		st.Divert = &d
		rt.Assistants[asst] = st
		return nil
	})
}
