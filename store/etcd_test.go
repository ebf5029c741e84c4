package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/internal/poll"
)

func filtering(s *Store, exec string) string {
	f := s.Snapshot().Runtime.Executives[exec].Filtering
	if f == nil {
		return "unset"
	}
	return fmt.Sprint(*f)
}

// TestChangesReachTheOtherNodeThroughTheWatch: a change on node A shows in node B's
// snapshot (and closes B's Superseded channel, what the app and the console wait on)
// without B asking.
func TestChangesReachTheOtherNodeThroughTheWatch(t *testing.T) {
	srv := etcdtest.Start(t)
	a := openEtcd(t, srv, "a", Options{})
	must(t, a.Import(example(t), ImportOptions{}))
	b := openEtcd(t, srv, "b", Options{})
	before := b.Snapshot()
	start := time.Now()
	must(t, a.SetFiltering("1001", false))
	select {
	case <-before.Superseded():
	case <-time.After(time.Second):
		t.Fatal("node B's snapshot was not superseded within 1 s")
	}
	poll.Until(t, 0, "node B to see #62", func() bool { return filtering(b, "1001") == "false" })
	t.Logf("node B saw the change after %s", time.Since(start))
	// An import on B reaches A too.
	cfg := example(t)
	cfg.Users = cfg.Users[:3]
	must(t, b.Import(cfg, ImportOptions{Source: "b.yaml"}))
	poll.Until(t, 0, "node A to see B's import", func() bool { return a.Snapshot().Source == "b.yaml" })
}

// TestEtcdOutage: while etcd is down, settings are still read (stale, and the store
// says so), writes fail at once with ErrUnavailable, and after etcd returns writes
// work again and changes flow between nodes again.
func TestEtcdOutage(t *testing.T) {
	srv := etcdtest.Start(t)
	a := openEtcd(t, srv, "a", Options{})
	b := openEtcd(t, srv, "b", Options{})
	must(t, a.Import(example(t), ImportOptions{}))
	poll.Until(t, 0, "B to see the import", func() bool { return len(b.Snapshot().Config.Users) > 0 })

	t0 := time.Now()
	srv.Stop()
	t.Logf("stopped in %s", time.Since(t0))
	poll.Until(t, 10*time.Second, "A to notice etcd is gone", func() bool { return !a.Health().Connected })
	if a.Snapshot().Config.User("1001") == nil {
		t.Fatal("settings gone while etcd is down")
	}
	if st := a.Health().Staleness(time.Now()); st <= 0 {
		t.Fatalf("staleness %s while disconnected", st)
	}
	began := time.Now()
	err := a.SetFiltering("1001", false)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("write while etcd is down: %v", err)
	}
	if d := time.Since(began); d > 500*time.Millisecond {
		t.Fatalf("a refused write took %s", d)
	}
	if filtering(a, "1001") != "unset" {
		t.Fatal("a refused write changed the snapshot")
	}

	t.Logf("noticed, refused in %s", time.Since(t0))
	srv.Restart()
	t.Logf("restarted in %s", time.Since(t0))
	poll.Until(t, 15*time.Second, "both nodes to reconnect", func() bool { return a.Health().Connected && b.Health().Connected })
	t.Logf("reconnected in %s", time.Since(t0))
	must(t, b.SetFiltering("1001", false))
	poll.Until(t, 2*time.Second, "A to see B's change after the outage", func() bool { return filtering(a, "1001") == "false" })
}

// TestRestartWhileEtcdIsDown: a node that restarts while etcd is down starts from its
// local snapshot (refusing writes) and catches up when etcd returns; without a local
// snapshot it does not start.
func TestRestartWhileEtcdIsDown(t *testing.T) {
	srv := etcdtest.Start(t)
	local := filepath.Join(t.TempDir(), "a.snapshot.json")
	eo := EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/test", LeaseTTL: 2 * time.Second, RequestTimeout: time.Second, DialTimeout: time.Second, LocalSnapshot: local, Member: true}
	a, err := OpenEtcd(eo, Options{Node: "a"})
	must(t, err)
	must(t, a.Import(example(t), ImportOptions{}))
	must(t, a.SetFiltering("1001", false))
	poll.Until(t, 2*time.Second, "the local snapshot to hold #62", func() bool {
		s, err := readLocal(local)
		return err == nil && s.Runtime.Executives["1001"].Filtering != nil
	})
	a.Close()
	srv.Stop()

	a, err = OpenEtcd(eo, Options{Node: "a"})
	must(t, err)
	defer a.Close()
	if filtering(a, "1001") != "false" || a.Snapshot().Config.User("1002") == nil {
		t.Fatalf("not started from the local snapshot: %+v", a.Snapshot().Runtime)
	}
	if a.Health().Connected {
		t.Fatal("says connected with etcd down")
	}
	if err := a.SetFiltering("1001", true); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("write from the local snapshot: %v", err)
	}

	noSnapshot := eo
	noSnapshot.LocalSnapshot = filepath.Join(t.TempDir(), "none.json")
	if _, err := OpenEtcd(noSnapshot, Options{Node: "b"}); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no local snapshot") {
		t.Fatalf("start without etcd and without a snapshot: %v", err)
	}

	srv.Restart()
	poll.Until(t, 15*time.Second, "A to connect", func() bool { return a.Health().Connected })
	must(t, a.SetFiltering("1001", true))
}

