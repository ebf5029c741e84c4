package main

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
	"go.etcd.io/etcd/client/pkg/v3/transport"
)

// openStore opens the store as serve (member: a node among the others on etcd) or a
// command that writes (config import, user passwd).
func openStore(s settings, log zerolog.Logger, member bool) (*store.Store, error) {
	if err := checkStoreSection(s.Shared); err != nil {
		return nil, err
	}
	if s.Shared.Backend != "etcd" {
		return store.Open(s.Store, store.Options{Node: s.Shared.Node})
	}
	eo, err := etcdOptions(s.Shared, log)
	if err != nil {
		return nil, err
	}
	eo.Member = member
	return store.OpenEtcd(eo, store.Options{Node: s.Shared.Node})
}

// openReader opens the store for a command that only reads (calls, explain, export).
func openReader(s settings) (*store.Store, error) {
	if s.Shared.Backend != "etcd" {
		return store.OpenReader(s.Store)
	}
	return openStore(s, zerolog.Nop(), false)
}

// checkStoreSection applies the YAML validator's rules to a store section that came
// from flags and the environment as well as the file.
func checkStoreSection(sec config.Store) error {
	if errs := config.Validate(&config.Config{Store: sec}, nil); len(errs) > 0 {
		return fmt.Errorf("store settings refused:\n%w", errs)
	}
	return nil
}

// etcdOptions turns the store section into the client's options (TLS files read here).
func etcdOptions(sec config.Store, log zerolog.Logger) (store.EtcdOptions, error) {
	eo := store.EtcdOptions{Endpoints: sec.Endpoints, Prefix: sec.Prefix, Username: sec.Username, Password: sec.Password,
		LocalSnapshot: sec.Path, MaxTxnOps: sec.MaxTxnOps, Log: log}
	if sec.TLS != (config.EtcdTLS{}) {
		info := transport.TLSInfo{TrustedCAFile: sec.TLS.CA, CertFile: sec.TLS.Cert, KeyFile: sec.TLS.Key}
		tc, err := info.ClientConfig()
		if err != nil {
			return eo, fmt.Errorf("store.tls: %w", err)
		}
		eo.TLS = tc
	}
	return eo, nil
}

// bboltOnly refuses the file-level store commands (check, restore) on etcd.
func bboltOnly(s settings, what string) error {
	if s.Shared.Backend == "etcd" {
		return fmt.Errorf("store %s works on the bbolt file; with the etcd backend use `etcdctl snapshot save` / `etcdutl snapshot restore`", what)
	}
	return nil
}

// storeName says which store a command used, for people.
func storeName(s settings) string {
	if s.Shared.Backend == "etcd" {
		return fmt.Sprintf("etcd %s (prefix %s)", strings.Join(s.Shared.Endpoints, ","), cmp.Or(s.Shared.Prefix, "/execassist"))
	}
	return s.Store
}
