package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/secret"
)

func login(t *testing.T, listen, user, pw string) int {
	t.Helper()
	resp, err := http.Post("http://"+listen+"/v1/login", "application/json", strings.NewReader(`{"user":"`+user+`","secret":"`+pw+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTheFirstAdminComesFromTheEnvironment: a new install with nobody able to sign in
// says so at start, with how to fix it; with EXECASSIST_ADMIN_SECRET serve creates the
// admin (hashed, never logged), says where the page is, the admin signs in, and the
// next start keeps the same secret without a new audit entry.
func TestTheFirstAdminComesFromTheEnvironment(t *testing.T) {
	adminHash = func(s string) (string, error) {
		return secret.HashWith(s, secret.Params{Memory: 64, Time: 1, Threads: 1})
	}
	defer func() { adminHash = secret.Hash }()
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	db := filepath.Join(t.TempDir(), "x.db")

	listen, logs, stop := startServe(t, fake, "--store", db)
	eventually(t, "the sign-in line", func() bool { return strings.Contains(logs.String(), "nobody can sign in") })
	if !strings.Contains(logs.String(), "EXECASSIST_ADMIN_SECRET") || login(t, listen, "admin", "whatever-it-is") != http.StatusUnauthorized {
		t.Fatalf("no admin yet: %s", logs.String())
	}
	stop()

	const pw = "first-admin-secret"
	t.Setenv("EXECASSIST_ADMIN_SECRET", pw)
	listen, logs, stop = startServe(t, fake, "--store", db)
	eventually(t, "the page line", func() bool { return strings.Contains(logs.String(), "the page is at http://"+listen+"/") })
	if strings.Contains(logs.String(), pw) {
		t.Fatal("the admin secret is in the log")
	}
	if _, set := os.LookupEnv("EXECASSIST_ADMIN_SECRET"); set {
		t.Error("serve kept EXECASSIST_ADMIN_SECRET in its environment")
	}
	if code := login(t, listen, "admin", pw); code != http.StatusOK {
		t.Fatalf("the admin signing in: %d", code)
	}
	if code := login(t, listen, "admin", "not-the-secret"); code != http.StatusUnauthorized {
		t.Fatalf("a wrong secret: %d", code)
	}
	stop()

	t.Setenv("EXECASSIST_ADMIN_SECRET", pw)
	_, logs, stop = startServe(t, fake, "--store", db)
	eventually(t, "the unchanged line", func() bool { return strings.Contains(logs.String(), "secret unchanged") })
	stop()
}
