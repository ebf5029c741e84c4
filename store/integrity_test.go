package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
)

func goodStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Parse("t.yaml", []byte("users:\n  - {extension: \"1001\", devices: [PJSIP/1001], executive: {}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(cfg, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		if err := s.AppendJournal(JournalEntry{At: time.Now(), CallID: "c", Kind: "call", Executive: "1001", Outcome: strings.Repeat("x", 200)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveLastGood(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// TestDamagedFilesAreRefusedNotCrashedOn: an empty, truncated or scribbled file is
// refused by every open with an error naming the file and the way back, never taken for
// a new store and never a crash.
func TestDamagedFilesAreRefusedNotCrashedOn(t *testing.T) {
	page := int64(os.Getpagesize())
	for name, damage := range map[string]func(path string) error{
		"empty":     func(p string) error { return os.Truncate(p, 0) },
		"truncated": func(p string) error { fi, _ := os.Stat(p); return os.Truncate(p, fi.Size()/3) },
		"scribbled pages": func(p string) error {
			b, _ := os.ReadFile(p)
			for i := 2 * page; i < int64(len(b)); i++ {
				b[i] = byte(i*7 + 3)
			}
			return os.WriteFile(p, b, 0o600)
		},
		"scribbled meta": func(p string) error {
			b, _ := os.ReadFile(p)
			for i := int64(16); i < 2*page; i++ {
				b[i] ^= 0x5a
			}
			return os.WriteFile(p, b, 0o600)
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := goodStore(t)
			if err := damage(path); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			for what, open := range map[string]func() error{
				"Open":       func() error { s, err := Open(path, Options{}); closeIf(s); return err },
				"OpenReader": func() error { s, err := OpenReader(path); closeIf(s); return err },
			} {
				err := open()
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "store restore") {
					t.Errorf("%s: %v", what, err)
				}
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Error("opening changed the damaged file")
			}
			if _, err := Check(path); !errors.Is(err, ErrDamaged) {
				t.Errorf("Check: %v", err)
			}
			// Restore puts the last good copy back, keeping the damaged file.
			kept, err := Restore(path, time.Now())
			if err != nil || kept == "" {
				t.Fatalf("restore: %q %v", kept, err)
			}
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if j, _ := s.Journal(JournalFilter{}); len(j) != 300 || s.Snapshot().Config.User("1001") == nil {
				t.Fatalf("restored store: %d journal entries", len(j))
			}
		})
	}
}

func closeIf(s *Store) {
	if s != nil {
		s.Close()
	}
}

// TestReadersNeverCreateAndWorkWhileServeHoldsTheFile: a missing store is an error
// naming the path, not a new empty file; a store another handle holds open for writing
// is read through a verified copy.
func TestReadersNeverCreateAndWorkWhileServeHoldsTheFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	if _, err := OpenReader(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing store: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a reader created the store")
	}
	path := goodStore(t)
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetFiltering("1001", false)
	r, err := OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if f := r.Snapshot().Runtime.Executives["1001"].Filtering; f == nil || *f {
		t.Fatal("the reader does not see the writer's state")
	}
	if err := r.SetFiltering("1001", true); err == nil {
		t.Fatal("a reader wrote")
	}
}

// TestOpenTightensPermissions: an existing store readable by others is made 0600.
func TestOpenTightensPermissions(t *testing.T) {
	path := goodStore(t)
	os.Chmod(path, 0o644)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}
