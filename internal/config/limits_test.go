package config

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/execassist/execassist/internal/testskip"
)

// aliasBomb builds a file of a few kilobytes whose aliases, followed blindly, expand to
// width^3 caller numbers: the "billion laughs" shape aimed at the model's own nesting
// (users -> filters -> calls_from.numbers).
func aliasBomb(width int) string {
	refs := func(name string) string {
		r := make([]string, width)
		for i := range r {
			r[i] = "*" + name
		}
		return "[" + strings.Join(r, ", ") + "]"
	}
	nums := make([]string, width)
	for i := range nums {
		nums[i] = fmt.Sprintf("\"+1555%07d\"", i)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "x0: &n [%s]\n", strings.Join(nums, ", "))
	b.WriteString("x1: &f {name: f, action: filter, calls_from: {numbers: *n}}\n")
	fmt.Fprintf(&b, "x2: &fs %s\n", refs("f"))
	b.WriteString("x3: &u {extension: \"1\", devices: [PJSIP/1], executive: {filtering: {mode: custom, filters: *fs}}}\n")
	fmt.Fprintf(&b, "users: %s\n", refs("u"))
	return b.String()
}

func heapAfter(f func()) (allocated uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAliasBombIsRefused: nested aliases are followed only up to MaxAliasNodes, so a
// small hostile file is refused with a clear message at a bounded cost instead of
// costing gigabytes (the 8 KB bomb took 4 GB and 95 s before the bound).
func TestAliasBombIsRefused(t *testing.T) {
	for _, width := range []int{100, 300, 1000} {
		data := aliasBomb(width)
		var err error
		alloc := heapAfter(func() { _, _, err = Parse("bomb.yaml", []byte(data)) })
		if err == nil {
			t.Fatalf("%d: a bomb of %d bytes parsed", width, len(data))
		}
		if !strings.Contains(err.Error(), "aliases expand to more than") {
			t.Errorf("%d: no alias message: %.300s", width, err)
		}
		if n := strings.Count(err.Error(), "\n") + 1; n > MaxErrors+1 {
			t.Errorf("%d: %d error lines", width, n)
		}
		if alloc > 256<<20 {
			t.Errorf("%d: %d MB allocated for a %d byte file", width, alloc>>20, len(data))
		}
	}
}

// TestAliasesForSharedSettingsStillWork: aliases an admin writes to share a block are fine.
func TestAliasesForSharedSettingsStillWork(t *testing.T) {
	data := `
defaults:
  alerting: &alerting {mode: sequential, rings_per_assistant: 2}
users:
  - {extension: "1002", devices: [PJSIP/1002], assistant: {}}
  - extension: "1001"
    devices: [PJSIP/1001]
    executive: {assistants: ["1002"], alerting: *alerting}
`
	cfg, src, err := Parse("ok.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(cfg, src); len(errs) > 0 {
		t.Fatal(errs)
	}
	if eff := cfg.ExecutiveSettings(cfg.User("1001")); eff.AlertingMode != "sequential" || eff.RingsPerAssistant != 2 {
		t.Fatalf("alias not applied: %+v", eff)
	}
}

// TestHugeFileIsRefusedUnread: a 10 MB file is refused by size, before it is parsed.
func TestHugeFileIsRefusedUnread(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.yaml")
	line := "# " + strings.Repeat("x", 1021) + "\n"
	if err := os.WriteFile(big, []byte(strings.Repeat(line, 10<<10)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(big)
	if err == nil || !strings.Contains(err.Error(), big) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("10 MB file: %v", err)
	}
	if _, _, err := Parse("big.yaml", make([]byte, MaxFileSize+1)); err == nil {
		t.Fatal("Parse took more than MaxFileSize bytes")
	}
}

// TestErrorsAreCapped: a file with thousands of problems lists the first MaxErrors and
// counts the rest, in the decoder and in the validator.
func TestErrorsAreCapped(t *testing.T) {
	var decodeErrs, validateErrs strings.Builder
	decodeErrs.WriteString("users:\n")
	validateErrs.WriteString("users:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&decodeErrs, "  - {extension: \"%d\", bogus: 1}\n", 1000+i)
		fmt.Fprintf(&validateErrs, "  - {extension: \"x%d\", devices: [PJSIP/%d]}\n", i, 1000+i)
	}
	_, _, err := Parse("many.yaml", []byte(decodeErrs.String()))
	checkCapped(t, "decode", err)
	cfg, src, err := Parse("many.yaml", []byte(validateErrs.String()))
	if err != nil {
		t.Fatal(err)
	}
	checkCapped(t, "validate", Validate(cfg, src))
}

func checkCapped(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxErrors+1 || !strings.Contains(lines[MaxErrors], "more problems not shown") {
		t.Fatalf("%s: %d lines, last %q", what, len(lines), lines[len(lines)-1])
	}
}

// TestSecretsAreNotEchoed: a wrong-typed password or a URL with credentials is reported
// without showing the secret.
func TestSecretsAreNotEchoed(t *testing.T) {
	_, _, err := Parse("s.yaml", []byte("ari: {password: [hunter2]}\n"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("list password: %v", err)
	}
	_, _, err = Parse("s.yaml", []byte("ari: {password: 123456}\n"))
	if err != nil {
		t.Fatalf("a numeric password is a string: %v", err)
	}
	_, _, err = Parse("s.yaml", []byte("ari: {password: true}\n"))
	if err == nil || strings.Contains(err.Error(), "true") || !strings.Contains(err.Error(), "ari.password") {
		t.Fatalf("bool password: %v", err)
	}
	cfg, src, err := Parse("s.yaml", []byte("ari: {url: \"ftp://execassist:s3cr3t@pbx/ari\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := Validate(cfg, src)
	if len(errs) == 0 || strings.Contains(errs.Error(), "s3cr3t") || !strings.Contains(errs.Error(), "ari.url") {
		t.Fatalf("url: %v", errs)
	}
}

// TestFilterCountIsBounded: the YAML check refuses more than MaxFilters filters and
// more than MaxFilterNumbers numbers in one, with the file, line and field.
func TestFilterCountIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("users:\n  - extension: \"1001\"\n    devices: [PJSIP/1001]\n    executive:\n      filtering:\n        mode: custom\n        filters:\n")
	for i := range MaxFilters + 1 {
		fmt.Fprintf(&b, "          - {name: f%d, action: filter}\n", i)
	}
	nums := make([]string, MaxFilterNumbers+1)
	for i := range nums {
		nums[i] = fmt.Sprintf(`"+1555%07d"`, i)
	}
	fmt.Fprintf(&b, "          - {name: many, action: filter, calls_from: {numbers: [%s]}}\n", strings.Join(nums, ", "))
	_, err := LoadBytes("big.yaml", []byte(b.String()))
	for _, want := range []string{
		fmt.Sprintf("big.yaml:8: users[0].executive.filtering.filters: has %d filters; at most %d per executive", MaxFilters+2, MaxFilters),
		fmt.Sprintf("filters[%d].calls_from.numbers: has %d numbers; at most %d per filter", MaxFilters+1, MaxFilterNumbers+1, MaxFilterNumbers),
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}

// TestNamesRefuseControlAndBidiCharacters: a user's, a filter's and a custom caller ID
// name with NUL, ESC, a line break or a bidi override is refused where it is set.
func TestNamesRefuseControlAndBidiCharacters(t *testing.T) {
	for _, bad := range []string{`Erin\0Exec`, `Erin\e[2J`, `Erin\u202eExec`, `Erin\u2066`, `Erin\u0085`} {
		y := `users:
  - extension: "1001"
    name: "` + bad + `"
    devices: [PJSIP/1001]
    executive:
      alerting: {caller_id: {name: custom, custom_name: "` + bad + `"}}
      filtering: {mode: custom, filters: [{name: "` + bad + `", action: filter}]}
`
		_, err := LoadBytes("names.yaml", []byte(y))
		for _, path := range []string{"users[0].name", "caller_id.custom_name", "filters[0].name"} {
			if err == nil || !strings.Contains(err.Error(), path+": may not contain control characters") {
				t.Errorf("%s in %s: %v", bad, path, err)
			}
		}
	}
}

// TestAFIFOIsNotAConfiguration: reading a FIFO as the config file fails at once instead
// of waiting for a writer (which wedged every later SIGHUP reload).
func TestAFIFOIsNotAConfiguration(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "execassist.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		testskip.Optional(t, "no FIFO here: "+err.Error())
	}
	done := make(chan error, 1)
	go func() { _, err := Load(fifo); done <- err }()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("FIFO: %v", err)
	}
}
