package main

import (
	"fmt"
	"io"
	"time"

	"github.com/execassist/execassist/store"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// storeRun is `execassist store check|restore`: what an admin runs when serve refuses a
// damaged store.
func storeRun(sub string, fs *pflag.FlagSet, v *viper.Viper, args []string, stdout io.Writer) error {
	s, rest, err := resolve(fs, v, args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return &exitError{code: 2, msg: "usage: execassist store check|restore [--store PATH]"}
	}
	if err := bboltOnly(s, sub); err != nil {
		return &exitError{code: 1, msg: "execassist: " + err.Error()}
	}
	switch sub {
	case "check":
		r, err := store.Check(s.Store)
		if err != nil {
			return &exitError{code: 1, msg: "execassist: " + err.Error()}
		}
		fmt.Fprintf(stdout, "%s: OK (schema %d, %d users, %d journal entries)\n", r.Path, r.Schema, r.Users, r.Journal)
		switch {
		case r.LastGood == "":
			fmt.Fprintf(stdout, "last good copy: none yet (written by serve and config import)\n")
		case r.LastGoodProblem != nil:
			fmt.Fprintf(stdout, "last good copy %s: DAMAGED: %v\n", r.LastGood, r.LastGoodProblem)
			return &exitError{code: 1}
		default:
			fmt.Fprintf(stdout, "last good copy %s: OK (%s)\n", r.LastGood, r.LastGoodTime.Format(time.RFC3339))
		}
		return nil
	case "restore":
		kept, err := store.Restore(s.Store, time.Now())
		if err != nil {
			return &exitError{code: 1, msg: "execassist: " + err.Error()}
		}
		if kept != "" {
			fmt.Fprintf(stdout, "the damaged file was kept as %s\n", kept)
		}
		fmt.Fprintf(stdout, "restored %s from %s\n", s.Store, store.LastGoodPath(s.Store))
		return nil
	}
	return &exitError{code: 2, msg: fmt.Sprintf("execassist: unknown store command %q (check, restore)", sub)}
}
