package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// A node keeps the last settings it saw in a local file, so that it can start while
// etcd is down (deciding calls from them, refusing writes) instead of not at all.

// localSnapshot is the file a node starts from when etcd is down at start.
type localSnapshot struct {
	SavedAt     time.Time      `json:"saved_at"`
	Revision    int64          `json:"revision"`
	Provisioned *config.Config `json:"provisioned"`
	Runtime     config.Runtime `json:"runtime"`
	ImportedAt  time.Time      `json:"imported_at"`
	Source      string         `json:"source"`
	ImportID    string         `json:"import_id"`
}

// keepLocal asks for the snapshot to be written to the local file (coalesced: only the
// newest is written).
func (b *etcdBackend) keepLocal(*Snapshot) {
	if b.node != nil && b.opts.LocalSnapshot != "" && b.opts.Member {
		b.node.poke(b.node.save)
	}
}

// saveLocal writes the current snapshot to the local file.
func (n *etcdNode) saveLocal() {
	if err := writeLocal(n.b.opts.LocalSnapshot, n.s.Snapshot(), time.Now()); err != nil {
		n.log.Warn().Err(err).Msg("local snapshot not written")
	}
}

func writeLocal(path string, snap *Snapshot, now time.Time) error {
	raw, err := json.Marshal(localSnapshot{SavedAt: now.UTC(), Revision: snap.Revision, Provisioned: snap.Provisioned,
		Runtime: snap.Runtime, ImportedAt: snap.ImportedAt, Source: snap.Source, ImportID: snap.stamp})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

type savedSnapshot struct {
	*Snapshot
	savedAt time.Time
}

func readLocal(path string) (savedSnapshot, error) {
	if path == "" {
		return savedSnapshot{}, errors.New("none configured")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return savedSnapshot{}, err
	}
	var ls localSnapshot
	if err := json.Unmarshal(raw, &ls); err != nil || ls.Provisioned == nil {
		return savedSnapshot{}, fmt.Errorf("%s is not a snapshot execassist wrote: %v", path, err)
	}
	return savedSnapshot{&Snapshot{Provisioned: ls.Provisioned, Runtime: ls.Runtime, ImportedAt: ls.ImportedAt, Source: ls.Source,
		Revision: ls.Revision, stamp: ls.ImportID, superseded: make(chan struct{})}, ls.SavedAt}, nil
}
