package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/execassist/execassist/cmd/execassist/demo"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// demoCommand runs execassist without a PBX: the real app, API and page against the
// built-in fake Asterisk with simulated phones and callers; it prints where to look.
func demoCommand(ctx context.Context, stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "demo", Short: "try it without a PBX: the real app and page against a simulated Asterisk"}
	fs := c.Flags()
	listen := fs.String("listen", "127.0.0.1:8080", "address of the page (keep it on loopback: the demo secrets are public)")
	storePath := fs.String("store", "", "bbolt file to keep the demo's settings in (default: a throw-away file)")
	every := fs.Duration("call-every", 6*time.Second, "pause between simulated outside calls")
	quiet := fs.Bool("no-callers", false, "no simulated callers (place calls yourself from the console's executives)")
	verbose := fs.Bool("log", false, "log what the app does (JSON on stderr)")
	c.RunE = func(_ *cobra.Command, args []string) error {
		log := zerolog.Nop()
		if *verbose {
			log = zerolog.New(stderr).With().Timestamp().Logger()
		}
		w, err := demo.Start(ctx, demo.Options{Listen: *listen, StorePath: *storePath, Callers: !*quiet, CallEvery: *every, Log: log})
		if err != nil {
			return err
		}
		defer w.Close()
		// `execassist status` works against the demo as against serve: the same socket
		// beside the store file.
		socket := w.StorePath + ".status.sock"
		defer serveStatus(socket, w.App, log)()
		fmt.Fprintf(stdout, "execassist demo: the real app and page against a simulated Asterisk.\n\nOpen %s and sign in as:\n", w.URL)
		for _, s := range demo.SignIns {
			fmt.Fprintf(stdout, "  %-6s secret %-11s %s\n", s.User, s.Secret, s.Who)
		}
		fmt.Fprintf(stdout, "\n\"Call as executive\" reaches %v.\nThe calls in progress: execassist status --socket %s\nCtrl-C stops the demo.\n", demo.Destinations, socket)
		<-ctx.Done()
		return nil
	}
	return c
}
