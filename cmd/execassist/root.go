package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/execassist/execassist/internal/buildinfo"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/spf13/cobra"
)

// settingsHelp is what every command's help says of where settings come from.
const settingsHelp = `Settings come from flags, then EXECASSIST_* environment variables (EXECASSIST_ARI_URL,
EXECASSIST_ARI_USERNAME, EXECASSIST_ARI_PASSWORD, EXECASSIST_ARI_APP, EXECASSIST_STORE,
EXECASSIST_LISTEN, EXECASSIST_LOG_LEVEL, EXECASSIST_LOG_FORMAT, EXECASSIST_CONFIG), then the
config file (examples/execassist.yaml shows every setting).`

// newRoot builds the command tree. Output goes to stdout and stderr (tests pass
// buffers); errors are printed once, by run.
func newRoot(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "execassist",
		Short: "Executive / Executive-Assistant service for Asterisk (ARI)",
		Long: "execassist: the Executive / Executive-Assistant service of BroadWorks and Webex, for Asterisk (ARI).\n\n" +
			"Start with `execassist demo` (no PBX needed) or `execassist serve --config examples/execassist.yaml`.\n\n" + settingsHelp,
		SilenceErrors: true, SilenceUsage: true,
		RunE: needsSubcommand,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: 2, msg: fmt.Sprintf("%s: %v\nRun '%s --help' for its flags.", c.CommandPath(), err, c.CommandPath())}
	})
	root.AddCommand(
		serveCommand(ctx, stderr),
		demoCommand(ctx, stdout, stderr),
		configCommand(stdout, stderr),
		storeCommand(stdout),
		explainCommand(safetext.NewWriter(stdout), stderr),
		callsCommand(safetext.NewWriter(stdout), stderr),
		userCommand(stdin, stdout, stderr),
		auditCommand(safetext.NewWriter(stdout), stderr),
		statusCommand(ctx, safetext.NewWriter(stdout), stderr),
		healthcheckCommand(ctx, stdout, stderr),
		&cobra.Command{Use: "version", Short: "the module version, commit and build date", Args: cobra.NoArgs,
			Run: func(*cobra.Command, []string) { fmt.Fprintln(stdout, buildinfo.Read()) }},
	)
	root.Flags().Bool("version", false, "the same as `execassist version`")
	root.RunE = func(c *cobra.Command, args []string) error {
		if v, _ := c.Flags().GetBool("version"); v {
			fmt.Fprintln(stdout, buildinfo.Read())
			return nil
		}
		return needsSubcommand(c, args)
	}
	return root
}

// needsSubcommand is what a command that only groups others does when run: its help
// on stderr and exit 2, or the nearest subcommand to what was typed.
func needsSubcommand(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		hint := ""
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			hint = "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return &exitError{code: 2, msg: fmt.Sprintf("%s: unknown command %q%s\nRun '%s --help' for its commands.", c.CommandPath(), args[0], hint, c.CommandPath())}
	}
	c.SetOut(c.ErrOrStderr())
	_ = c.Help()
	return &exitError{code: 2}
}

// group is a command that holds subcommands (config, store, user).
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, RunE: needsSubcommand, SuggestionsMinimumDistance: 2}
	c.AddCommand(subs...)
	return c
}

func configCommand(stdout, stderr io.Writer) *cobra.Command {
	sub := func(name, use, short string, flags func(*cobra.Command)) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short}
		fs := c.Flags()
		v := storeFlags(fs)
		if name == "check" {
			fs.MarkHidden("store")  //nolint:errcheck // declared just above
			fs.MarkHidden("config") //nolint:errcheck
		}
		if flags != nil {
			flags(c)
		}
		c.RunE = func(_ *cobra.Command, args []string) error { return configRun(name, fs, v, args, stdout, stderr) }
		return c
	}
	return group("config", "validate, import and export the YAML provisioning",
		sub("check", "check FILE", "validate a YAML file: every problem as file:line: field: message", nil),
		sub("import", "import FILE", "load a YAML file into the store, all or nothing", func(c *cobra.Command) {
			c.Flags().Bool("reset-runtime", false, "also forget what users changed themselves (#61/#62, opt-in/out, divert)")
		}),
		sub("export", "export", "print the stored provisioning as YAML (it re-imports unchanged)", nil))
}

func storeCommand(stdout io.Writer) *cobra.Command {
	sub := func(name, short string) *cobra.Command {
		c := &cobra.Command{Use: name, Short: short}
		fs := c.Flags()
		v := storeFlags(fs)
		c.RunE = func(_ *cobra.Command, args []string) error { return storeRun(name, fs, v, args, stdout) }
		return c
	}
	return group("store", "check the store and its last good copy, or restore that copy",
		sub("check", "verify every page of the store and its last good copy (works while serve runs)"),
		sub("restore", "put the last good copy back (serve stopped); the damaged file is kept"))
}

func userCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	sub := func(name, use, short string) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short}
		fs := c.Flags()
		v := storeFlags(fs)
		c.RunE = func(_ *cobra.Command, args []string) error { return userRun(name, fs, v, args, stdin, stdout, stderr) }
		return c
	}
	return group("user", "sign-in secrets",
		sub("passwd", "passwd EXT", "set a user's sign-in secret (read from the terminal, or one line of stdin)"),
		sub("hash", "hash", "print an argon2id hash for the YAML's secret_hash"))
}
