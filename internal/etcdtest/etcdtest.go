// Package etcdtest runs a real etcd server inside a test process, for the tests of the
// shared store: started on free loopback ports in a temporary directory, and stoppable
// and restartable on the same ports and data, as an outage would be.
package etcdtest

import (
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Server is one single-member etcd cluster.
type Server struct {
	t            testing.TB
	dir          string
	client, peer url.URL
	e            *embed.Etcd
	// Endpoints is what a client dials.
	Endpoints []string
}

// Start starts a server that the test's cleanup stops.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, dir: t.TempDir(), client: freeURL(t), peer: freeURL(t)}
	s.Endpoints = []string{s.client.String()}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func freeURL(t testing.TB) url.URL {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return url.URL{Scheme: "http", Host: ln.Addr().String()}
}

func (s *Server) start() {
	s.t.Helper()
	cfg := embed.NewConfig()
	cfg.Name = "execassist-test"
	cfg.Dir = s.dir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{s.client}, []url.URL{s.client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{s.peer}, []url.URL{s.peer}
	cfg.InitialCluster = fmt.Sprintf("%s=%s", cfg.Name, s.peer.String())
	cfg.MaxTxnOps = 10_000
	cfg.UnsafeNoFsync = true // a test's data need not survive a power cut
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	var err error
	for attempt := 0; attempt < 50; attempt++ { // a restart may find the port still closing
		s.e, err = embed.StartEtcd(cfg)
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("etcd: %v", err)
	}
	select {
	case <-s.e.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		s.e.Close()
		s.t.Fatal("etcd did not become ready in 30 s")
	}
}

// Stop stops the server (an outage); the data stays for Restart.
func (s *Server) Stop() {
	if s.e != nil {
		s.e.Close()
		s.e = nil
	}
}

// Restart starts the stopped server again on the same ports with the same data.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}
