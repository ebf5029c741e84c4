// Package store keeps execassist's provisioning (imported from YAML), its runtime state
// (what executives and assistants change themselves) and the call journal: in one bbolt
// file (one node, the default), or in etcd shared by every node of a cluster.
//
// Invariants:
//   - Every write is one transaction (bbolt's, or an etcd Txn guarded by the revisions
//     of what it read): an import is all or nothing, a killed process leaves the last
//     committed state, two nodes writing at once never lose either change.
//   - Provisioning and runtime live in separate buckets: an import replaces provisioning
//     and keeps runtime unless asked to reset it.
//   - Reads on the call path never touch the disk or the network: Snapshot returns an
//     immutable copy rebuilt after each committed write (and, on etcd, after each change
//     another node made, through a watch).
//   - The file carries a schema version; Open migrates older files in one transaction and
//     refuses newer ones.
package store

import (
	"crypto/rand"
	"encoding/hex"
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
const SchemaVersion = 3

// Options tune a Store.
type Options struct {
	// JournalMaxEntries and JournalMaxAge bound the call journal (defaults 100 000, 30 days).
	JournalMaxEntries int
	JournalMaxAge     time.Duration
	// Now is the clock for journal retention and import stamps (default time.Now).
	Now func() time.Time
	// Node names this execassist in the journal and to the other nodes (default: the
	// host name).
	Node string
	// beforeUserPut is a test hook called before each user is written during an import.
	beforeUserPut func(i int)
}

// Store is an open execassist database.
type Store struct {
	kv       backend
	bolt     *bolt.DB     // bbolt only: integrity checks and last good copies
	etcd     *etcdBackend // etcd only: the watch, presence and the local snapshot
	path     string
	readOnly bool
	tmpDir   string // OpenReader's snapshot copy, removed by Close
	opts     Options
	wmu      sync.Mutex // serialises this process's writers
	rmu      sync.Mutex // serialises reloads so a snapshot never replaces a newer one
	snap     atomic.Pointer[Snapshot]
	journal  journalBounds
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
	// Revision is the etcd revision the snapshot was read at (0 on bbolt).
	Revision   int64
	stamp      string // meta/import_id: a writer compares it with the stored one
	superseded chan struct{}
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
	if err := newBoltBackend(db, path).migrate(); err != nil {
		db.Close()
		return nil, err
	}
	s := newStore(newBoltBackend(db, path), path, opts)
	s.bolt = db
	if err := s.start(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func newStore(kv backend, path string, opts Options) *Store {
	if opts.JournalMaxEntries <= 0 {
		opts.JournalMaxEntries = 100_000
	}
	if opts.JournalMaxAge <= 0 {
		opts.JournalMaxAge = 30 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Node == "" {
		opts.Node, _ = os.Hostname()
	}
	return &Store{kv: kv, path: path, opts: opts}
}

// start reads the first snapshot and the journal's size.
func (s *Store) start() error {
	if err := s.reload(); err != nil {
		return err
	}
	return s.kv.view(func(r reader) error {
		n, err := r.count(bJournal)
		s.journal.estimate.Store(int64(n))
		return err
	})
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
	s := newStore(newBoltBackend(db, path), path, Options{})
	s.bolt, s.readOnly, s.tmpDir = db, true, tmpDir
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
	_ = s.kv.view(func(r reader) error {
		journal, _ = r.count(bJournal)
		raw, _ := r.get(bMeta, []byte("schema_version"))
		schema, _ = strconv.Atoi(string(raw))
		return nil
	})
	return journal, schema
}

// Close closes the file or the etcd session (and removes OpenReader's snapshot copy).
func (s *Store) Close() error {
	err := s.kv.close()
	if s.tmpDir != "" {
		os.RemoveAll(s.tmpDir)
	}
	return err
}

// Snapshot returns the current view without touching the disk.
func (s *Store) Snapshot() *Snapshot { return s.snap.Load() }

// Node is the name this execassist has in the journal and among the other nodes.
func (s *Store) Node() string { return s.opts.Node }

// reload rebuilds the snapshot from the backend; called at Open, after each write and
// (etcd) when another node changed something.
func (s *Store) reload() error {
	snap := &Snapshot{superseded: make(chan struct{})}
	err := s.kv.view(func(r reader) error {
		prov, rt, meta, err := readState(r)
		if err != nil {
			return err
		}
		snap.Provisioned, snap.Runtime = prov, rt
		snap.stamp, snap.Source = meta["import_id"], meta["source"]
		snap.ImportedAt, _ = time.Parse(time.RFC3339Nano, meta["imported_at"])
		if rr, ok := r.(interface{ revision() int64 }); ok {
			snap.Revision = rr.revision()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.install(snap)
}

// install makes snap the current snapshot unless a newer one is already in place.
func (s *Store) install(snap *Snapshot) error {
	snap.Config = config.WithRuntime(snap.Provisioned, snap.Runtime)
	s.rmu.Lock()
	defer s.rmu.Unlock()
	old := s.snap.Load()
	if old != nil && snap.Revision != 0 && snap.Revision < old.Revision {
		return nil
	}
	s.snap.Store(snap)
	if old != nil {
		close(old.superseded)
	}
	if s.etcd != nil {
		s.etcd.keepLocal(snap)
	}
	return nil
}

// readState reads provisioning, runtime and the import's meta data.
func readState(r reader) (*config.Config, config.Runtime, map[string]string, error) {
	cfg := &config.Config{}
	var rt config.Runtime
	for key, dst := range map[string]any{"dialing": &cfg.Dialing, "codes": &cfg.Codes, "prompts": &cfg.Prompts, "defaults": &cfg.Defaults, "admins": &cfg.Admins, "lists": &cfg.Lists} {
		raw, err := r.get(bSettings, []byte(key))
		if err != nil {
			return nil, rt, nil, err
		}
		if raw != nil {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, rt, nil, fmt.Errorf("store: settings %s: %w", key, err)
			}
		}
	}
	if err := r.scan(bSchedules, nil, false, func(k, v []byte) error {
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
		return nil, rt, nil, err
	}
	if err := r.scan(bUsers, nil, false, func(k, v []byte) error {
		var u config.User
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("store: user %s: %w", k, err)
		}
		cfg.Users = append(cfg.Users, u)
		return nil
	}); err != nil {
		return nil, rt, nil, err
	}
	raw, err := r.get(bRuntime, []byte("state"))
	if err != nil {
		return nil, rt, nil, err
	}
	if raw != nil {
		if err := json.Unmarshal(raw, &rt); err != nil {
			return nil, rt, nil, fmt.Errorf("store: runtime: %w", err)
		}
	}
	meta := map[string]string{}
	for _, k := range []string{"imported_at", "source", "import_id"} {
		v, err := r.get(bMeta, []byte(k))
		if err != nil {
			return nil, rt, nil, err
		}
		meta[k] = string(v)
	}
	return cfg, rt, meta, nil
}

// errStaleSnapshot: a writer found that the provisioning changed (another node
// imported) since the snapshot it validates against; update reloads and runs it again.
var errStaleSnapshot = errors.New("store: provisioning changed under the write")

// update runs one write transaction and refreshes the snapshot after it commits.
func (s *Store) update(f func(w writer) error) error {
	if s.readOnly {
		return errors.New("store: opened for reading only")
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for attempt := 0; ; attempt++ {
		err := s.kv.update(f)
		if errors.Is(err, errStaleSnapshot) && attempt < maxAttempts {
			time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
			if err := s.reload(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		return s.reload()
	}
}

// checkProvisioning makes a writer that validates against the snapshot's provisioning
// fail with errStaleSnapshot when another node imported since.
func (s *Store) checkProvisioning(w writer) (*config.Config, error) {
	snap := s.Snapshot()
	stamp, err := w.get(bMeta, []byte("import_id"))
	if err != nil {
		return nil, err
	}
	if string(stamp) != snap.stamp {
		return nil, errStaleSnapshot
	}
	return snap.Provisioned, nil
}

// ImportOptions modify Import.
type ImportOptions struct {
	Source       string // the file name, for `config export` and logs
	ResetRuntime bool   // also forget what users changed themselves
}

// Import replaces the provisioning with cfg (already validated) in one transaction.
func (s *Store) Import(cfg *config.Config, opts ImportOptions) error {
	p := cfg.Provisioning()
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	return s.update(func(w writer) error {
		for _, b := range provisioning {
			if err := w.clear(b); err != nil {
				return err
			}
		}
		for key, v := range map[string]any{"dialing": p.Dialing, "codes": p.Codes, "prompts": p.Prompts, "defaults": p.Defaults, "admins": p.Admins, "lists": p.Lists} {
			if err := putJSON(w, bSettings, key, v); err != nil {
				return err
			}
		}
		names := make([]string, 0, len(p.Schedules))
		for n := range p.Schedules {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := putJSON(w, bSchedules, n, p.Schedules[n]); err != nil {
				return err
			}
		}
		for i, u := range p.Users {
			if s.opts.beforeUserPut != nil {
				s.opts.beforeUserPut(i)
			}
			// Keys keep file order (the order admins wrote users in).
			if err := putJSON(w, bUsers, fmt.Sprintf("%08d", i), u); err != nil {
				return err
			}
		}
		if opts.ResetRuntime {
			if err := w.delete(bRuntime, []byte("state")); err != nil {
				return err
			}
		}
		for k, v := range map[string]string{"imported_at": s.opts.Now().UTC().Format(time.RFC3339Nano),
			"source": opts.Source, "import_id": hex.EncodeToString(id)} {
			if err := w.put(bMeta, []byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

func putJSON(w writer, bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s: %w", key, err)
	}
	return w.put(bucket, []byte(key), raw)
}

// Export returns the effective configuration (provisioning with users' own changes),
// without secrets, for `config export`.
func (s *Store) Export() *config.Config { return s.Snapshot().Config.WithoutSecrets() }

// updateRuntime applies f to a copy of the runtime state in one transaction.
func (s *Store) updateRuntime(f func(rt *config.Runtime) error) error {
	return s.update(func(w writer) error {
		rt, err := readRuntime(w)
		if err != nil {
			return err
		}
		if err := f(&rt); err != nil {
			return err
		}
		return putJSON(w, bRuntime, "state", rt)
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

// SetAvailability records #69: the executive's status (nil: available again).
func (s *Store) SetAvailability(exec string, a *config.Availability) error {
	return s.updateRuntime(func(rt *config.Runtime) error {
		st := rt.Executives[exec]
		st.Availability = a
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
