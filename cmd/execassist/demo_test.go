package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/internal/testlog"
)

// TestDemoPrintsTheAddressAndTheSignInsAndServesThePage is the README's first command:
// it prints where the page is and who can sign in; the page and a demo sign-in work.
func TestDemoPrintsTheAddressAndTheSignInsAndServesThePage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := &testlog.Buffer{}, &testlog.Buffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"demo", "--listen", "127.0.0.1:0", "--no-callers"}, out, errs) }()
	var url string
	// The demo hashes its sign-in secrets with the production argon2 cost first: slow
	// under the race detector on a busy machine.
	poll.Until(t, time.Minute, "the demo to print its greeting", func() bool {
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(out.String())
		return url != "" && strings.Contains(out.String(), "Ctrl-C")
	})
	for _, want := range []string{"1001   secret demo-1001", "admin  secret demo-admin", "Ctrl-C stops the demo"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's greeting lacks %q:\n%s", want, out.String())
		}
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `<form id="signin"`) {
		t.Fatalf("the page: %d", resp.StatusCode)
	}
	resp, err = http.Post(url+"v1/login", "application/json", strings.NewReader(`{"user":"1002","secret":"demo-1002"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("demo sign-in: %d", resp.StatusCode)
	}
	// `execassist status` as the greeting says, against the demo.
	socket := regexp.MustCompile(`status --socket (\S+)`).FindStringSubmatch(out.String())
	if socket == nil {
		t.Fatalf("the greeting does not say how to see the calls:\n%s", out.String())
	}
	if code, stdout, errOut := runCmd("status", "--socket", socket[1]); code != 0 || !strings.Contains(stdout, "no calls in progress") {
		t.Fatalf("status against the demo: %d %s %s", code, stdout, errOut)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("demo exit %d: %s", code, errs.String())
	}
}
