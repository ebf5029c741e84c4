package demo

import (
	"io"
	"net/http"
	"testing"

	"github.com/execassist/execassist/internal/poll"
)

// TestTheDemoAnswersHealthzAsServeDoes: /healthz says 200 once the app is connected to
// the fake Asterisk, as serve's does (a supervisor or `curl` can watch the demo too).
// Start returns when the WebSocket is up; the app marks itself connected when it has
// read the connection's first event, a moment later: so the test waits for it.
func TestTheDemoAnswersHealthzAsServeDoes(t *testing.T) {
	w := world(t)
	var code int
	var body []byte
	poll.Until(t, 0, "/healthz to say ok", func() bool {
		resp, err := http.Get(w.URL + "healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		code = resp.StatusCode
		return code == 200
	})
	if string(body) != "ok\n" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
}
