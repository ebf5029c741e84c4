package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/internal/poll"
	"go.yaml.in/yaml/v3"
)

// testBackend opens the same store, again and again, on one backend: the suite below
// runs on both, so the app, the CLI and the API can never tell them apart.
type testBackend struct {
	name string
	// open opens the store as a node named node; opening it again (after Close on
	// bbolt, at once on etcd) reads the same data.
	open func(t testing.TB, node string, opts Options) *Store
	// shared: two nodes may have the store open at once.
	shared bool
}

func eachBackend(t *testing.T, f func(t *testing.T, b testBackend)) {
	t.Run("bbolt", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.db")
		f(t, testBackend{name: "bbolt", open: func(t testing.TB, node string, opts Options) *Store {
			opts.Node = node
			s, err := Open(path, opts)
			must(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}})
	})
	t.Run("etcd", func(t *testing.T) {
		srv := etcdtest.Start(t)
		f(t, testBackend{name: "etcd", shared: true, open: func(t testing.TB, node string, opts Options) *Store {
			return openEtcd(t, srv, node, opts)
		}})
	})
}

func openEtcd(t testing.TB, srv *etcdtest.Server, node string, opts Options) *Store {
	t.Helper()
	opts.Node = node
	s, err := OpenEtcd(EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/test", LeaseTTL: 2 * time.Second, RequestTimeout: 5 * time.Second, Member: true}, opts) // generous: a loaded machine is slow, not broken
	must(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportExportRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, b testBackend) {
		s := b.open(t, "a", Options{})
		cfg := example(t)
		must(t, s.Import(cfg, ImportOptions{Source: "execassist.yaml"}))
		want, _ := yaml.Marshal(cfg.Provisioning())
		got, _ := yaml.Marshal(s.Export())
		if string(got) != string(want) {
			t.Fatalf("export differs from import:\n%s\n---\n%s", want, got)
		}
		// Opening it again reads the same.
		s.Close()
		s2 := b.open(t, "a", Options{})
		again, _ := yaml.Marshal(s2.Export())
		if string(again) != string(want) {
			t.Fatal("reopened store differs")
		}
		if s2.Snapshot().Source != "execassist.yaml" || s2.Snapshot().ImportedAt.IsZero() {
			t.Fatalf("meta %+v", s2.Snapshot())
		}
		// A smaller import leaves no user of the bigger one behind.
		small := example(t)
		small.Users = small.Users[:2]
		must(t, s2.Import(small, ImportOptions{}))
		if n := len(s2.Snapshot().Config.Users); n != 2 {
			t.Fatalf("%d users after importing 2", n)
		}
	})
}

func TestRuntimeSurvivesReimportUnlessReset(t *testing.T) {
	eachBackend(t, func(t *testing.T, b testBackend) {
		s := b.open(t, "a", Options{})
		cfg := example(t)
		must(t, s.Import(cfg, ImportOptions{}))
		must(t, s.SetFiltering("1001", false))
		must(t, s.SetOptIn("1002", "1001", false))
		must(t, s.ChangeRuntime(nil, func(_ *config.Config, rt *config.Runtime) error {
			st := rt.Assistants["1003"]
			st.Divert = &config.Divert{Enabled: true, To: "1004"}
			rt.Assistants["1003"] = st
			return nil
		}))
		before := s.Snapshot()
		must(t, s.Import(cfg, ImportOptions{}))
		rt := s.Snapshot().Runtime
		if !reflect.DeepEqual(rt, before.Runtime) {
			t.Fatalf("runtime changed by re-import: %+v", rt)
		}
		if *rt.Executives["1001"].Filtering || rt.Assistants["1002"].OptedIn["1001"] || !rt.Assistants["1003"].Divert.Enabled {
			t.Fatalf("runtime %+v", rt)
		}
		// The earlier snapshot is immutable: later writes do not show through it.
		must(t, s.SetFiltering("1001", true))
		if *before.Runtime.Executives["1001"].Filtering {
			t.Fatal("a snapshot changed after a write")
		}
		select {
		case <-before.Superseded():
		default:
			t.Fatal("the old snapshot was not marked superseded")
		}
		must(t, s.Import(cfg, ImportOptions{ResetRuntime: true}))
		if len(s.Snapshot().Runtime.Executives) != 0 {
			t.Fatal("--reset-runtime kept runtime state")
		}
	})
}