// TestLiveCallsAreSharedUnderTheNodesLease: a node's calls are visible to the others,
// with the node's name, and vanish when the node ends.
func TestLiveCallsAreSharedUnderTheNodesLease(t *testing.T) {
	srv := etcdtest.Start(t)
	a := openEtcd(t, srv, "pbx-a", Options{})
	b := openEtcd(t, srv, "pbx-b", Options{})
	a.PublishCall("c1", []byte(`{"executive":"1001"}`))
	a.PublishCall("c2", []byte(`{"executive":"1006"}`))
	a.PublishCall("c2", nil)
	poll.Until(t, 0, "B to see A's call", func() bool {
		r := b.RemoteCalls()
		return len(r) == 1 && r[0].Node == "pbx-a" && r[0].ID == "c1"
	}, func() string { return fmt.Sprint(b.RemoteCalls()) })
	if len(a.RemoteCalls()) != 0 {
		t.Fatal("a node lists its own calls as remote")
	}
	a.Close()
	poll.Until(t, 3*time.Second, "A's calls to go with A", func() bool { return len(b.RemoteCalls()) == 0 })
}

func TestTooLargeImportSaysWhatToRaise(t *testing.T) {
	srv := etcdtest.Start(t)
	s, err := OpenEtcd(EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/small", MaxTxnOps: 5}, Options{Node: "a"})
	must(t, err)
	defer s.Close()
	err = s.Import(example(t), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "--max-txn-ops") {
		t.Fatalf("import past the limit: %v", err)
	}
}

// FuzzLocalSnapshot: whatever the local snapshot file holds (a half-written or
// tampered file), reading it returns a snapshot or an error, never a panic.
func FuzzLocalSnapshot(f *testing.F) {
	f.Add([]byte(`{"saved_at":"2026-11-25T10:00:00Z","revision":7,"provisioned":{"Users":[{"Extension":"1001"}]},"runtime":{}}`))
	f.Add([]byte(`{"provisioned":null}`))
	f.Add([]byte(`{`))
	path := filepath.Join(f.TempDir(), "snap.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if s, err := readLocal(path); err == nil && s.Provisioned == nil {
			t.Fatal("a snapshot without provisioning was accepted")
		}
	})
}

// TestImportsAndSelfServiceWritesOnTwoNodesAtOnce: node A re-imports while node B's
// users change settings through the validated self-service path; every change of B
// survives the imports (runtime is kept) and no import is left half applied.
func TestImportsAndSelfServiceWritesOnTwoNodesAtOnce(t *testing.T) {
	srv := etcdtest.Start(t)
	a := openEtcd(t, srv, "a", Options{})
	b := openEtcd(t, srv, "b", Options{})
	cfg := example(t)
	must(t, a.Import(cfg, ImportOptions{}))
	poll.Until(t, 0, "B to see the import", func() bool { return len(b.Snapshot().Config.Users) == len(cfg.Users) })
	done := make(chan error)
	go func() {
		for range 10 {
			if err := a.Import(cfg, ImportOptions{}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := range 20 {
		on := i%2 == 1
		must(t, b.ChangeRuntime(&AuditEntry{Who: "1001", Resource: "filtering"}, func(_ *config.Config, rt *config.Runtime) error {
			st := rt.Executives["1001"]
			st.Filtering = &on
			rt.Executives["1001"] = st
			return nil
		}))
	}
	must(t, <-done)
	for _, s := range []*Store{a, b} {
		poll.Until(t, 0, s.Node()+" to hold B's last write and every user", func() bool {
			return filtering(s, "1001") == "true" && len(s.Snapshot().Config.Users) == len(cfg.Users)
		})
	}
	audit, err := a.Audit("1001", 0)
	must(t, err)
	if len(audit) != 20 {
		t.Fatalf("%d of 20 audited changes kept", len(audit))
	}
}

// TestTwoNodesCannotShareAName: a second execassist with a running node's name is
// refused, naming the setting; once the first is gone the name is free.
func TestTwoNodesCannotShareAName(t *testing.T) {
	srv := etcdtest.Start(t)
	a := openEtcd(t, srv, "pbx-a", Options{})
	_, err := OpenEtcd(EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/test", LeaseTTL: time.Second, Member: true}, Options{Node: "pbx-a"})
	if !errors.Is(err, ErrNodeNameTaken) || !strings.Contains(err.Error(), "store.node") {
		t.Fatalf("a second pbx-a: %v", err)
	}
	a.Close()
	openEtcd(t, srv, "pbx-a", Options{})
	// A command (not a member) never takes a name.
	cmd, err := OpenEtcd(EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/test"}, Options{Node: "pbx-a"})
	must(t, err)
	cmd.Close()
}
