package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/rs/zerolog"
)

// statusPath is where serve's status socket answers `execassist status`.
const statusPath = "/status/calls"

// statusSocket is the Unix socket serve answers `execassist status` on: beside the
// store file (or the etcd node's local snapshot), so both find it from the same
// settings. It carries caller names and numbers, so it is not on the TCP listener (a
// reverse proxy on the same host would expose it there); the socket is the owner's only
// (0600). "" when the settings name no store file.
func statusSocket(s settings) string {
	if s.Store == "" {
		return ""
	}
	return s.Store + ".status.sock"
}

// statusHandler lists live calls as JSON.
func statusHandler(a *app.App) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+statusPath, func(w http.ResponseWriter, _ *http.Request) {
		calls, _ := a.LiveCalls()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(calls)
	})
	return mux
}

// serveStatus answers statusPath on the Unix socket at path until the returned stop.
// A socket left by a serve that died is replaced; one that answers belongs to a running
// serve, and then this serve goes on without one (and says so).
func serveStatus(path string, a *app.App, log zerolog.Logger) (stop func()) {
	if path == "" {
		log.Info().Msg("no store file is set, so there is no status socket: `execassist status` needs store.path")
		return func() {}
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		log.Warn().Str("socket", path).Msg("another execassist answers on the status socket; this one serves none")
		return func() {}
	}
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err == nil {
		// Connecting needs write permission on the socket: from now on the owner's only
		// (until here the umask's, which gives others no write either by default).
		err = os.Chmod(path, 0o600)
		if err != nil {
			ln.Close()
		}
	}
	if err != nil {
		log.Warn().Err(err).Str("socket", path).Msg("no status socket: `execassist status` will not answer")
		return func() {}
	}
	srv := &http.Server{Handler: statusHandler(a), ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { srv.Close(); _ = os.Remove(path) }
}

// statusCommand asks the running serve (through its status socket) which calls are in
// progress.
func statusCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "status", Short: "the calls in progress (asks the running serve through its status socket)"}
	fs := c.Flags()
	v := storeFlags(fs)
	fs.String("socket", "", "serve's status socket (default: the store file's path with .status.sock)")
	c.RunE = func(_ *cobra.Command, args []string) error {
		s, _, err := resolve(fs, v, args)
		if err != nil {
			return err
		}
		path, _ := fs.GetString("socket")
		if path == "" {
			path = statusSocket(s)
		}
		if path == "" {
			return fmt.Errorf("status asks serve through the socket beside its store file: pass the same --store (or --config) as serve, or --socket")
		}
		calls, err := fetchStatus(ctx, path)
		if err != nil {
			return err
		}
		writeStatus(stdout, calls, time.Now())
		return nil
	}
	return c
}

func fetchStatus(ctx context.Context, socket string) ([]app.LiveCall, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	cli := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "unix", socket)
	}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://execassist"+statusPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := cli.Do(req)
	if err != nil {
		return nil, fmt.Errorf("is serve running with this store? (status socket %s): %w", socket, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s: %s: %s", socket, resp.Status, strings.TrimSpace(string(b)))
	}
	var calls []app.LiveCall
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&calls); err != nil {
		return nil, fmt.Errorf("%s: %w", socket, err)
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
