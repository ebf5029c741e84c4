package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A damaged file must never crash execassist (a crash loop under systemd) nor be taken
// for an empty store (the journal and runtime state silently gone). Every open checks
// the file first; a last good copy beside it (LastGoodPath) is written after each import
// and periodically by serve, and `execassist store restore` puts it back.

// ErrDamaged wraps every "this file is not a usable store" error.
var ErrDamaged = errors.New("store: damaged")

// LastGoodPath is where the last good copy of the store at path is kept.
func LastGoodPath(path string) string { return path + ".last-good" }

// damaged builds the error an admin sees: which file, what is wrong, what to do.
func damaged(path, what string) error {
	hint := "run `execassist store check` and `execassist store restore` to go back to the last good copy"
	if _, err := os.Stat(LastGoodPath(path)); err != nil {
		hint = "there is no last good copy (" + LastGoodPath(path) + "); move the file aside and re-import the configuration"
	}
	return fmt.Errorf("%w: %s: %s; %s", ErrDamaged, path, what, hint)
}

// preflight refuses files bbolt would misread: empty ones (bbolt would initialise them
// as a new store) and ones too short to hold the two meta pages.
func preflight(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	switch {
	case fi.IsDir():
		return fmt.Errorf("store: %s is a directory, not a store file", path)
	case fi.Size() == 0:
		return damaged(path, "the file is empty (0 bytes), not a store")
	case fi.Size() < 2*int64(os.Getpagesize()):
		return damaged(path, fmt.Sprintf("the file is %d bytes, too short to be a store", fi.Size()))
	}
	return nil
}

// verify reads every page of the file through every bucket, in this goroutine, with
// faults turned into panics, so that a truncated or scribbled file is reported instead
// of crashing the process (bbolt panics on bad pages; a truncated mapping faults).
func verify(db *bolt.DB, path string) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged(path, fmt.Sprintf("reading it failed (%v)", r))
		}
	}()
	return db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bMeta)) == nil && tx.Bucket([]byte(bUsers)) == nil && tx.Size() > 4*int64(db.Info().PageSize) {
			return damaged(path, "it holds no execassist data")
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return walk(b)
		})
	})
}

func walk(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				return walk(sub)
			}
		}
		return nil
	})
}

// openChecked opens path with bbolt after the preflight and verifies it. A file that
// exists is verified read-only first: a read-only open maps the file without reading
// its freelist and unmaps it cleanly when verification fails, whereas a read-write
// open of a damaged file can panic half-way and keep the file locked.
func openChecked(path string, opts *bolt.Options) (*bolt.DB, error) {
	if err := preflight(path); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil && !opts.ReadOnly {
		ro := *opts
		ro.ReadOnly = true
		db, err := openChecked(path, &ro)
		if err != nil {
			return nil, err
		}
		db.Close()
	}
	db, err := openBolt(path, opts)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
		return nil, damaged(path, err.Error())
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := verify(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openBolt is bolt.Open with a panic (bbolt panics on some damaged pages, e.g. the
// freelist) turned into an error; the file bbolt had opened is closed.
func openBolt(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	var file *os.File
	o := *opts
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				// Releases the descriptor; the lock stays with bbolt's mapping until the
				// process exits, which is why Open verifies read-only first.
				file.Close()
			}
			db, err = nil, damaged(path, fmt.Sprintf("opening it failed (%v)", r))
		}
	}()
	return bolt.Open(path, 0o600, &o)
}

// SaveLastGood writes a consistent copy of the store beside it (LastGoodPath), through
// a temporary file and a rename, so a crash mid-copy never leaves a half copy.
func (s *Store) SaveLastGood() error {
	if s.readOnly || s.bolt == nil {
		return nil // etcd keeps its own copies (etcdctl snapshot save)
	}
	dst := LastGoodPath(s.path)
	tmp := dst + ".tmp"
	err := s.bolt.View(func(tx *bolt.Tx) error { return tx.CopyFile(tmp, 0o600) })
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: last good copy %s: %w", dst, err)
	}
	return nil
}

// CheckReport is what `execassist store check` prints.
type CheckReport struct {
	Path            string
	Users, Journal  int
	Schema          int
	LastGood        string // "" when there is no copy
	LastGoodTime    time.Time
	LastGoodProblem error
}

// Check opens the store at path without creating or changing it, verifies every page
// and its own data, and does the same for its last good copy.
func Check(path string) (CheckReport, error) {
	r := CheckReport{Path: path}
	st, err := OpenReader(path)
	if err != nil {
		return r, err
	}
	r.Users = len(st.Snapshot().Config.Users)
	r.Journal, r.Schema = st.counts()
	st.Close()
	if fi, err := os.Stat(LastGoodPath(path)); err == nil {
		r.LastGood, r.LastGoodTime = LastGoodPath(path), fi.ModTime()
		if cp, err := OpenReader(r.LastGood); err != nil {
			r.LastGoodProblem = err
		} else {
			cp.Close()
		}
	}
	return r, nil
}

// Restore replaces the store at path with its last good copy, after verifying the
// copy; the file it replaces is kept as path.damaged-<time>. It needs the file unlocked
// (serve stopped).
func Restore(path string, now time.Time) (kept string, err error) {
	src := LastGoodPath(path)
	cp, err := OpenReader(src)
	if err != nil {
		return "", fmt.Errorf("store: the last good copy cannot be used: %w", err)
	}
	cp.Close()
	if _, err := os.Stat(path); err == nil {
		// Refuse while serve holds the file.
		if db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond, ReadOnly: true}); errors.Is(err, berrors.ErrTimeout) {
			return "", fmt.Errorf("%w: %s", ErrLocked, path)
		} else if err == nil {
			db.Close()
		}
		kept = path + ".damaged-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(path, kept); err != nil {
			return "", fmt.Errorf("store: %w", err)
		}
	}
	if err := copyFile(src, path); err != nil {
		return kept, err
	}
	return kept, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst+".tmp", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("store: copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("store: %w", err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return os.Rename(dst+".tmp", dst)
}
