package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
	bolt "go.etcd.io/bbolt"
	"go.yaml.in/yaml/v3"
)

func example(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load("../examples/execassist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func open(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestImportExportRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := open(t, path)
	cfg := example(t)
	if err := s.Import(cfg, ImportOptions{Source: "execassist.yaml"}); err != nil {
		t.Fatal(err)
	}
	want, _ := yaml.Marshal(cfg.Provisioning())
	got, _ := yaml.Marshal(s.Export())
	if string(got) != string(want) {
		t.Fatalf("export differs from import:\n%s\n---\n%s", want, got)
	}
	// Reopening reads the same from disk.
	s.Close()
	s2 := open(t, path)
	again, _ := yaml.Marshal(s2.Export())
	if string(again) != string(want) {
		t.Fatal("reopened store differs")
	}
	if s2.Snapshot().Source != "execassist.yaml" || s2.Snapshot().ImportedAt.IsZero() {
		t.Fatalf("meta %+v", s2.Snapshot())
	}
}

func TestRuntimeSurvivesReimportUnlessReset(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "x.db"))
	cfg := example(t)
	must(t, s.Import(cfg, ImportOptions{}))
	must(t, s.SetFiltering("1001", false))
	must(t, s.SetOptIn("1002", "1001", false))
	must(t, s.SetDivert("1003", config.Divert{Enabled: true, To: "1004"}))
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
	must(t, s.Import(cfg, ImportOptions{ResetRuntime: true}))
	if len(s.Snapshot().Runtime.Executives) != 0 {
		t.Fatal("--reset-runtime kept runtime state")
	}
}

// TestImportKilledMidwayKeepsOldState runs an import in a separate process, kills it
// (SIGKILL) while the transaction is half written, and checks the file still holds the
// previous import and runtime, untouched.
func TestImportKilledMidwayKeepsOldState(t *testing.T) {
	if os.Getenv("EXECASSIST_IMPORT_HELPER") != "" {
		t.Skip("helper process")
	}
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(path, Options{})
	must(t, err)
	old := example(t)
	must(t, s.Import(old, ImportOptions{Source: "old.yaml"}))
	must(t, s.SetFiltering("1001", false))
	wantCfg, _ := yaml.Marshal(s.Export())
	wantRT := s.Snapshot().Runtime
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestImportHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "EXECASSIST_IMPORT_HELPER="+path)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	sc := bufio.NewScanner(out)
	midway := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "IMPORT MIDWAY") {
			midway = true
			break
		}
	}
	if !midway {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("helper never reached the middle of its import")
	}
	must(t, cmd.Process.Kill())
	_ = cmd.Wait()

	s2 := open(t, path)
	gotCfg, _ := yaml.Marshal(s2.Export())
	if string(gotCfg) != string(wantCfg) {
		t.Fatalf("a killed import changed the provisioning:\n%s", gotCfg)
	}
	if !reflect.DeepEqual(s2.Snapshot().Runtime, wantRT) || s2.Snapshot().Source != "old.yaml" {
		t.Fatalf("a killed import changed runtime or meta: %+v", s2.Snapshot())
	}
}

// TestImportHelperProcess is the child of TestImportKilledMidwayKeepsOldState: it
// imports a different config of 200 users and stops forever after writing 100 of them.
func TestImportHelperProcess(t *testing.T) {
	path := os.Getenv("EXECASSIST_IMPORT_HELPER")
	if path == "" {
		t.Skip("only run as a helper process")
	}
	s, err := Open(path, Options{beforeUserPut: func(i int) {
		if i == 100 {
			fmt.Println("IMPORT MIDWAY")
			os.Stdout.Sync()
			select {} // wait to be killed, transaction open
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{}
	for i := 0; i < 200; i++ {
		ext := fmt.Sprint(5000 + i)
		cfg.Users = append(cfg.Users, config.User{Extension: ext, Name: "New " + ext, Devices: []string{"PJSIP/" + ext}})
	}
	_ = s.Import(cfg, ImportOptions{Source: "new.yaml", ResetRuntime: true})
	t.Fatal("import finished; it should have been killed")
}

func TestSchemaVersionAndMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	// A file from the future is refused, not misread.
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bMeta)
		return b.Put([]byte("schema_version"), []byte("99"))
	}))
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("future schema: %v", err)
	}
	// A new file is migrated from 0 to the current version.
	s := open(t, filepath.Join(t.TempDir(), "new.db"))
	must(t, s.db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bMeta).Get([]byte("schema_version"))); v != fmt.Sprint(SchemaVersion) {
			return fmt.Errorf("version %q", v)
		}
		return nil
	}))
}

func TestSecondProcessGetsAClearLockError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	open(t, path)
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second open: %v", err)
	}
}

func TestJournalRetentionAndFilter(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{JournalMaxEntries: 5, JournalMaxAge: time.Hour, Now: func() time.Time { return now }})
	must(t, err)
	defer s.Close()
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
	if len(all) != 5 || all[0].CallID != "2" || all[4].CallID != "6" {
		t.Fatalf("retention kept %+v", all)
	}
	mine, err := s.Journal(JournalFilter{Executive: "1001", Since: now.Add(3 * time.Second)})
	must(t, err)
	if len(mine) != 2 || mine[0].CallID != "4" {
		t.Fatalf("filtered %+v", mine)
	}
}

func BenchmarkSnapshotRead(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "x.db"))
	must(b, s.Import(example(b), ImportOptions{}))
	b.ReportAllocs()
	for b.Loop() {
		if s.Snapshot().Config.User("1001") == nil {
			b.Fatal("missing")
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
