package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

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
	Store       string       // the bbolt file (with etcd: the node's local snapshot)
	Shared      config.Store // the whole store section: backend, etcd endpoints, node
	LogLevel    string
	LogFormat   string
	Listen      string
	TLSCert     string
	TLSKey      string
	// MaxConns and MaxConnsPerAddress cap the listener's open connections (0: the
	// defaults, 1024 and 128); behind a reverse proxy every client is the proxy's address.
	MaxConns, MaxConnsPerAddress int
}

// storeFlags declares --config and --store, which every command that reads the
// settings or the store has, and gives it the viper that resolve merges them with.
func storeFlags(fs *pflag.FlagSet) *viper.Viper {
	fs.String("config", "", "YAML file (examples/execassist.yaml shows every setting); EXECASSIST_CONFIG")
	fs.String("store", "", "bbolt file (default /var/lib/execassist/execassist.db); with the etcd backend, the node's local snapshot")
	return viper.New()
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
	fs.Int("listen-max-connections", 0, "open connections the listener accepts (default 1024; EXECASSIST_LISTEN_MAX_CONNECTIONS)")
	fs.Int("listen-max-per-address", 0, "open connections from one address (default 128; behind a reverse proxy, raise it: every client is the proxy; EXECASSIST_LISTEN_MAX_PER_ADDRESS)")
	v.SetDefault("ari.url", "http://127.0.0.1:8088/ari")
	v.SetDefault("ari.username", "execassist")
	v.SetDefault("ari.app", "execassist")
	v.SetDefault("log.level", "info")
	v.SetDefault("log.format", "json")
}

// resolve merges the parsed flags (cobra parsed them), the environment and the file
// into settings.
func resolve(fs *pflag.FlagSet, v *viper.Viper, args []string) (settings, []string, error) {
	binds := map[string]string{"ari.url": "ari-url", "ari.username": "ari-username",
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
		Shared:      storeSection(v),
		LogLevel:    v.GetString("log.level"),
		LogFormat:   v.GetString("log.format"),
		Listen:      v.GetString("listen"),
		TLSCert:     v.GetString("tls.cert"),
		TLSKey:      v.GetString("tls.key"),
	}
	for flag, dst := range map[string]*int{"listen-max-connections": &s.MaxConns, "listen-max-per-address": &s.MaxConnsPerAddress} {
		f := fs.Lookup(flag)
		if f == nil {
			continue
		}
		val := f.Value.String()
		if !f.Changed {
			val = cmp.Or(os.Getenv("EXECASSIST_"+strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))), val)
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return settings{}, nil, &exitError{code: 2, msg: fmt.Sprintf("execassist %s: --%s wants a whole number, not %q", fs.Name(), flag, val)}
		}
		*dst = n
	}
	s.Store = s.Shared.Path
	if f := fs.Lookup("store"); f != nil && f.Changed {
		s.Store = f.Value.String()
	}
	if s.Store == "" {
		s.Store = "/var/lib/execassist/execassist.db"
		if s.Shared.Backend == "etcd" {
			s.Store = "/var/lib/execassist/snapshot.json"
		}
	}
	s.Shared.Path = s.Store
	return s, args, nil
}

// storeSection reads `store:` from the file (a path, or a mapping) with the environment
// over it: EXECASSIST_STORE (the path), EXECASSIST_STORE_BACKEND, _ENDPOINTS
// (comma-separated), _NODE, _PREFIX, _USERNAME, _PASSWORD.
func storeSection(v *viper.Viper) config.Store {
	var s config.Store
	if p, ok := v.Get("store").(string); ok {
		s.Path = p
	}
	get := func(k string) string { return v.GetString("store." + k) }
	if s.Path == "" {
		s.Path = get("path")
	}
	s.Backend, s.Node, s.Prefix = get("backend"), get("node"), get("prefix")
	s.Username, s.Password = os.ExpandEnv(get("username")), expandSecret(get("password"))
	s.TLS = config.EtcdTLS{CA: get("tls.ca"), Cert: get("tls.cert"), Key: get("tls.key")}
	s.MaxTxnOps = v.GetInt("store.max_txn_ops")
	switch e := v.Get("store.endpoints").(type) {
	case string:
		for _, x := range strings.Split(e, ",") {
			if x = strings.TrimSpace(x); x != "" {
				s.Endpoints = append(s.Endpoints, x)
			}
		}
	case []any:
		for _, x := range e {
			s.Endpoints = append(s.Endpoints, fmt.Sprint(x))
		}
	}
	return s
}

// readStore resolves the flags of a read-only command and opens the store for reading
// (a verified copy while serve holds it; never creating one).
func readStore(fs *pflag.FlagSet, v *viper.Viper, args []string) (*store.Store, error) {
	s, _, err := resolve(fs, v, args)
	if err != nil {
		return nil, err
	}
	return openReader(s)
}

// expandSecret resolves a ${NAME} reference written in the file.
func expandSecret(s string) string {
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
		return os.Getenv(s[2 : len(s)-1])
	}
	return s
}

// Durations in the logs carry their unit ("5.004s", "100ms"), in JSON and on the
// console: a bare number is read as seconds by some and milliseconds by others.
func init() { zerolog.DurationFieldFormat = zerolog.DurationFormatString }

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
			switch v := i.(type) {
			case nil:
				return ""
			case []byte: // a value that is not a string (a bool, a list) comes marshalled
				return safetext.Escape(string(v))
			}
			return safetext.Escape(fmt.Sprint(i))
		}
		w = zerolog.ConsoleWriter{Out: w, NoColor: !isTerminal(w), FormatFieldValue: esc, FormatErrFieldValue: esc, FormatCaller: esc,
			FormatMessage: esc, TimeFormat: time.RFC3339}
	default:
		return zerolog.Nop(), fmt.Errorf("log format %q is not json or console", s.LogFormat)
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
