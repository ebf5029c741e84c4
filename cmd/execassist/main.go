// Command execassist is the Executive / Executive-Assistant service for Asterisk:
// `serve` runs the Stasis application; `config check|import|export` manage the YAML
// provisioning; `version` prints the build.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/execassist/execassist/internal/buildinfo"
	"github.com/execassist/execassist/internal/safetext"
)

const usage = `execassist: Executive / Executive-Assistant service for Asterisk (ARI)

Usage:
  execassist demo [--listen ADDR]               try it without a PBX: the page against a simulated Asterisk
  execassist serve [--config FILE] [flags]      run the Stasis application
  execassist config check FILE                  validate a YAML file (file:line: field: problem)
  execassist config import FILE [--reset-runtime] [--store PATH]
                                                load it into the store, all or nothing
  execassist config export [--store PATH]       print the stored provisioning as YAML
  execassist explain --exec EXT --from NUMBER [--to NUMBER] [--at RFC3339]
                   [--origin internal|external] [--config FILE | --store PATH]
                                                what would happen to such a call, and why
  execassist explain --fac DIGITS --device PJSIP/1002 [--config FILE | --store PATH]
                                                what a feature access code would do, and why
  execassist calls [--exec EXT] [--since 1h] [--why] [--store PATH]
                                                the call journal
  execassist user passwd EXT [--store PATH]     set a user's sign-in secret (read from the terminal or stdin)
  execassist user hash                          print an argon2id hash for the YAML's secret_hash
  execassist audit [--user EXT] [--limit N]     self-service changes: who, what, before, after, when, from where
  execassist status [--listen ADDR]             calls in progress (asks serve's listener)
  execassist store check [--store PATH]         verify the store and its last good copy
  execassist store restore [--store PATH]       put the last good copy back (serve stopped)
  execassist healthcheck [--listen ADDR]        exit 0 if serve's /healthz answers 200 (the image's HEALTHCHECK)
  execassist version                            module version, commit and build date

Settings come from flags, then EXECASSIST_* environment variables (EXECASSIST_ARI_URL,
EXECASSIST_ARI_USERNAME, EXECASSIST_ARI_PASSWORD, EXECASSIST_ARI_APP, EXECASSIST_STORE,
EXECASSIST_LOG_LEVEL, EXECASSIST_LOG_FORMAT), then the config file. Run
'execassist serve --help' for the flags.
`

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

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
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
	fmt.Fprintln(stderr, "execassist:", err)
	return 1
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], stderr)
	case "demo":
		return demoCmd(ctx, args[1:], stdout, stderr)
	case "config":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return &exitError{code: 2}
		}
		return configCmd(args[1], args[2:], stdout, stderr)
	case "store":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return &exitError{code: 2}
		}
		return storeCmd(args[1], args[2:], stdout, stderr)
	case "explain":
		return explainCmd(args[1:], safetext.NewWriter(stdout), stderr)
	case "calls":
		return callsCmd(args[1:], safetext.NewWriter(stdout), stderr)
	case "user":
		if len(args) < 2 {
			fmt.Fprint(stderr, usage)
			return &exitError{code: 2}
		}
		return userCmd(args[1], args[2:], os.Stdin, stdout, stderr)
	case "audit":
		return auditCmd(args[1:], safetext.NewWriter(stdout), stderr)
	case "status":
		return statusCmd(ctx, args[1:], safetext.NewWriter(stdout), stderr)
	case "healthcheck":
		return healthcheckCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, buildinfo.Read())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, msg: fmt.Sprintf("execassist: unknown command %q", args[0])}
}
