package demo

import (
	"io"
	"net/http"
	"testing"
)

// TestTheDemoAnswersHealthzAsServeDoes: /healthz says 200 while the app is connected to
// the fake Asterisk, as serve's does (a supervisor or `curl` can watch the demo too).
func TestTheDemoAnswersHealthzAsServeDoes(t *testing.T) {
	w := world(t)
	resp, err := http.Get(w.URL + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Fatalf("/healthz: %d %q", resp.StatusCode, body)
	}
}
