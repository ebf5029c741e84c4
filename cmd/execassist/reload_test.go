package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/testlog"
)

// TestSIGHUPReloadsConfigAndRefusesABrokenOne: serve --config re-imports the file on
// SIGHUP; a file that does not validate is refused and the running configuration stays.
func TestSIGHUPReloadsConfigAndRefusesABrokenOne(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	for _, p := range []string{"1001", "1002", "1003", "1004"} {
		fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/" + p, Number: p})
	}
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Number: "+15551230000"})
	const on = `users:
  - {extension: "1001", name: Erin Exec, devices: [PJSIP/1001], executive: {assistants: ["1002"], filtering: {enabled: true, mode: all}}}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {}}
`
	off := strings.Replace(on, "enabled: true", "enabled: false", 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "execassist.yaml")
	os.WriteFile(file, []byte(off), 0o600)
	t.Setenv("EXECASSIST_ARI_PASSWORD", fake.Password)
	logs := &testlog.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--config", file, "--store", filepath.Join(dir, "x.db"), "--ari-url", fake.URL}, logs, logs)
	}()
	defer func() { cancel(); <-done }()
	eventually(t, "serve to connect", func() bool { return fake.Connections() == 1 })
	place := func() string {
		return fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerNumber: "+15550001111", Exten: "1001", Args: []string{"exec", "1001"}})
	}
	c := place()
	eventually(t, "filtering off: continued", func() bool { _, ok := fake.Continued(c); return ok })

	os.WriteFile(file, []byte(on), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	eventually(t, "the reload", func() bool { return strings.Count(logs.String(), "configuration loaded") == 2 })
	eventually(t, "the BLF lamp to follow the reloaded filtering", func() bool {
		st, _ := fake.DeviceState("Stasis:execassist-filter-1001")
		return st == "INUSE"
	})
	c = place()
	eventually(t, "filtering on: the assistants ring", func() bool { return len(fake.ChannelsOn("PJSIP/1002")) == 1 })
	fake.Hangup(c)

	os.WriteFile(file, []byte("users: [ {extension: 1001\n"), 0o600) // broken
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	eventually(t, "the refusal", func() bool { return strings.Contains(logs.String(), "reload refused") })
	eventually(t, "the last call to end", func() bool { return len(fake.ChannelsOn("PJSIP/1002")) == 0 })
	c = place()
	eventually(t, "the running configuration still filters", func() bool { return len(fake.ChannelsOn("PJSIP/1002")) == 1 })
	fake.Hangup(c)
	if !strings.Contains(logs.String(), "execassist.yaml:1") {
		t.Fatalf("the refusal does not name file and line:\n%s", logs.String())
	}
}

// TestSIGHUPWithoutConfigIsLoggedNotFatal: serve without --config survives SIGHUP (the
// default action would end it with status 129) and says why nothing happened; a
// successful reload sets the BLF lamps to the reloaded filtering.
func TestSIGHUPWithoutConfigIsLoggedNotFatal(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	t.Setenv("EXECASSIST_ARI_PASSWORD", fake.Password)
	logs := &testlog.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--store", filepath.Join(t.TempDir(), "x.db"), "--ari-url", fake.URL}, logs, logs)
	}()
	defer func() { cancel(); <-done }()
	eventually(t, "serve to connect", func() bool { return fake.Connections() == 1 })
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	eventually(t, "the SIGHUP log line", func() bool { return strings.Contains(logs.String(), "nothing to reload") })
}
