package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/testlog"
	"github.com/execassist/execassist/store"
)

// TestServeNeverLogsTheARIPassword: credentials written in the ARI URL still work and
// never appear in serve's logs; the password flag and a listener on every interface are
// warned about.
func TestServeNeverLogsTheARIPassword(t *testing.T) {
	const password = "s3cr3t-ari-pw"
	fake := aritest.New(aritest.Options{Password: password})
	defer fake.Close()
	dir := t.TempDir()
	withCreds := strings.Replace(fake.URL, "http://", "http://execassist:"+password+"@", 1)
	for _, format := range []string{"json", "console"} {
		logs := &testlog.Buffer{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- run(ctx, []string{"serve", "--store", filepath.Join(dir, format+".db"), "--ari-url", withCreds,
				"--ari-password", password, "--listen", "0.0.0.0:0", "--log-format", format}, logs, logs)
		}()
		eventually(t, "serve to connect", func() bool { return strings.Contains(logs.String(), "serving /metrics") })
		cancel()
		<-done
		out := logs.String()
		if strings.Contains(out, password) {
			t.Fatalf("%s logs show the password:\n%s", format, out)
		}
		for _, want := range []string{"EXECASSIST_ARI_PASSWORD instead", "listener is on every interface", "execassist:xxxxx@127.0.0.1"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s logs lack %q:\n%s", format, want, out)
			}
		}
	}
	for _, addr := range []string{"127.0.0.1:9180", "[::1]:9180", "localhost:9180"} {
		if w := exposedListener(addr); w != "" {
			t.Errorf("%s: %s", addr, w)
		}
	}
	for _, addr := range []string{":9180", "0.0.0.0:9180", "[::]:9180", "192.0.2.7:9180"} {
		if exposedListener(addr) == "" {
			t.Errorf("%s not flagged", addr)
		}
	}
}

// TestConfigCheckHidesSecrets: the errors config check prints name the field but not a
// password value or the password in a URL.
func TestConfigCheckHidesSecrets(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("ari:\n  url: \"ftp://execassist:hunter2@pbx/ari\"\n  password: true\n"), 0o600)
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"config", "check", file}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if s := errOut.String() + out.String(); strings.Contains(s, "hunter2") || strings.Contains(s, "true") || !strings.Contains(s, "ari.password") {
		t.Fatalf("config check:\n%s", s)
	}
	os.WriteFile(file, []byte("ari:\n  url: \"ftp://execassist:hunter2@pbx/ari\"\n"), 0o600)
	errOut.Reset()
	run(context.Background(), []string{"config", "check", file}, &out, &errOut)
	if s := errOut.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "ari.url") {
		t.Fatalf("config check url:\n%s", s)
	}
}

// TestCallsEscapesCallerIDs: a caller name or number with terminal escapes, a newline or
// a tab is printed escaped: it cannot clear the screen or forge a row.
func TestCallsEscapesCallerIDs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	evil := "\x1b[2J\x1b[H+15551234567\n2026-01-01 00:00:00  call  1001  +1555  filtered\tanswered"
	st.AppendJournal(store.JournalEntry{At: time.Now(), CallID: "c1", Kind: "call", Executive: "1001", Caller: evil,
		Decision: "filtered", Outcome: "answered", Reasons: []string{"caller " + evil}})
	st.Close()
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"calls", "--store", db, "--why"}, &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	s := out.String()
	if strings.ContainsRune(s, 0x1b) || strings.Count(s, "\n") != 3 || !strings.Contains(s, `\x1b[2J`) {
		t.Fatalf("calls output:\n%q", s)
	}
}

// TestConsoleLogsEscapeUntrustedText: in console format a caller ID with escapes or a
// newline in a field or the message cannot forge a log line or drive the terminal.
func TestConsoleLogsEscapeUntrustedText(t *testing.T) {
	var b bytes.Buffer
	log, err := newLogger(settings{LogLevel: "info", LogFormat: "console"}, &b)
	if err != nil {
		t.Fatal(err)
	}
	log.Info().Str("caller", "\x1b]0;pwned\x07Bob\nINF forged line").Msg("call \x1b[2J arrived")
	if s := b.String(); strings.ContainsRune(s, 0x1b) || strings.Count(s, "\n") != 1 || !strings.Contains(s, `\x1b]0;pwned`) {
		t.Fatalf("console log: %q", s)
	}
}

func TestConsoleLogsStayReadable(t *testing.T) {
	var b bytes.Buffer
	log, _ := newLogger(settings{LogLevel: "info", LogFormat: "console"}, &b)
	log.Info().Str("exec", "1001").Msg("configuration loaded")
	if s := b.String(); strings.Contains(s, "<nil>") || !strings.Contains(s, "configuration loaded exec=1001") {
		t.Fatalf("console log: %q", s)
	}
	// Booleans and durations as such, the time with seconds.
	b.Reset()
	log.Info().Bool("tls", false).Dur("retry_in", 100*time.Millisecond).Dur("after", 5003990*time.Microsecond).Msg("x")
	s := b.String()
	for _, want := range []string{"tls=false", "retry_in=100ms", "after=5.00399s"} {
		if !strings.Contains(s, want) {
			t.Errorf("console log lacks %q: %q", want, s)
		}
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`).MatchString(s) {
		t.Errorf("console log time without seconds: %q", s)
	}
}

// TestAliasBombIsRefusedByEveryEntry: config check and serve --config (whose operational
// settings viper reads first) refuse a nested-alias file at once.
func TestAliasBombIsRefusedByEveryEntry(t *testing.T) {
	refs := func(name string, n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat("*"+name+", ", n), ", ") + "]"
	}
	bomb := "x0: &n [\"+15550000000\"" + strings.Repeat(", \"+15550000000\"", 999) + "]\n" +
		"x1: &f {name: f, action: filter, calls_from: {numbers: *n}}\n" +
		"x2: &fs " + refs("f", 1000) + "\n" +
		"x3: &u {extension: \"1\", devices: [PJSIP/1], executive: {filtering: {mode: custom, filters: *fs}}}\n" +
		"users: " + refs("u", 1000) + "\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "bomb.yaml")
	os.WriteFile(file, []byte(bomb), 0o600)
	for _, args := range [][]string{{"config", "check", file}, {"config", "import", file, "--store", filepath.Join(dir, "x.db")},
		{"explain", "--config", file, "--exec", "1", "--from", "2"}, {"serve", "--config", file, "--store", filepath.Join(dir, "y.db")}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), "alias") {
			t.Errorf("%v: exit %d\n%.400s", args, code, errOut.String())
		}
	}
}
