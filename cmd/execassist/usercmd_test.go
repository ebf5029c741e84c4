package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
)

// TestUserPasswdStoresOnlyAHashAndIsAudited: the secret never reaches the store, the
// audit log, the export or the output; a weak one is refused.
func TestUserPasswdStoresOnlyAHashAndIsAudited(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cfg := filepath.Join(dir, "x.yaml")
	os.WriteFile(cfg, []byte(statusYAML), 0o600)
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"config", "import", cfg, "--store", db}, &out, &errs); code != 0 {
		t.Fatalf("import: %s", errs.String())
	}
	if code := runIn(context.Background(), strings.NewReader("short\n"), []string{"user", "passwd", "1001", "--store", db}, &out, &errs); code == 0 {
		t.Fatal("a 5-character secret was accepted")
	}
	if code := runIn(context.Background(), strings.NewReader("long enough secret\n"), []string{"user", "passwd", "4242", "--store", db}, &out, &errs); code == 0 {
		t.Fatal("a secret for an unknown user was accepted")
	}
	out.Reset()
	if code := runIn(context.Background(), strings.NewReader("long enough secret\n"), []string{"user", "passwd", "1001", "--store", db}, &out, &errs); code != 0 {
		t.Fatal(errs.String())
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.SecretHash("1001")
	if secret.Verify("long enough secret", h) != nil {
		t.Fatalf("stored hash %q does not verify", h)
	}
	st.Close()
	raw, _ := os.ReadFile(db)
	if bytes.Contains(raw, []byte("long enough secret")) {
		t.Fatal("the secret itself is in the store file")
	}
	out.Reset()
	if code := run(context.Background(), []string{"audit", "--store", db}, &out, &errs); code != 0 || !strings.Contains(out.String(), "user 1001 secret") || strings.Contains(out.String(), "argon2") {
		t.Fatalf("audit: %d %s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"config", "export", "--store", db}, &out, &errs); code != 0 || strings.Contains(out.String(), "argon2") || strings.Contains(out.String(), "secret_hash") {
		t.Fatalf("export: %d %s", code, out.String())
	}
	out.Reset()
	if code := runIn(context.Background(), strings.NewReader("another long secret\n"), []string{"user", "hash"}, &out, &errs); code != 0 || secret.Verify("another long secret", strings.TrimSpace(out.String())) != nil {
		t.Fatalf("user hash: %v %q", err, out.String())
	}
}

// TestAuditSaysWhatChangedInWords: `audit` shows who by name and what changed field by
// field ("enabled: true → false"), not raw JSON; --output json gives the same for
// scripts.
func TestAuditSaysWhatChangedInWords(t *testing.T) {
	dir := t.TempDir()
	db, cfg := filepath.Join(dir, "x.db"), filepath.Join(dir, "x.yaml")
	os.WriteFile(cfg, []byte(statusYAML), 0o600)
	if code, _, errOut := runCmd("config", "import", cfg, "--store", db); code != 0 {
		t.Fatal(errOut)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.SetSecretHash("1001", "x", store.AuditEntry{Who: "1001", Role: "executive", From: "192.0.2.7", Resource: "people/1001/executive/callFiltering",
		Before: []byte(`{"enabled":true,"filterType":"ALL_CALLS"}`), After: []byte(`{"enabled":false,"filterType":"ALL_CALLS"}`)})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCmd("audit", "--store", db)
	if code != 0 || !strings.Contains(out, "enabled: true → false") || strings.Contains(out, `{"enabled"`) || strings.Contains(out, "filterType") {
		t.Fatalf("audit: %d\n%s", code, out)
	}
	code, out, _ = runCmd("audit", "--store", db, "-o", "json")
	var rows []struct {
		Who, WhoName string
		Changes      []string
	}
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].Who != "1001" || len(rows[0].Changes) != 1 {
		t.Fatalf("audit -o json: %d %s", code, out)
	}
}
