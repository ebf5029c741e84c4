package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/execassist/execassist/cmd/execassist/demo"
	"github.com/rs/zerolog"
	"github.com/spf13/pflag"
)

// demoCmd runs execassist without a PBX: the real app, API and page against the
// built-in fake Asterisk with simulated phones and callers; it prints where to look.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address of the page (keep it on loopback: the demo secrets are public)")
	storePath := fs.String("store", "", "bbolt file to keep the demo's settings in (default: a throw-away file)")
	every := fs.Duration("call-every", 6*time.Second, "pause between simulated outside calls")
	quiet := fs.Bool("no-callers", false, "no simulated callers (place calls yourself from the console's executives)")
	verbose := fs.Bool("log", false, "log what the app does (JSON on stderr)")
	if err := fs.Parse(args); err != nil {
		if err == pflag.ErrHelp {
			return nil
		}
		return &exitError{code: 2, msg: "execassist demo: " + err.Error()}
	}
	log := zerolog.Nop()
	if *verbose {
		log = zerolog.New(stderr).With().Timestamp().Logger()
	}
	w, err := demo.Start(ctx, demo.Options{Listen: *listen, StorePath: *storePath, Callers: !*quiet, CallEvery: *every, Log: log})
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintf(stdout, "execassist demo: the real app and page against a simulated Asterisk.\n\nOpen %s and sign in as:\n", w.URL)
	for _, s := range demo.SignIns {
		fmt.Fprintf(stdout, "  %-6s secret %-11s %s\n", s.User, s.Secret, s.Who)
	}
	fmt.Fprintf(stdout, "\n\"Call as executive\" reaches %v. Ctrl-C stops the demo.\n", demo.Destinations)
	<-ctx.Done()
	return nil
}
