package api

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/execassist/execassist/internal/testlog"
	"github.com/execassist/execassist/internal/testskip"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// TestAFullDiskIsSaidAndLogged: with the disk that holds the store full (a 1 MiB tmpfs,
// where the test may mount one), a write answers 507 disk_full, nothing changes, and the
// serve log says why (it was a bare 500 with no log line).
func TestAFullDiskIsSaidAndLogged(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		testskip.Optional(t, "cannot mount a small tmpfs here (needs root): "+err.Error())
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	path := filepath.Join(dir, "x.db")
	r := newRigOn(t, func() (*store.Store, error) { return store.Open(path, store.Options{}) })
	logs := &testlog.Buffer{}
	srv := httptest.NewServer(New(Options{App: r.app, Store: r.store, Log: zerolog.New(logs), Clock: r.clock}))
	t.Cleanup(srv.Close)
	r.srv = srv
	exec := r.login("1001")
	// Fill what is left of the disk.
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{1}, 4096)
	for {
		if _, err := filler.Write(chunk); err != nil {
			break
		}
	}
	filler.Close()
	before := r.runtime()
	var code int
	var body string
	for i := range 20 { // the file may have room left in its last pages: write until it has none
		code, body = exec.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"customCLIDName": strings.Repeat("x", 70) + string(rune('a'+i)), "clidNameMode": "CUSTOM"}, nil)
		if code != 200 {
			break
		}
		before = r.runtime()
	}
	if code != 507 || !strings.Contains(body, "disk_full") {
		t.Fatalf("write on a full disk: %d %s", code, body)
	}
	if r.runtime() != before {
		t.Fatal("the refused write changed the state")
	}
	if !strings.Contains(logs.String(), "no space left on device") {
		t.Fatalf("the log does not say why:\n%s", logs)
	}
}
