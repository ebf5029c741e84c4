package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"github.com/spf13/cobra"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckCommand asks serve's listener for /healthz and exits 0 only on 200: the
// container image's HEALTHCHECK (the image has no curl or shell). It reads the listen
// address the way serve does (--listen, EXECASSIST_LISTEN, the config file).
func healthcheckCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "healthcheck", Short: "exit 0 when serve's /healthz answers 200 (the image's HEALTHCHECK)"}
	fs := c.Flags()
	v := storeFlags(fs)
	fs.String("listen", "", "serve's listener (default: as serve resolves it)")
	c.RunE = func(_ *cobra.Command, args []string) error {
		s, _, err := resolve(fs, v, args)
		if err != nil {
			return err
		}
		if s.Listen == "" {
			return &exitError{code: 1, msg: "execassist healthcheck: serve has no listener (set listen, --listen or EXECASSIST_LISTEN)"}
		}
		url, err := healthURL(s.Listen, s.TLSCert != "")
		if err != nil {
			return &exitError{code: 1, msg: "execassist healthcheck: " + err.Error()}
		}
		// A probe of our own listener on this host: it sends nothing secret, so it accepts
		// the certificate whatever name it carries.
		cli := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // #nosec G402: local probe
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := cli.Do(req)
		if err != nil {
			return &exitError{code: 1, msg: fmt.Sprintf("execassist healthcheck: %s: %v", url, err)}
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		if resp.StatusCode != http.StatusOK {
			return &exitError{code: 1, msg: fmt.Sprintf("execassist healthcheck: %s answered %d %s", url, resp.StatusCode, body)}
		}
		fmt.Fprintf(stdout, "healthy: %s %s", url, body)
		return nil
	}
	return c
}

// healthURL is /healthz on the listen address, a wildcard host probed on loopback.
func healthURL(listen string, tls bool) (string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("listen %q: %w", listen, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/healthz", nil
}
