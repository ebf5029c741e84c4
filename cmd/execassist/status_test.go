package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

const statusYAML = `
users:
  - extension: "1001"
    name: Erin Exec
    devices: [PJSIP/1001]
    executive:
      assistants: ["1002"]
      filtering: {enabled: true, mode: all}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {}}
`

// TestStatusListsLiveCallsThroughServe: `execassist status` asks the running serve and
// prints who is calling which executive, the state, who rings and who answered.
func TestStatusListsLiveCallsThroughServe(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	for _, p := range []aritest.Phone{{Endpoint: "PJSIP/trunk", Number: "+15557770000"},
		{Endpoint: "PJSIP/1001", Number: "1001"}, {Endpoint: "PJSIP/1002", Number: "1002"}} {
		fake.AddPhone(p)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "x.yaml")
	if err := os.WriteFile(cfg, []byte(statusYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	listen, _, _ := startServe(t, fake, "--config", cfg, "--store", filepath.Join(dir, "x.db"))
	status := func() (int, string) {
		var out, errs bytes.Buffer
		code := run(context.Background(), []string{"status", "--store", filepath.Join(dir, "x.db")}, &out, &errs)
		return code, out.String() + errs.String()
	}
	if resp, err := http.Get("http://" + listen + "/v1/openapi.json"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the self-service API is not on serve's listener: %v", err)
	} else {
		resp.Body.Close()
	}
	if code, out := status(); code != 0 || !strings.Contains(out, "no calls in progress") {
		t.Fatalf("idle status: %d %s", code, out)
	}
	fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerName: "Bob\x1b[2JCaller", Exten: "1001", Args: []string{"exec", "1001"}})
	var out string
	eventually(t, "the ringing call in status", func() bool {
		_, out = status()
		return strings.Contains(out, "ringing") && strings.Contains(out, "1002")
	})
	for _, want := range []string{"EXEC", "1001", `Bob\x1b[2JCaller <+15557770000>`} {
		if !strings.Contains(out, want) {
			t.Fatalf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Fatalf("a terminal escape from the caller ID reached the output:\n%q", out)
	}
	var leg string
	eventually(t, "the assistant to ring", func() bool {
		for _, id := range fake.ChannelsOn("PJSIP/1002") {
			leg = id
		}
		return leg != ""
	})
	fake.Answer(leg)
	eventually(t, "the answered call in status", func() bool {
		_, out = status()
		return strings.Contains(out, "answered") && strings.Contains(out, "1002")
	})
}

// TestStatusIsNotOnTheTCPListener: the live call list (caller names and numbers) is
// answered on the owner-only socket beside the store, not to whoever reaches the
// listener (a reverse proxy on the same host made every loopback peer look local);
// without serve, status says what it looked for.
func TestStatusIsNotOnTheTCPListener(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	db := filepath.Join(t.TempDir(), "x.db")
	listen, _, stop := startServe(t, fake, "--config", "../../examples/execassist.yaml", "--store", db)
	resp, err := http.Get("http://" + listen + statusPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 200 {
		t.Fatalf("%s answered on the TCP listener without a session", statusPath)
	}
	fi, err := os.Stat(statusSocket(settings{Store: db}))
	if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("status socket: %v %v", fi, err)
	}
	stop()
	if _, err := os.Stat(statusSocket(settings{Store: db})); err == nil {
		t.Error("serve left its status socket behind")
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"status", "--store", db}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "is serve running") {
		t.Fatalf("status with serve down: %d %q", code, errs.String())
	}
}
