package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/policy"
	"github.com/execassist/execassist/store"
)

func TestExplainReadsTheStoreWithRuntimeState(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"config", "import", "../../examples/execassist.yaml", "--store", db}, &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.SetOptIn("1002", "1001", false)
	st.SetOptIn("1003", "1001", false)
	st.AppendJournal(store.JournalEntry{At: time.Now(), CallID: "c1", Kind: "call", Executive: "1001", Caller: "+15551234567",
		Decision: "filtered", Outcome: "answered", AnsweredBy: "1002", AnswerAfter: 3 * time.Second, Legs: []string{"1002@devices"},
		Reasons: []string{"mode all: every call is filtered"}, EndCause: "caller-hung-up",
		Steps: []store.JournalStep{{At: time.Now(), What: "pushed", By: "1002"}, {At: time.Now(), What: "answered after push", By: "1001"},
			{At: time.Now(), What: "the caller hung up"}}})
	st.Close()

	out.Reset()
	code := run(context.Background(), []string{"explain", "--store", db, "--exec", "1001", "--from", "+15551234567", "--at", "2026-11-24T10:00:00-05:00"}, &out, &errOut)
	if code != 0 {
		t.Fatal(errOut.String())
	}
	for _, want := range []string{"decision: NORMAL", "assistant 1002 (Ann Assist) opted out", "no assistant is available: the call goes to the executive"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explain lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	run(context.Background(), []string{"explain", "--store", db, "--exec", "1001", "--from", "+15557771234", "--at", "2026-11-24T10:00:00-05:00"}, &out, &errOut)
	if !strings.Contains(out.String(), `don't-filter rule "board members reach me" wins`) {
		t.Errorf("board member:\n%s", out.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"explain", "--store", db, "--exec", "1999", "--from", "1"}, &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "1999 is not a provisioned user") {
		t.Fatalf("unknown executive: %d %s", code, errOut.String())
	}
	out.Reset()
	run(context.Background(), []string{"explain", "--store", db, "--fac", "#641001*1419005550000", "--device", "PJSIP/1002"}, &out, &errOut)
	if !strings.Contains(out.String(), "REFUSED") || !strings.Contains(out.String(), "is a premium-rate number") {
		t.Errorf("explain --fac:\n%s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"calls", "--store", db, "--exec", "1001", "--since", "1h"}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "answered") || !strings.Contains(out.String(), "Ann Assist (1002)") || strings.Contains(out.String(), "1002@devices") {
		t.Fatalf("calls: %d\n%s", code, out.String())
	}
	// --output json: the whole records, for scripts.
	out.Reset()
	var records []store.JournalEntry
	if code := run(context.Background(), []string{"calls", "--store", db, "--output", "json"}, &out, &errOut); code != 0 || json.Unmarshal(out.Bytes(), &records) != nil ||
		len(records) != 1 || records[0].AnsweredBy != "1002" || len(records[0].Steps) != 3 {
		t.Fatalf("calls --output json: %d %s", code, out.String())
	}
	if code := run(context.Background(), []string{"calls", "--store", db, "--output", "yaml"}, &out, &errOut); code != 2 {
		t.Errorf("--output yaml: %d", code)
	}
	// --why tells the call's whole life from its one record: why, what happened, the end.
	out.Reset()
	if code := run(context.Background(), []string{"calls", "--store", db, "--why"}, &out, &errOut); code != 0 {
		t.Fatalf("calls --why: %d %s", code, errOut.String())
	}
	for _, want := range []string{"caller-hung-up", "mode all: every call is filtered", "pushed (Ann Assist)", "answered after push (Erin Exec)", "the caller hung up"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("calls --why lacks %q:\n%s", want, out.String())
		}
	}
}

// TestExplainFACShowsTheCallVerdict: explain --fac prints the verdict the FAC itself
// reaches (the same ParseFAC), destination class and dialled number included.
func TestExplainFACShowsTheCallVerdict(t *testing.T) {
	cfg, err := config.Load("../../examples/execassist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ digits, want string }{
		{"#64100119005550000", "is a premium-rate number"},
		{"#641001*7215551234", "is a feature code"},
		{"#6410010044207123456", "wrong length"},
		{"#64100112125551234", "call +12125551234 as 1001 (dial Local/+12125551234@execassist-outbound)"},
		{"#641001011442071234567", "international destination"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"explain", "--config", "../../examples/execassist.yaml", "--fac", c.digits, "--device", "PJSIP/1002"}, &out, &errOut); code != 0 {
			t.Fatalf("%s: %d %s", c.digits, code, errOut.String())
		}
		f := policy.ParseFAC(cfg, "PJSIP/1002", c.digits)
		if refused := strings.Contains(out.String(), "decision: REFUSED"); refused != (f.Refused != "") || !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: explain says\n%s\nthe FAC: %+v", c.digits, out.String(), f)
		}
	}
}

