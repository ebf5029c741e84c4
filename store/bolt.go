package store

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltBackend keeps the buckets in one bbolt file: the embedded, single-node store.
// bbolt panics on a page it cannot read (a file damaged under a running serve); every
// transaction runs guarded, so that the panic becomes ErrDamaged for this one request,
// the backend remembers that it is damaged (Health, metrics) and the process goes on
// deciding calls from the last snapshot. bbolt rolls the transaction back and releases
// its locks on the way out of the panic.
type boltBackend struct {
	db      *bolt.DB
	path    string
	damaged *atomic.Pointer[damage] // what went wrong first; nil while sound
}

type damage struct {
	why string
	at  time.Time
}

func newBoltBackend(db *bolt.DB, path string) boltBackend {
	return boltBackend{db: db, path: path, damaged: &atomic.Pointer[damage]{}}
}

func (b boltBackend) guard(op string, f func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true)) // a truncated mapping faults
	defer func() {
		if p := recover(); p != nil {
			why := fmt.Sprintf("%s: bbolt: %v", op, p)
			b.damaged.CompareAndSwap(nil, &damage{why: why, at: time.Now()})
			err = damaged(b.path, why)
		}
	}()
	return f()
}

func (b boltBackend) view(f func(r reader) error) error {
	return b.guard("read", func() error { return b.db.View(func(tx *bolt.Tx) error { return f(boltTx{tx}) }) })
}

func (b boltBackend) update(f func(w writer) error) error {
	return b.guard("write", func() error { return b.db.Update(func(tx *bolt.Tx) error { return f(boltTx{tx}) }) })
}

// damage says what made the file unreadable and when, or nil while it is sound.
func (b boltBackend) damage() *damage { return b.damaged.Load() }

func (b boltBackend) close() error { return b.db.Close() }

type boltTx struct{ tx *bolt.Tx }

// bucket returns the named bucket; a file from before the bucket existed (a reader
// never migrates) reads as empty.
func (t boltTx) bucket(name string) *bolt.Bucket { return t.tx.Bucket([]byte(name)) }

func (t boltTx) get(bucket string, key []byte) ([]byte, error) {
	b := t.bucket(bucket)
	if b == nil {
		return nil, nil
	}
	return b.Get(key), nil
}

func (t boltTx) scan(bucket string, from []byte, reverse bool, f func(k, v []byte) error) error {
	b := t.bucket(bucket)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	var k, v []byte
	switch {
	case reverse:
		k, v = c.Last()
	case from != nil:
		k, v = c.Seek(from)
	default:
		k, v = c.First()
	}
	for ; k != nil; k, v = step(c, reverse) {
		if err := f(k, v); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func step(c *bolt.Cursor, reverse bool) ([]byte, []byte) {
	if reverse {
		return c.Prev()
	}
	return c.Next()
}

func (t boltTx) count(bucket string) (int, error) {
	b := t.bucket(bucket)
	if b == nil {
		return 0, nil
	}
	return b.Stats().KeyN, nil
}

func (t boltTx) writable(bucket string) (*bolt.Bucket, error) {
	return t.tx.CreateBucketIfNotExists([]byte(bucket))
}

func (t boltTx) put(bucket string, key, val []byte) error {
	b, err := t.writable(bucket)
	if err != nil {
		return err
	}
	return b.Put(key, val)
}

func (t boltTx) delete(bucket string, key []byte) error {
	b, err := t.writable(bucket)
	if err != nil {
		return err
	}
	return b.Delete(key)
}

func (t boltTx) clear(bucket string) error {
	if err := t.tx.DeleteBucket([]byte(bucket)); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return err
	}
	_, err := t.tx.CreateBucket([]byte(bucket))
	return err
}

func (t boltTx) sequence(bucket string) (uint64, error) {
	b, err := t.writable(bucket)
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

// migrations[v] upgrades a file from version v to v+1 inside the open transaction.
var migrations = map[int]func(tx *bolt.Tx) error{
	0: createBuckets(bMeta, bSettings, bSchedules, bUsers, bRuntime, bJournal),
	1: createBuckets(bAccounts, bAudit),
	2: createBuckets(bSessions),
}

func createBuckets(names ...string) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
				return err
			}
		}
		return nil
	}
}

// migrate brings a file to SchemaVersion in one transaction and refuses newer ones.
func (b boltBackend) migrate() error {
	return b.db.Update(func(tx *bolt.Tx) error {
		v := 0
		if m := tx.Bucket([]byte(bMeta)); m != nil {
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
		return tx.Bucket([]byte(bMeta)).Put([]byte("schema_version"), []byte(strconv.Itoa(SchemaVersion)))
	})
}
