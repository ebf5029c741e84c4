package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/safetext"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"golang.org/x/term"
)

// userRun manages sign-in secrets: `user passwd EXT` stores an argon2id hash in the
// store (serve stopped); `user hash` prints one for the YAML (secret_hash, then SIGHUP:
// works while serve runs). The secret is read from the terminal without echo, or one
// line from stdin; never from a flag (the process list shows flags).
func userRun(sub string, fs *pflag.FlagSet, v *viper.Viper, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	s, rest, err := resolve(fs, v, args)
	if err != nil {
		return err
	}
	switch {
	case sub == "hash" && len(rest) == 0:
		h, err := readAndHash(stdin, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, h)
		return nil
	case sub == "passwd" && len(rest) == 1:
		ext := rest[0]
		st, err := openStore(s, zerolog.Nop(), false)
		if err != nil {
			return fmt.Errorf("%w\n(with serve running: `execassist user hash`, put it in the YAML as secret_hash and send serve SIGHUP)", err)
		}
		defer st.Close()
		if st.Snapshot().Config.User(ext) == nil {
			return &exitError{code: 1, msg: fmt.Sprintf("execassist: %s is not a provisioned user", safetext.Escape(ext))}
		}
		h, err := readAndHash(stdin, stderr)
		if err != nil {
			return err
		}
		who := os.Getenv("USER")
		if who == "" {
			who = "cli"
		}
		if err := st.SetSecretHash(ext, h, store.AuditEntry{Who: who, Role: "admin", From: "cli", Resource: "user " + ext + " secret"}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "secret of %s set\n", ext)
		return nil
	}
	return &exitError{code: 2, msg: "usage: execassist user passwd EXT [--store PATH] | execassist user hash"}
}

// readAndHash reads a new secret and returns its argon2id hash.
func readAndHash(stdin io.Reader, stderr io.Writer) (string, error) {
	pw, err := readSecret(stdin, stderr)
	if err != nil {
		return "", err
	}
	return secret.Hash(pw)
}

func readSecret(stdin io.Reader, stderr io.Writer) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "secret: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "again: ")
		b2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(b) != string(b2) {
			return "", &exitError{code: 1, msg: "execassist: the two entries differ"}
		}
		pw = string(b)
	} else {
		line, err := bufio.NewReader(io.LimitReader(stdin, secret.MaxLength+2)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	if err := secret.CheckStrength(pw); err != nil {
		return "", &exitError{code: 1, msg: "execassist: " + err.Error()}
	}
	return pw, nil
}

// auditCommand lists the self-service audit log, newest first, with what changed in
// words ("enabled: true → false"), or as JSON for scripts.
func auditCommand(stdout, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "self-service changes: who changed what, when, from where"}
	fs := c.Flags()
	v := storeFlags(fs)
	who := fs.String("user", "", "only changes made by this extension or admin")
	limit := fs.Int("limit", 100, "at most this many (the newest)")
	output := outputFlag(fs)
	c.RunE = func(_ *cobra.Command, args []string) error {
		st, err := readStoreFor(*output, fs, v, args)
		if err != nil {
			return err
		}
		defer st.Close()
		entries, err := st.Audit(*who, *limit)
		if err != nil {
			return err
		}
		name := namer(st.Snapshot().Config)
		if *output == "json" {
			type change struct {
				At       time.Time `json:"at"`
				Who      string    `json:"who"`
				WhoName  string    `json:"whoName,omitempty"`
				Role     string    `json:"role"`
				From     string    `json:"from"`
				Resource string    `json:"resource"`
				Changes  []string  `json:"changes"`
			}
			out := []change{}
			for _, e := range entries {
				out = append(out, change{At: e.At, Who: e.Who, WhoName: nameOnly(st.Snapshot().Config, e.Who), Role: e.Role, From: e.From, Resource: e.Resource, Changes: e.Changes()})
			}
			return writeJSONTo(stdout, out)
		}
		t := newTable(stdout, "TIME", "WHO", "ROLE", "FROM", "RESOURCE", "WHAT CHANGED")
		for _, e := range entries {
			changes := e.Changes()
			first := ""
			if len(changes) > 0 {
				first = changes[0]
			}
			t.row(e.At.Local().Format(time.DateTime), name(e.Who), e.Role, e.From, e.Resource, first)
			for _, more := range changes[min(1, len(changes)):] {
				t.note("\t\t\t\t\t" + safetext.Escape(more))
			}
		}
		return t.flush()
	}
	return c
}
