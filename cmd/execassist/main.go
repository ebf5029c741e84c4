// Command execassist is the Executive / Executive-Assistant service for Asterisk:
// `serve` runs the Stasis application; `config check|import|export` manage the YAML
// provisioning; `version` prints the build. Each subcommand has its own flags and help
// (cobra), and `execassist completion bash|zsh|fish` writes shell completion.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/execassist/execassist/internal/safetext"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries an exit status; its message has already been printed when empty.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// run is the command line: it exits 0 on success, 2 for a command or flag it does not
// know (with the nearest command it does), 1 for anything that failed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIn(ctx, os.Stdin, args, stdout, stderr)
}

// runIn is run reading stdin from in (user passwd reads the secret from it).
func runIn(ctx context.Context, in io.Reader, args []string, stdout, stderr io.Writer) int {
	root := newRoot(ctx, in, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	stderr = safetext.NewWriter(stderr) // errors may echo file contents or caller IDs
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, ee.msg)
		}
		return ee.code
	}
	if strings.HasPrefix(err.Error(), "unknown command ") {
		fmt.Fprintf(stderr, "execassist: %v\nRun 'execassist --help' for the commands.\n", strings.TrimRight(err.Error(), "\n"))
		return 2
	}
	fmt.Fprintln(stderr, "execassist:", err)
	return 1
}