func TestSelfServiceWritesAreValidatedAndAudited(t *testing.T) {
	eachBackend(t, func(t *testing.T, b testBackend) {
		s := b.open(t, "a", Options{})
		must(t, s.Import(example(t), ImportOptions{}))
		bad := s.ChangeRuntime(&AuditEntry{Who: "1001", Resource: "x"}, func(_ *config.Config, rt *config.Runtime) error {
			st := rt.Executives["1001"]
			st.Assistants = &[]string{"9999"} // nobody
			rt.Executives["1001"] = st
			return nil
		})
		var errs config.Errors
		if !errors.As(bad, &errs) {
			t.Fatalf("an invalid change was not refused with the validator's errors: %v", bad)
		}
		for i := range 3 {
			must(t, s.ChangeRuntime(&AuditEntry{Who: "1001", Resource: fmt.Sprint("r", i)}, func(_ *config.Config, rt *config.Runtime) error {
				on := i%2 == 0
				st := rt.Executives["1001"]
				st.Filtering = &on
				rt.Executives["1001"] = st
				return nil
			}))
		}
		must(t, s.SetSecretHash("1002", "$argon2id$x", AuditEntry{Who: "admin", Resource: "secret"}))
		if h, err := s.SecretHash("1002"); err != nil || h != "$argon2id$x" {
			t.Fatalf("secret hash %q %v", h, err)
		}
		all, err := s.Audit("", 0)
		must(t, err)
		if len(all) != 4 || all[0].Resource != "secret" || all[3].Resource != "r0" {
			t.Fatalf("audit, newest first: %+v", all)
		}
		mine, _ := s.Audit("1001", 2)
		if len(mine) != 2 || mine[0].Resource != "r2" {
			t.Fatalf("1001's last two: %+v", mine)
		}
	})
}

func TestJournalRetentionAndFilter(t *testing.T) {
	eachBackend(t, func(t *testing.T, b testBackend) {
		now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
		s := b.open(t, "pbx-a", Options{JournalMaxEntries: 5, JournalMaxAge: time.Hour, Now: func() time.Time { return now }})
		must(t, s.AppendJournal(JournalEntry{At: now.Add(-2 * time.Hour), CallID: "old", Executive: "1001"}))
		for i := 0; i < 7; i++ {
			exec := "1001"
			if i%2 == 1 {
				exec = "2001"
			}
			must(t, s.AppendJournal(JournalEntry{At: now.Add(time.Duration(i) * time.Second), CallID: fmt.Sprint(i), Executive: exec, Decision: "filtered"}))
		}
		all, err := s.Journal(JournalFilter{})
		must(t, err)
		if len(all) != 5 || all[0].CallID != "2" || all[4].CallID != "6" || all[0].Node != "pbx-a" {
			t.Fatalf("retention kept %+v", all)
		}
		mine, err := s.Journal(JournalFilter{Executive: "1001", Since: now.Add(3 * time.Second)})
		must(t, err)
		if len(mine) != 2 || mine[0].CallID != "4" {
			t.Fatalf("filtered %+v", mine)
		}
	})
}

// TestConcurrentWritersLoseNothing: two nodes (on bbolt, two writers of one process)
// change different parts of the runtime state at once, many times; every change is
// there at the end.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, b testBackend) {
		a := b.open(t, "a", Options{})
		must(t, a.Import(example(t), ImportOptions{}))
		other := a
		if b.shared {
			other = b.open(t, "b", Options{})
		}
		const each = 25
		var wg sync.WaitGroup
		for w, st := range []*Store{a, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					exec := fmt.Sprintf("w%d-%02d", w, i)
					if err := st.SetOptIn("1002", exec, true); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		// Both see every change (the other node through its watch).
		for _, st := range []*Store{a, other} {
			optIns := func() int { return len(st.Snapshot().Runtime.Assistants["1002"].OptedIn) }
			poll.Until(t, 2*time.Second, st.Node()+" to see every opt-in", func() bool { return optIns() == 2*each },
				func() string { return fmt.Sprintf("%d of %d kept", optIns(), 2*each) })
		}
		if b.shared {
			t.Logf("etcd: %d commits, %d conflicts retried", a.etcd.updates.Load()+other.etcd.updates.Load(), a.etcd.retries.Load()+other.etcd.retries.Load())
		}
	})
}
