package main

import (
	"fmt"
	"io"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// configRun is `execassist config check|import|export` with its flags parsed.
func configRun(sub string, fs *pflag.FlagSet, v *viper.Viper, args []string, stdout, stderr io.Writer) error {
	s, rest, err := resolve(fs, v, args)
	if err != nil {
		return err
	}
	switch sub {
	case "check":
		if len(rest) != 1 {
			return &exitError{code: 2, msg: "usage: execassist config check FILE"}
		}
		cfg, err := config.Load(rest[0])
		if err != nil {
			return &exitError{code: 1, msg: err.Error()}
		}
		fmt.Fprintf(stdout, "%s: OK (%s)\n", rest[0], counted(cfg))
		if len(cfg.Users) == 0 {
			fmt.Fprintf(stderr, "warning: %s provisions no users: execassist would handle nobody's calls\n", rest[0])
		}
		return nil
	case "import":
		if len(rest) != 1 {
			return &exitError{code: 2, msg: "usage: execassist config import FILE [--reset-runtime] [--store PATH]"}
		}
		cfg, err := config.Load(rest[0])
		if err != nil {
			return &exitError{code: 1, msg: err.Error() + "\nnothing was imported"}
		}
		reset, _ := fs.GetBool("reset-runtime")
		st, err := openStore(s, zerolog.Nop(), false)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.Import(cfg, store.ImportOptions{Source: rest[0], ResetRuntime: reset}); err != nil {
			return fmt.Errorf("import %s: %w (nothing was imported)", rest[0], err)
		}
		if err := st.SaveLastGood(); err != nil {
			fmt.Fprintf(stderr, "warning: %v\n", err)
		}
		fmt.Fprintf(stdout, "imported %s into %s: %s\n", rest[0], storeName(s), counted(cfg))
		return nil
	case "export":
		st, err := openReader(s)
		if err != nil {
			return err
		}
		defer st.Close()
		snap := st.Snapshot()
		if !snap.ImportedAt.IsZero() {
			fmt.Fprintf(stdout, "# exported from %s; imported from %s at %s\n", storeName(s), snap.Source, snap.ImportedAt.Format("2006-01-02T15:04:05Z"))
		}
		out, err := yaml.Marshal(st.Export())
		if err != nil {
			return err
		}
		_, err = stdout.Write(out)
		return err
	}
	return &exitError{code: 2, msg: fmt.Sprintf("execassist: unknown config command %q (check, import, export)", sub)}
}

// counted says how many users and executives cfg provisions, in words ("1 user, 1
// executive").
func counted(cfg *config.Config) string {
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	return plural(len(cfg.Users), "user") + ", " + plural(countExecutives(cfg), "executive")
}

func countExecutives(cfg *config.Config) int {
	n := 0
	for _, u := range cfg.Users {
		if u.Executive != nil {
			n++
		}
	}
	return n
}
