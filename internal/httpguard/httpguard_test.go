package httpguard

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/nettest"
	"github.com/execassist/execassist/internal/poll"
)

// serve starts a guarded server whose API (/v1/) reads the whole body and whose
// /healthz answers ok.
func serve(t *testing.T, limits Limits) (addr string, ln *Listener) {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln = Listen(raw, limits)
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestTimeout)
			return
		}
		fmt.Fprintln(w, "api")
	})
	srv := Server(mux, limits, "/healthz", "/metrics")
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return raw.Addr().String(), ln
}

func get(t *testing.T, addr, path string) (int, http.Header) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header
}

// closedBy reports whether the server closed c (a read ends) before the deadline.
func closedBy(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	ne, ok := err.(net.Error)
	return !(ok && ne.Timeout())
}

// TestASlowBodyIsCutOff: a sign-in declaring a 60 000-byte body and sending a byte
// every 50 ms (the attack sent one every 2 s and was held past the idle timeout) is
// cut off at the read deadline.
func TestASlowBodyIsCutOff(t *testing.T) {
	addr, ln := serve(t, Limits{ReadTimeout: 300 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n")
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if _, err := c.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	if !closedBy(c, 20*time.Second) {
		t.Fatal("the slow body was still being read after 20 s")
	}
	poll.Until(t, 0, "the slot to be given back", func() bool { o, _ := ln.Open(); return o == 0 })
}

// TestSilentConnectionsAreCutOffAtTheHeaderDeadline: a connection that sends nothing
// (or half a request line) is closed at ReadHeaderTimeout.
func TestSilentConnectionsAreCutOffAtTheHeaderDeadline(t *testing.T) {
	addr, _ := serve(t, Limits{ReadHeaderTimeout: 200 * time.Millisecond})
	for _, prefix := range []string{"", "GET /v1/me HTTP/1.1\r\nHost:"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(c, prefix)
		if !closedBy(c, 20*time.Second) {
			t.Errorf("%q: still open after 20 s", prefix)
		}
		c.Close()
	}
}

// TestHealthAnswersWhileTheAPIIsSaturated: with every connection of the cap held open
// by idle clients, /healthz and /metrics still answer (on the reserve), the API says 503
// with Retry-After instead of hanging, connections beyond the reserve are closed at
// once, and once the idle clients go the API answers again.
func TestHealthAnswersWhileTheAPIIsSaturated(t *testing.T) {
	addr, ln := serve(t, Limits{MaxConns: 8, Reserve: 2, ReadHeaderTimeout: time.Minute, ReadTimeout: time.Minute})
	idle := nettest.IdleConnections(t, addr, 8)
	poll.Until(t, 0, "8 connections to be open", func() bool { o, _ := ln.Open(); return o == 8 })
	if code, _ := get(t, addr, "/healthz"); code != 200 {
		t.Fatalf("/healthz while saturated: %d", code)
	}
	code, hdr := get(t, addr, "/v1/me")
	if code != 503 || hdr.Get("Retry-After") == "" {
		t.Fatalf("/v1/me while saturated: %d %v", code, hdr)
	}
	// The reserve, held too: the next connection is closed before it is read.
	held := nettest.IdleConnections(t, addr, 2)
	poll.Until(t, 0, "the reserve to be held", func() bool { _, r := ln.Open(); return r == 2 })
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if !closedBy(extra, 20*time.Second) {
		t.Fatal("a connection beyond the reserve was kept")
	}
	if ln.Refused() == 0 {
		t.Fatal("no refusal counted")
	}
	for _, c := range append(idle, held...) {
		c.Close()
	}
	poll.Until(t, 0, "the slots to be given back", func() bool { o, r := ln.Open(); return o == 0 && r == 0 })
	if code, _ := get(t, addr, "/v1/me"); code != 200 {
		t.Fatalf("/v1/me after the idle clients left: %d", code)
	}
}

// TestOneSourceCannotTakeEveryConnection: beyond MaxConnsPerSource a source's
// connections are closed at once, and the reserve is not theirs to take.
func TestOneSourceCannotTakeEveryConnection(t *testing.T) {
	addr, ln := serve(t, Limits{MaxConns: 100, MaxConnsPerSource: 4, ReadHeaderTimeout: time.Minute})
	nettest.IdleConnections(t, addr, 4)
	poll.Until(t, 0, "4 connections", func() bool { o, _ := ln.Open(); return o == 4 })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	line, _ := bufio.NewReader(c).ReadString('\n')
	if strings.Contains(line, "200") {
		t.Fatalf("the fifth connection from one address was served: %q", line)
	}
	if _, r := ln.Open(); r != 0 {
		t.Fatalf("one address took %d reserve slots", r)
	}
}

// TestAStreamOutlivesTheReadDeadline: KeepStreaming lets an event stream run past the
// read and write deadlines of ordinary requests.
func TestAStreamOutlivesTheReadDeadline(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limits := Limits{ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond}
	srv := Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		KeepStreaming(w)
		w.WriteHeader(200)
		for i := range 6 {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			KeepStreaming(w)
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
		}
	}), limits)
	go srv.Serve(Listen(raw, limits))
	defer srv.Close()
	resp, err := http.Get("http://" + raw.Addr().String() + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "data: 5") {
		t.Fatalf("the stream ended early: %q", b)
	}
}