// TestExplainFACTakesSpacesAndSaysARefusalOnce: the README's example with spaces is
// explained (not "digits must be 0-9 * # +"), and the refusal is among the reasons once.
func TestExplainFACTakesSpacesAndSaysARefusalOnce(t *testing.T) {
	code, out, errOut := runCmd("explain", "--config", "../../examples/execassist.yaml", "--fac", "#64 1001 19005550000", "--device", "PJSIP/1002")
	if code != 0 || strings.Contains(out, "digits must be") || !strings.Contains(out, "REFUSED") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	_, why, _ := strings.Cut(out, "why:")
	if n := strings.Count(why, "is a premium-rate number"); n != 1 || strings.Count(why, "+19005550000") != 1 {
		t.Fatalf("the refusal is among the reasons %d times:\n%s", n, why)
	}
}

// TestExplainSaysAPushIsAnnounced: with announce_push on, explain says what the
// executive will hear and press.
func TestExplainSaysAPushIsAnnounced(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.yaml")
	os.WriteFile(file, []byte(`users:
  - extension: "1001"
    devices: [PJSIP/1001]
    executive: {assistants: ["1002"], filtering: {enabled: true, mode: all}, announce_push: {enabled: true, timeout: 6s}}
  - {extension: "1002", devices: [PJSIP/1002], assistant: {}}
`), 0o600)
	code, out, errOut := runCmd("explain", "--config", file, "--exec", "1001", "--from", "+15551234567")
	if code != 0 || !strings.Contains(out, "is announced") || !strings.Contains(out, "no key in 6s takes it") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
}

// TestExplainSaysTheExecutiveRingsFirst: alerting.executive first and together are
// said as what the phones do, and the DND exception as a reason.
func TestExplainSaysTheExecutiveRingsFirst(t *testing.T) {
	for _, tc := range []struct{ how, want string }{
		{"first", "the executive's phones ring first, alone for 12s, then with the assistants: PJSIP/1001"},
		{"together", "the executive's phones ring together with the assistants: PJSIP/1001"},
	} {
		file := filepath.Join(t.TempDir(), "x.yaml")
		os.WriteFile(file, []byte(`users:
  - extension: "1001"
    devices: [PJSIP/1001]
    executive: {assistants: ["1002"], filtering: {enabled: true, mode: all}, alerting: {executive: `+tc.how+`, executive_for: 12s}}
  - {extension: "1002", devices: [PJSIP/1002], assistant: {}}
`), 0o600)
		code, out, errOut := runCmd("explain", "--config", file, "--exec", "1001", "--from", "+15551234567")
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%s: %d %s %s", tc.how, code, out, errOut)
		}
	}
}

// TestExplainSaysTheStatusSendsTheCallOn: out of office with voicemail as its action,
// as the store has it.
func TestExplainSaysTheStatusSendsTheCallOn(t *testing.T) {
	dir := t.TempDir()
	file, db := filepath.Join(dir, "x.yaml"), filepath.Join(dir, "x.db")
	os.WriteFile(file, []byte(`users:
  - extension: "1001"
    devices: [PJSIP/1001]
    executive: {assistants: ["1002"], filtering: {enabled: true, mode: all}, availability_actions: {out-of-office: {action: voicemail}}}
  - {extension: "1002", devices: [PJSIP/1002], assistant: {}}
`), 0o600)
	if code, out, errOut := runCmd("config", "import", file, "--store", db); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetAvailability("1001", &config.Availability{Status: config.OutOfOffice}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, out, errOut := runCmd("explain", "--store", db, "--exec", "1001", "--from", "+15551234567")
	if code != 0 || !strings.Contains(out, "status: out-of-office, until cleared") || !strings.Contains(out, "decision: VOICEMAIL (the executive's status): continue to execassist-voicemail,1001,1") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
}
