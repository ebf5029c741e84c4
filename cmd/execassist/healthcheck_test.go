package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthcheckExitsByWhatHealthzSays: 0 and "healthy" while /healthz answers 200; 1
// with the answer when it does not (ARI down), and 1 when nothing listens.
func TestHealthcheckExitsByWhatHealthzSays(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte("ari connected\n"))
	}))
	addr := strings.TrimPrefix(srv.URL, "http://")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"healthcheck", "--listen", addr}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "healthy") {
		t.Fatalf("healthy: %d %q %q", code, out.String(), errOut.String())
	}
	status = http.StatusServiceUnavailable
	errOut.Reset()
	if code := run(context.Background(), []string{"healthcheck", "--listen", addr}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "answered 503") {
		t.Fatalf("unhealthy: %d %q", code, errOut.String())
	}
	srv.Close()
	errOut.Reset()
	if code := run(context.Background(), []string{"healthcheck", "--listen", addr}, &out, &errOut); code != 1 {
		t.Fatalf("nothing listening: %d %q", code, errOut.String())
	}
	if u, _ := healthURL("0.0.0.0:9180", true); u != "https://127.0.0.1:9180/healthz" {
		t.Errorf("wildcard listener probed at %s", u)
	}
}
