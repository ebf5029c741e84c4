package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/spf13/pflag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/store"
)

// clusterYAML is the example configuration with its store on etcd as node.
func clusterYAML(t *testing.T, endpoints []string, node, snapshot string) string {
	t.Helper()
	data, err := os.ReadFile("../../examples/execassist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	section := fmt.Sprintf("store: {backend: etcd, endpoints: [%s], prefix: /cluster, node: %s, path: %s}",
		strings.Join(endpoints, ", "), node, snapshot)
	text := strings.Replace(string(data), "store: /var/lib/execassist/execassist.db", section, 1)
	if text == string(data) {
		t.Fatal("the example's store line moved")
	}
	file := filepath.Join(t.TempDir(), node+".yaml")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestCommandsWorkOnTheEtcdStore: import, export and the journal of every node, with
// the store section of the YAML; the bbolt file commands say what to use instead.
func TestCommandsWorkOnTheEtcdStore(t *testing.T) {
	srv := etcdtest.Start(t)
	file := clusterYAML(t, srv.Endpoints, "pbx-a", filepath.Join(t.TempDir(), "snap.json"))
	cmd := func(args ...string) (string, string, int) {
		var out, errs bytes.Buffer
		code := run(context.Background(), append(args, "--config", file), &out, &errs)
		return out.String(), errs.String(), code
	}
	if out, errs, code := cmd("config", "import", "../../examples/execassist.yaml"); code != 0 || !strings.Contains(out, "into etcd "+srv.Endpoints[0]+" (prefix /cluster)") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	if out, errs, code := cmd("config", "export"); code != 0 || !strings.Contains(out, "extension: \"1001\"") {
		t.Fatalf("export: %d %s %s", code, out, errs)
	}
	for _, node := range []string{"pbx-a", "pbx-b"} {
		st, err := store.OpenEtcd(store.EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/cluster"}, store.Options{Node: node})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AppendJournal(store.JournalEntry{At: time.Now(), Kind: "call", CallID: node + "-1", Executive: "1001", Decision: "filtered", Outcome: "answered"}); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	out, errs, code := cmd("calls")
	if code != 0 || !strings.Contains(out, "NODE") || !strings.Contains(out, "pbx-a") || !strings.Contains(out, "pbx-b") {
		t.Fatalf("calls on the cluster: %d\n%s%s", code, out, errs)
	}
	if _, errs, code := cmd("store", "check"); code == 0 || !strings.Contains(errs, "etcdctl snapshot save") {
		t.Fatalf("store check on etcd: %d %s", code, errs)
	}
}

// TestServeWithoutEtcdOrSnapshotTakesNoCalls: serve on a cluster whose etcd is down
// and without a local snapshot refuses to start, saying why; it never registers the
// Stasis application, so Asterisk continues every call in the dialplan.
func TestServeWithoutEtcdOrSnapshotTakesNoCalls(t *testing.T) {
	srv := etcdtest.Start(t)
	endpoints := srv.Endpoints
	srv.Stop()
	file := clusterYAML(t, endpoints, "pbx-a", filepath.Join(t.TempDir(), "none.json"))
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"serve", "--config", file}, &out, &errs)
	if code == 0 || !strings.Contains(errs.String(), "no local snapshot") || !strings.Contains(errs.String(), "etcd is unreachable") {
		t.Fatalf("serve without etcd: %d %s", code, errs.String())
	}
}

// TestStoreSectionFromTheEnvironment: the store section can come from environment
// variables alone (a container), and a bad one is refused with the field.
func TestStoreSectionFromTheEnvironment(t *testing.T) {
	t.Setenv("EXECASSIST_STORE_BACKEND", "etcd")
	t.Setenv("EXECASSIST_STORE_ENDPOINTS", "http://10.0.0.5:2379, http://10.0.0.6:2379")
	t.Setenv("EXECASSIST_STORE_NODE", "pbx-z")
	s, err := resolveArgs()
	if err != nil {
		t.Fatal(err)
	}
	if s.Shared.Backend != "etcd" || len(s.Shared.Endpoints) != 2 || s.Shared.Endpoints[1] != "http://10.0.0.6:2379" ||
		s.Shared.Node != "pbx-z" || s.Store != "/var/lib/execassist/snapshot.json" {
		t.Fatalf("store section %+v (path %s)", s.Shared, s.Store)
	}
	t.Setenv("EXECASSIST_STORE_NODE", "pbx z/1")
	s, _ = resolveArgs()
	if _, err := openReader(s); err == nil || !strings.Contains(err.Error(), "store.node") {
		t.Fatalf("a bad node name: %v", err)
	}
}

// resolveArgs resolves settings from command-line flags as a store command would.
func resolveArgs(args ...string) (settings, error) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	v := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return settings{}, err
	}
	s, _, err := resolve(fs, v, fs.Args())
	return s, err
}
