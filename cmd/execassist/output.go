package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// outputFlag declares --output: a table for people, JSON for scripts.
func outputFlag(fs *pflag.FlagSet) *string {
	return fs.StringP("output", "o", "table", "table (for people) or json (for scripts)")
}

func checkOutput(o string) error {
	if o != "table" && o != "json" {
		return &exitError{code: 2, msg: fmt.Sprintf("--output is table or json, not %q", o)}
	}
	return nil
}

// readStoreFor opens the store for a listing command once its --output is known good
// (a typo is refused before the store is touched).
func readStoreFor(output string, fs *pflag.FlagSet, v *viper.Viper, args []string) (*store.Store, error) {
	if err := checkOutput(output); err != nil {
		return nil, err
	}
	return readStore(fs, v, args)
}

func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// namer names users for people: "Ann Assist (1002)"; an alerted target "who@where"
// keeps where unless it is the user's own phones ("Erin Exec (1001, mobile)").
func namer(cfg *config.Config) func(string) string {
	return func(s string) string {
		who, where, _ := strings.Cut(s, "@")
		if where == "devices" || where == "main" {
			where = ""
		}
		n := nameOnly(cfg, who)
		switch {
		case n == "" && where == "":
			return s
		case n == "":
			return who + " (" + where + ")"
		case where == "":
			return n + " (" + who + ")"
		}
		return n + " (" + who + ", " + where + ")"
	}
}

// nameOnly is a user's name, or "" for someone who is not a named user.
func nameOnly(cfg *config.Config, ext string) string {
	if cfg == nil {
		return ""
	}
	if u := cfg.User(ext); u != nil {
		return u.Name
	}
	return ""
}
