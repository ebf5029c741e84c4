package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/internal/testlog"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	poll.Until(t, 0, what, f)
}

// freeAddress is a loopback host:port nothing listens on.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe runs `execassist serve` against fake with args and a listener on a free
// port, until stop (or the test's end); it returns the listener's address and serve's
// log.
func startServe(t *testing.T, fake *aritest.Server, args ...string) (listen string, logs *testlog.Buffer, stop func()) {
	t.Helper()
	t.Setenv("EXECASSIST_ARI_PASSWORD", "secret")
	listen, logs = freeAddress(t), &testlog.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"serve", "--ari-url", fake.URL, "--listen", listen}, args...), logs, logs)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	eventually(t, "serve to connect", func() bool { return fake.Connections() == 1 })
	return listen, logs, stop
}

func TestServeContinuesUnknownExecutiveInDialplan(t *testing.T) {
	fake := aritest.New(aritest.Options{Password: "s3cret-pw", Username: "execassist"})
	defer fake.Close()
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Number: "+15551230000"})
	dir := t.TempDir()
	t.Setenv("EXECASSIST_ARI_PASSWORD", "s3cret-pw")
	logs := &testlog.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	listen := l.Addr().String()
	l.Close()
	go func() {
		done <- run(ctx, []string{"serve", "--config", "../../examples/execassist.yaml", "--store", filepath.Join(dir, "x.db"),
			"--ari-url", fake.URL, "--log-level", "debug", "--listen", listen}, logs, logs)
	}()
	eventually(t, "serve to connect", func() bool { return fake.Connections() == 1 })

	id := fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1999", Args: []string{"exec", "1999"}})
	eventually(t, "the caller to be continued", func() bool { _, ok := fake.Continued(id); return ok })
	if to, _ := fake.Continued(id); to.String() != "from-internal,1999,2" {
		t.Fatalf("continued to %s, want the next priority (the executive's Dial)", to)
	}
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/channels/create") || strings.HasSuffix(r.Path, "/dial") {
			t.Fatalf("a leg was dialled for an unknown executive: %+v", r)
		}
	}
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + listen + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("/healthz while connected: %d", code)
	}
	eventually(t, "one line at the call's end", func() bool {
		return strings.Contains(logs.String(), `"kind":"call","executive":"1999","decision":"normal","outcome":"continued","duration":"`) &&
			strings.Contains(logs.String(), `"message":"call ended"`)
	})
	eventually(t, "the call in /metrics", func() bool {
		_, m := get("/metrics")
		return strings.Contains(m, `execassist_calls_total{decision="normal",ended="none",kind="call",outcome="continued"} 1`) &&
			strings.Contains(m, "execassist_ari_connected 1") && strings.Contains(m, `execassist_build_info{built=`) && strings.Contains(m, `goversion="go`)
	})
	// A StasisStart with arguments execassist does not know also fails open.
	odd := fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"mystery"}})
	eventually(t, "the odd call to be continued", func() bool { _, ok := fake.Continued(odd); return ok })

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, logs)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	if strings.Contains(logs.String(), "s3cret-pw") {
		t.Fatal("the ARI password appears in the logs")
	}
	st, err := store.Open(filepath.Join(dir, "x.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j, _ := st.Journal(store.JournalFilter{Executive: "1999"})
	if len(j) != 1 || j[0].Decision != "normal" || !strings.Contains(j[0].Reasons[0], "not a provisioned user") {
		t.Fatalf("journal %+v", j)
	}
}

func TestServeKeepsRetryingWhileAsteriskIsDownAndStopsCleanly(t *testing.T) {
	logs := &testlog.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- serve(ctx, settings{ARIURL: "http://127.0.0.1:1/ari", ARIUser: "u", ARIPassword: "pw-never-logged",
			App: "execassist", Store: filepath.Join(t.TempDir(), "x.db")}, zerolog.New(logs), nil)
	}()
	eventually(t, "two failed connection attempts", func() bool {
		return strings.Count(logs.String(), "ARI events connection failed") >= 2
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "pw-never-logged") {
		t.Fatal("password logged")
	}
}

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"config", "check", "../../examples/execassist.yaml"}, &out, &errOut); code != 0 {
		t.Fatalf("check example: %d %s", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	bad := "../../internal/config/testdata/invalid/bad-enums.yaml"
	if code := run(context.Background(), []string{"config", "check", bad}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), `bad-enums.yaml:7: users[0].executive.alerting.rollover.action: "voicemail2" is not one of voice-messaging, forward, no-answer-processing`) {
		t.Fatalf("check bad: %d %s", code, errOut.String())
	}
	if code := run(context.Background(), []string{"config", "import", "../../examples/execassist.yaml", "--store", db}, &out, &errOut); code != 0 {
		t.Fatalf("import: %s", errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"config", "export", "--store", db}, &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	first := out.String()
	exported := filepath.Join(dir, "exported.yaml")
	os.WriteFile(exported, out.Bytes(), 0o600)
	// A failed import changes nothing.
	errOut.Reset()
	if code := run(context.Background(), []string{"config", "import", bad, "--store", db}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "nothing was imported") {
		t.Fatalf("bad import: %d %s", code, errOut.String())
	}
	// The export re-imports and exports identically (comment line aside).
	if code := run(context.Background(), []string{"config", "import", exported, "--store", db}, &out, &errOut); code != 0 {
		t.Fatalf("re-import export: %s", errOut.String())
	}
	out.Reset()
	run(context.Background(), []string{"config", "export", "--store", db}, &out, &errOut)
	strip := func(s string) string { return s[strings.Index(s, "\n")+1:] }
	if strip(out.String()) != strip(first) {
		t.Fatalf("export round trip differs:\n%s\n---\n%s", first, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "execassist ") {
		t.Fatal("version")
	}
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Fatal("unknown command must exit 2")
	}
}
