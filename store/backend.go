package store

import "errors"

// A backend keeps the store's keys: bucket/key -> value, the same layout on every
// backend (bbolt buckets, or etcd keys <prefix>/<bucket>/<key>), so the Store above it
// neither knows nor cares which one it runs on.
//
// Invariants every backend keeps:
//   - view sees one consistent state (a bbolt read transaction, an etcd revision).
//   - update is all or nothing. It may run f more than once (etcd retries when a key f
//     read changed before the commit), so f has no effects outside the writer.
//   - Keys within a bucket are visited in byte order.
type backend interface {
	view(f func(r reader) error) error
	update(f func(w writer) error) error
	close() error
}

// reader reads one consistent state.
type reader interface {
	// get returns the value, nil when the key is absent.
	get(bucket string, key []byte) ([]byte, error)
	// scan visits the bucket's keys from `from` upwards (nil: from the first), or from
	// the last downwards when reverse; f returns errStop to end early.
	scan(bucket string, from []byte, reverse bool, f func(k, v []byte) error) error
	// count is the number of keys in the bucket.
	count(bucket string) (int, error)
}

// writer changes state inside one update. Scans and counts in a writer see the state
// the update started from, not its own pending writes; gets see them.
type writer interface {
	reader
	put(bucket string, key, val []byte) error
	delete(bucket string, key []byte) error
	// clear deletes every key of the bucket.
	clear(bucket string) error
	// sequence returns a number that increases with every call on this node, for
	// keys that must sort in order of writing (journal, audit).
	sequence(bucket string) (uint64, error)
}

// errStop ends a scan early without an error.
var errStop = errors.New("stop")

// Bucket names: the top level of the key layout.
const (
	bMeta      = "meta"
	bSettings  = "settings"  // provisioning: dialing, codes, defaults
	bSchedules = "schedules" // provisioning: name -> Schedule
	bUsers     = "users"     // provisioning: order key -> User
	bRuntime   = "runtime"   // self-service state
	bJournal   = "journal"   // call journal, keys: time, sequence, node
	bAccounts  = "accounts"  // extension -> argon2id hash set with `user passwd`
	bAudit     = "audit"     // self-service changes, keys: time, sequence, node
	bSessions  = "sessions"  // sign-in sessions by the hex SHA-256 of their token
)

// provisioning is what an import replaces.
var provisioning = []string{bSettings, bSchedules, bUsers}
