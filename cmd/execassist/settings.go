package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/execassist/execassist/store"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// settings are the operational knobs of serve and the store commands, resolved by
// viper from flags, EXECASSIST_* environment variables and the config file's ari/store/log
// sections, in that order of precedence.
type settings struct {
	ConfigFile  string
	ARIURL      string
	ARIUser     string
	ARIPassword string
	App         string
	Store       string
	LogLevel    string
	LogFormat   string
	Listen      string
	TLSCert     string
	TLSKey      string
}

func newFlags(name string, stderr io.Writer) (*pflag.FlagSet, *viper.Viper) {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	v := viper.New()
	fs.String("config", "", "YAML file (examples/execassist.yaml shows every setting)")
	fs.String("store", "", "bbolt file (default /var/lib/execassist/execassist.db)")
	v.SetDefault("store", "/var/lib/execassist/execassist.db")
	return fs, v
}

func addServeFlags(fs *pflag.FlagSet, v *viper.Viper) {
	fs.String("ari-url", "", "ARI base URL (default http://127.0.0.1:8088/ari)")
	fs.String("ari-username", "", "ARI user from ari.conf (default execassist)")
	fs.String("ari-password", "", "ARI password; prefer EXECASSIST_ARI_PASSWORD")
	fs.String("app", "", "Stasis application name (default execassist)")
	fs.String("log-level", "", "debug, info, warn or error (default info)")
	fs.String("log-format", "", "json or console (default json)")
	fs.String("listen", "", "serve the page (/), the self-service API (/v1/), /metrics (Prometheus) and /healthz on this address, e.g. 127.0.0.1:9180")
	fs.String("tls-cert", "", "serve the listener over TLS with this certificate (PEM), with --tls-key")
	fs.String("tls-key", "", "the TLS private key (PEM)")
	v.SetDefault("ari.url", "http://127.0.0.1:8088/ari")
	v.SetDefault("ari.username", "execassist")
	v.SetDefault("ari.app", "execassist")
	v.SetDefault("log.level", "info")
	v.SetDefault("log.format", "json")
}

// resolve parses flags and merges environment and file into settings.
func resolve(fs *pflag.FlagSet, v *viper.Viper, args []string) (settings, []string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintf(fs.Output(), "Usage of execassist %s:\n%s", fs.Name(), fs.FlagUsages())
			return settings{}, nil, &exitError{code: 0}
		}
		return settings{}, nil, &exitError{code: 2, msg: fmt.Sprintf("execassist %s: %v\nUsage of execassist %s:\n%s", fs.Name(), err, fs.Name(), strings.TrimRight(fs.FlagUsages(), "\n"))}
	}
	binds := map[string]string{"store": "store", "ari.url": "ari-url", "ari.username": "ari-username",
		"ari.password": "ari-password", "ari.app": "app", "log.level": "log-level", "log.format": "log-format", "listen": "listen", "tls.cert": "tls-cert", "tls.key": "tls-key"}
	for key, flag := range binds {
		if f := fs.Lookup(flag); f != nil {
			_ = v.BindPFlag(key, f)
		}
	}
	v.SetEnvPrefix("EXECASSIST")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	file, _ := fs.GetString("config")
	if file == "" {
		file = os.Getenv("EXECASSIST_CONFIG")
	}
	if file != "" {
		// The same bounded read as the provisioning decoder: a huge file or a device is
		// refused before viper parses it.
		data, err := config.ReadFile(file)
		if err != nil {
			return settings{}, nil, fmt.Errorf("read %s: %w", file, err)
		}
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
			return settings{}, nil, fmt.Errorf("read %s: %w", file, err)
		}
	}
	s := settings{
		ConfigFile:  file,
		ARIURL:      v.GetString("ari.url"),
		ARIUser:     os.ExpandEnv(v.GetString("ari.username")),
		ARIPassword: expandSecret(v.GetString("ari.password")),
		App:         v.GetString("ari.app"),
		Store:       v.GetString("store"),
		LogLevel:    v.GetString("log.level"),
		LogFormat:   v.GetString("log.format"),
		Listen:      v.GetString("listen"),
		TLSCert:     v.GetString("tls.cert"),
		TLSKey:      v.GetString("tls.key"),
	}
	return s, fs.Args(), nil
}

// readStore resolves the flags of a read-only command and opens the store for reading
// (a verified copy while serve holds it; never creating one).
func readStore(fs *pflag.FlagSet, v *viper.Viper, args []string) (*store.Store, error) {
	s, _, err := resolve(fs, v, args)
	if err != nil {
		return nil, err
	}
	return store.OpenReader(s.Store)
}

// expandSecret resolves a ${NAME} reference written in the file.
func expandSecret(s string) string {
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
		return os.Getenv(s[2 : len(s)-1])
	}
	return s
}

func newLogger(s settings, w io.Writer) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(s.LogLevel)
	if err != nil || s.LogLevel == "" {
		return zerolog.Nop(), fmt.Errorf("log level %q is not one of debug, info, warn, error", s.LogLevel)
	}
	switch s.LogFormat {
	case "json":
	case "console":
		// Caller names and numbers are untrusted: every value and message is escaped so
		// a caller ID cannot clear the screen or forge log lines; colour only on a
		// terminal.
		esc := func(i any) string {
			if i == nil {
				return ""
			}
			return safetext.Escape(fmt.Sprint(i))
		}
		w = zerolog.ConsoleWriter{Out: w, NoColor: !isTerminal(w), FormatFieldValue: esc, FormatErrFieldValue: esc, FormatCaller: esc,
			FormatMessage: esc}
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q is not json or console", s.LogFormat)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
