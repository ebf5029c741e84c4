package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/safetext"
)

// statusPath is where serve's listener answers `execassist status`, to loopback
// clients only.
const statusPath = "/status/calls"

// statusHandler lists live calls as JSON to a client on the same host. It carries caller
// names and numbers, so it is not for the network: the authenticated API (/v1/calls)
// is.
func statusHandler(a *app.App) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackClient(r) {
			http.Error(w, "status is answered to clients on this host only\n", http.StatusForbidden)
			return
		}
		calls, _ := a.LiveCalls()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(calls)
	})
}

func loopbackClient(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// statusCmd asks the running serve (through its listener) which calls are in progress.
func statusCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, v := newFlags("status", stderr)
	fs.String("listen", "", "serve's listener address (default: the listen setting)")
	s, _, err := resolve(fs, v, args)
	if err != nil {
		return err
	}
	if s.Listen == "" {
		return fmt.Errorf("status needs serve's listener: start serve with --listen 127.0.0.1:9180 (or listen: in the config file) and pass the same address here")
	}
	calls, err := fetchStatus(ctx, s.Listen)
	if err != nil {
		return err
	}
	writeStatus(stdout, calls, time.Now())
	return nil
}

func fetchStatus(ctx context.Context, listen string) ([]app.LiveCall, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", listen, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + statusPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("is serve running with --listen %s? %w", listen, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	var calls []app.LiveCall
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&calls); err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return calls, nil
}

// writeStatus prints one row per call; every field is escaped (caller IDs are untrusted).
func writeStatus(w io.Writer, calls []app.LiveCall, now time.Time) {
	if len(calls) == 0 {
		fmt.Fprintln(w, "no calls in progress")
		return
	}
	t := newTable(w, "CALL", "EXEC", "CALLER", "STATE", "RINGING", "ANSWERED BY", "SINCE")
	for _, c := range calls {
		caller := c.CallerNumber
		if c.CallerName != "" {
			caller = fmt.Sprintf("%s <%s>", c.CallerName, c.CallerNumber)
		}
		state := c.State
		if c.Held {
			state += " (held)"
		}
		t.row(c.ID, c.Executive, caller, state, strings.Join(c.Ringing, ","), c.AnsweredBy,
			now.Sub(c.Since).Round(time.Second).String())
	}
	_ = t.flush()
}

// table prints aligned columns of untrusted text: every cell is escaped, so a caller ID
// with a newline, a tab or a terminal escape cannot forge rows or columns or reach the
// terminal (status, calls, audit).
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)}
	fmt.Fprintln(t.tw, strings.Join(header, "\t"))
	return t
}

func (t *table) row(cells ...string) {
	for i := range cells {
		cells[i] = safetext.Escape(cells[i])
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

// note prints a line under the current row (not escaped: the caller escapes).
func (t *table) note(line string) { fmt.Fprintln(t.tw, line) }

func (t *table) flush() error { return t.tw.Flush() }
