package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigCheckCountsInWordsAndWarnsOnNothing: an empty file checks OK but warns that
// nobody's calls would be handled; counts read "1 user", not "1 users"; a pool member
// without a name is named without empty parentheses.
func TestConfigCheckCountsInWordsAndWarnsOnNothing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.yaml", "")
	if code, out, errOut := runCmd("config", "check", empty); code != 0 || !strings.Contains(out, "OK (0 users, 0 executives)") ||
		!strings.Contains(errOut, "provisions no users") {
		t.Fatalf("empty: %d %q %q", code, out, errOut)
	}
	one := write("one.yaml", "users:\n  - {extension: \"1005\", name: Uma User, devices: [PJSIP/1005]}\n")
	if code, out, _ := runCmd("config", "check", one); code != 0 || !strings.Contains(out, "OK (1 user, 0 executives)") {
		t.Fatalf("one user: %d %q", code, out)
	}
	bad := write("bad.yaml", "users:\n  - {extension: \"1001\", name: Erin, devices: [PJSIP/1001], executive: {assistants: [\"1002\"]}}\n  - {extension: \"1002\", devices: [PJSIP/1002]}\n")
	if code, _, errOut := runCmd("config", "check", bad); code != 1 || !strings.Contains(errOut, `"1002" does not have the assistant service`) {
		t.Fatalf("a pool member without the service: %d %q", code, errOut)
	}
}
