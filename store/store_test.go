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
		b, _ := tx.CreateBucket([]byte(bMeta))
		return b.Put([]byte("schema_version"), []byte("99"))
	}))
	db.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("future schema: %v", err)
	}
	// A new file is migrated from 0 to the current version.
	s := open(t, filepath.Join(t.TempDir(), "new.db"))
	must(t, s.bolt.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket([]byte(bMeta)).Get([]byte("schema_version"))); v != fmt.Sprint(SchemaVersion) {
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
