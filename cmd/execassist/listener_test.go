package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/httpguard"
	"github.com/execassist/execassist/internal/nettest"
)

// TestServeListenerWithstandsSlowAndIdleClients: serve's own listener (shortened
// deadlines, a cap of 6 connections) cuts off a sign-in whose body trickles in, and
// while idle clients hold every connection /healthz and /metrics answer and the API
// says 503 instead of hanging.
func TestServeListenerWithstandsSlowAndIdleClients(t *testing.T) {
	listenerLimits = httpguard.Limits{MaxConns: 6, Reserve: 2, ReadTimeout: 500 * time.Millisecond, ReadHeaderTimeout: time.Minute}
	t.Cleanup(func() { listenerLimits = httpguard.Limits{} })
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	listen, _, _ := startServe(t, fake, "--config", "../../examples/execassist.yaml", "--store", filepath.Join(t.TempDir(), "x.db"))
	get := func(path string) int {
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get("http://" + listen + path)
		if err != nil {
			return 0
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	eventually(t, "the listener", func() bool { return get("/healthz") == 200 })

	slow, err := net.Dial("tcp", listen)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprint(slow, "POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{")
	go func() {
		for range 400 {
			time.Sleep(50 * time.Millisecond)
			if _, err := slow.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	_ = slow.SetReadDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.Copy(io.Discard, slow); err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("a sign-in trickling its body in was still open after 15 s")
		}
	}

	idle := nettest.IdleConnections(t, listen, 6)
	eventually(t, "the API to be saturated", func() bool { return get("/v1/openapi.json") == 503 })
	for _, path := range []string{"/healthz", "/metrics"} {
		if code := get(path); code != 200 {
			t.Errorf("%s while saturated: %d", path, code)
		}
	}
	for _, c := range idle {
		c.Close()
	}
	eventually(t, "the API to answer again", func() bool { return get("/v1/openapi.json") == 200 })
}

// TestServeListenerLimitsAreSettable: --listen-max-per-address caps one address's
// connections (an admin behind a reverse proxy raises it, a small site may lower it);
// a value that is not a number is refused before anything starts.
func TestServeListenerLimitsAreSettable(t *testing.T) {
	fake := aritest.New(aritest.Options{})
	defer fake.Close()
	listen, _, _ := startServe(t, fake, "--config", "../../examples/execassist.yaml", "--store", filepath.Join(t.TempDir(), "x.db"),
		"--listen-max-per-address", "2")
	get := func() error {
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get("http://" + listen + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	eventually(t, "the listener", func() bool { return get() == nil })
	held := nettest.IdleConnections(t, listen, 2)
	eventually(t, "a third connection from this address to be refused", func() bool { return get() != nil })
	for _, c := range held {
		c.Close()
	}
	eventually(t, "the listener to answer again", func() bool { return get() == nil })

	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"serve", "--listen-max-connections", "many"}, &out, &errs); code != 2 || !strings.Contains(errs.String(), "invalid argument") {
		t.Fatalf("a bad limit: %d %s", code, errs.String())
	}
	errs.Reset()
	t.Setenv("EXECASSIST_LISTEN_MAX_PER_ADDRESS", "lots")
	if code := run(context.Background(), []string{"serve"}, &out, &errs); code != 2 || !strings.Contains(errs.String(), "whole number") {
		t.Fatalf("a bad limit in the environment: %d %s", code, errs.String())
	}
}
