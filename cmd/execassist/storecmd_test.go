package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestReadCommandsNeverCreateAStore: explain, calls and config export on a path with no
// store say so, naming the path, and leave no file behind.
func TestReadCommandsNeverCreateAStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.db")
	for _, args := range [][]string{{"explain", "--store", db, "--exec", "1001", "--from", "1"},
		{"calls", "--store", db}, {"config", "export", "--store", db}, {"store", "check", "--store", db}} {
		code, _, errOut := runCmd(args...)
		if code == 0 || !strings.Contains(errOut, db) {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v created the store", args)
		}
	}
}

// TestDamagedStoreIsRefusedAndRestored: serve and the readers refuse a damaged store with
// a message naming it (no crash, no silent new store); store check says so; store
// restore brings back the last good copy written by config import.
func TestDamagedStoreIsRefusedAndRestored(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	if code, _, errOut := runCmd("config", "import", "../../examples/execassist.yaml", "--store", db); code != 0 {
		t.Fatal(errOut)
	}
	if code, out, _ := runCmd("store", "check", "--store", db); code != 0 || !strings.Contains(out, "OK") || !strings.Contains(out, "last good copy") {
		t.Fatalf("check of a good store: %d %s", code, out)
	}
	os.Truncate(db, 0)
	for _, args := range [][]string{{"serve", "--store", db, "--ari-url", "http://127.0.0.1:1/ari"}, {"calls", "--store", db},
		{"store", "check", "--store", db}} {
		code, _, errOut := runCmd(args...)
		if code == 0 || !strings.Contains(errOut, db) || !strings.Contains(errOut, "empty") {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
	code, out, errOut := runCmd("store", "restore", "--store", db)
	if code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCmd("config", "export", "--store", db); code != 0 || !strings.Contains(out, "Erin Exec") {
		t.Fatalf("export after restore: %d %s", code, out)
	}
}

// TestBadFlagsPrintTheErrorAndUsage: an unknown flag or a bad value says what is wrong
// and where the command's help is, exit 2; --help prints the command's own flags once.
func TestBadFlagsPrintTheErrorAndUsage(t *testing.T) {
	for _, args := range [][]string{{"calls", "--bogus"}, {"calls", "--since", "garbage"}, {"serve", "--nope"}, {"explain", "--exec"}} {
		code, _, errOut := runCmd(args...)
		if code != 2 || !strings.Contains(errOut, "execassist "+args[0]+" --help") || !strings.Contains(errOut, strings.TrimLeft(args[1], "-")) {
			t.Errorf("%v: exit %d: %q", args, code, errOut)
		}
	}
	code, out, _ := runCmd("calls", "--help")
	if code != 0 || strings.Count(out, "--since") != 1 {
		t.Errorf("calls --help: %d %q", code, out)
	}
}

// TestEachCommandHasItsOwnHelp: a subcommand's help lists its flags only (config check
// has no --reset-runtime), group commands and `help <command>` list their
// subcommands, an unknown command names the nearest ones, and completion scripts are
// written for bash, zsh and fish.
func TestEachCommandHasItsOwnHelp(t *testing.T) {
	if _, out, _ := runCmd("config", "check", "--help"); strings.Contains(out, "reset-runtime") || !strings.Contains(out, "config check FILE") {
		t.Errorf("config check --help: %q", out)
	}
	if _, out, _ := runCmd("config", "import", "--help"); !strings.Contains(out, "--reset-runtime") {
		t.Errorf("config import --help lacks --reset-runtime: %q", out)
	}
	for _, args := range [][]string{{"config", "--help"}, {"help", "config"}} {
		if code, out, _ := runCmd(args...); code != 0 || !strings.Contains(out, "check") || !strings.Contains(out, "import") || !strings.Contains(out, "export") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
	if code, out, _ := runCmd("store", "--help"); code != 0 || !strings.Contains(out, "restore") {
		t.Errorf("store --help: %d %q", code, out)
	}
	if code, _, errOut := runCmd("sevre"); code != 2 || !strings.Contains(errOut, "serve") {
		t.Errorf("a typo: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd("config", "chek"); code != 2 || !strings.Contains(errOut, "did you mean check") {
		t.Errorf("a typo in a subcommand: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd("config"); code != 2 || !strings.Contains(errOut, "Available Commands") {
		t.Errorf("config alone: %d %q", code, errOut)
	}
	for shell, want := range map[string]string{"bash": "complete -o default", "zsh": "#compdef execassist", "fish": "complete -c execassist"} {
		if code, out, _ := runCmd("completion", shell); code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: %d %.200q", shell, code, out)
		}
	}
}
