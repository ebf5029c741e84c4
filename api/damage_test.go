package api

import (
	"encoding/binary"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
)

// flipRootPageFlags scribbles on the flags of the page that holds the root bucket of
// the bbolt file at path, as a disk fault or a stray write would, while it is open.
func flipRootPageFlags(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 2*4096)
	if _, err := f.ReadAt(head, 0); err != nil {
		t.Fatal(err)
	}
	// Two meta pages; the one with the higher transaction id is current. Meta: page
	// header (16), magic, version, page size, flags (4 each), root bucket pgid (8) ...
	pageSize := int64(binary.LittleEndian.Uint32(head[16+8:]))
	meta := func(p int64) (root, txid uint64) {
		raw := make([]byte, 128)
		if _, err := f.ReadAt(raw, p*pageSize); err != nil {
			t.Fatal(err)
		}
		return binary.LittleEndian.Uint64(raw[32:]), binary.LittleEndian.Uint64(raw[64:])
	}
	root0, tx0 := meta(0)
	root1, tx1 := meta(1)
	root := root0
	if tx1 > tx0 {
		root = root1
	}
	if _, err := f.WriteAt([]byte{0xff, 0xff}, int64(root)*pageSize+8); err != nil {
		t.Fatal(err)
	}
}

// TestADamagedStoreWhileServing: with the store file damaged under a running API, no
// panic reaches a client or the process: writes are 503 store_damaged naming what to
// run, reads and calls go on from the last snapshot, and the metrics say damaged.
func TestADamagedStoreWhileServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	r := newRigOn(t, func() (*store.Store, error) { return store.Open(path, store.Options{}) })
	exec := r.login("1001")
	flipRootPageFlags(t, path)
	for range 3 {
		code, body := exec.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": false}, nil)
		if code != 503 || !strings.Contains(body, "store_damaged") || !strings.Contains(body, "execassist store check") {
			t.Fatalf("write to a damaged store: %d %s", code, body)
		}
	}
	if code, body := exec.do("GET", "/v1/people/1001/executive/callFiltering", nil, nil); code != 200 || !strings.Contains(body, `"enabled":true`) {
		t.Fatalf("read from the last snapshot: %d %s", code, body)
	}
	r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.ringing("PJSIP/1002") // still filtered, as the last snapshot says
	rec := httptest.NewRecorder()
	r.app.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	m, _ := io.ReadAll(rec.Body)
	if !strings.Contains(string(m), "execassist_store_damaged 1") || !strings.Contains(string(m), "execassist_store_connected 0") {
		t.Fatalf("metrics do not say the store is damaged:\n%s", m)
	}
	if h := r.store.Health(); !strings.Contains(h.Damaged, "page") {
		t.Fatalf("health: %+v", h)
	}
}
