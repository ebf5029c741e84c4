package store

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// EtcdOptions say how a node reaches the etcd cluster it shares with the other nodes.
type EtcdOptions struct {
	Endpoints          []string
	Prefix             string      // every key lives under it (default /execassist)
	TLS                *tls.Config // nil: plain HTTP
	Username, Password string      // etcd's own authentication, when enabled
	DialTimeout        time.Duration
	// RequestTimeout bounds each read and write (default 3 s): a write while etcd is
	// unreachable fails after it, with ErrUnavailable.
	RequestTimeout time.Duration
	// LeaseTTL is how soon the other nodes forget a node that died (its presence and
	// its live calls), and how soon a node notices it lost etcd (default 3 s).
	LeaseTTL time.Duration
	// LocalSnapshot is a file where the node keeps the last settings it saw, to start
	// from when etcd is down at start (default: none, a start without etcd fails).
	LocalSnapshot string
	// MaxTxnOps is etcd's --max-txn-ops, to refuse a too large import with advice
	// instead of etcd's terse error (0: let etcd say).
	MaxTxnOps int
	// Member: this process is a node (serve), not a command: it announces itself,
	// shares its live calls and keeps the local snapshot.
	Member bool
	Log    zerolog.Logger
}

// OpenEtcd opens the shared store. When etcd cannot be reached it starts from the local
// snapshot (calls are decided from the settings it holds, writes are refused, and the
// node catches up when etcd answers); without a snapshot it fails with ErrUnavailable,
// and serve takes no calls (they go on in the dialplan).
func OpenEtcd(eo EtcdOptions, opts Options) (*Store, error) {
	if len(eo.Endpoints) == 0 {
		return nil, errors.New("store: the etcd backend needs endpoints")
	}
	if eo.Prefix == "" {
		eo.Prefix = "/execassist"
	}
	if eo.DialTimeout <= 0 {
		eo.DialTimeout = 2 * time.Second
	}
	if eo.RequestTimeout <= 0 {
		eo.RequestTimeout = 3 * time.Second
	}
	if eo.LeaseTTL <= 0 {
		eo.LeaseTTL = 3 * time.Second
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: eo.Endpoints, DialTimeout: eo.DialTimeout, TLS: eo.TLS,
		Username: eo.Username, Password: eo.Password, Logger: zap.NewNop(),
		// Reconnect within ~2 s of etcd coming back, however long it was away.
		DialOptions: []grpc.DialOption{grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: eo.DialTimeout,
			Backoff: backoff.Config{BaseDelay: 250 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second}})}})
	if err != nil {
		return nil, fmt.Errorf("store: etcd client: %w", err)
	}
	b := &etcdBackend{cli: cli, prefix: strings.TrimRight(eo.Prefix, "/"), opts: eo, maxOps: eo.MaxTxnOps}
	s := newStore(b, eo.LocalSnapshot, opts)
	s.etcd = b
	n := &etcdNode{s: s, b: b, log: eo.Log, quit: make(chan struct{}), done: make(chan struct{}),
		save: make(chan struct{}, 1), wake: make(chan struct{}, 1), calls: map[string][]byte{}, dirty: map[string]bool{},
		remote: map[string]map[string][]byte{}}
	b.node = n
	if err := n.connect(); err != nil {
		if !errors.Is(err, ErrUnavailable) { // a name in use, a newer schema: not an outage
			cli.Close()
			return nil, err
		}
		snap, lerr := readLocal(eo.LocalSnapshot)
		if lerr != nil {
			cli.Close()
			return nil, fmt.Errorf("%w at %s and there is no local snapshot to start from (%v): %v", ErrUnavailable, strings.Join(eo.Endpoints, ","), lerr, err)
		}
		n.lastContact.Store(snap.savedAt.UnixNano())
		if err := s.install(snap.Snapshot); err != nil {
			cli.Close()
			return nil, err
		}
		n.log.Warn().Err(err).Str("snapshot", eo.LocalSnapshot).Time("settings_as_of", snap.savedAt).Int64("revision", snap.Revision).
			Msg("etcd unreachable at start: deciding calls from the local snapshot; writes are refused until etcd answers")
	}
	go n.run()
	go n.every(n.save, n.saveLocal)
	go n.every(n.wake, n.publish)
	return s, nil
}

// etcdNode is this process among the others: its connection (a lease kept alive), its
// presence and live calls under that lease, the watch that keeps the snapshot current,
// and the local snapshot it can start from.
type etcdNode struct {
	s    *Store
	b    *etcdBackend
	log  zerolog.Logger
	quit chan struct{}
	done chan struct{}

	connected   atomic.Bool
	lastContact atomic.Int64 // unix nanoseconds of etcd's last answer
	lease       atomic.Int64
	ka          <-chan *clientv3.LeaseKeepAliveResponse
	watching    bool // run's goroutine only
	save        chan struct{}

	mu     sync.Mutex
	calls  map[string][]byte // this node's live calls, by id
	dirty  map[string]bool   // ids not yet written (or deleted) in etcd
	wake   chan struct{}
	remote map[string]map[string][]byte // other nodes' live calls: node -> id -> record
	// remoteChanged is closed (and replaced) when remote changes.
	remoteChanged chan struct{}
}

// connect takes a lease (which proves etcd answers), checks the schema, reads the
// settings and announces the node.
func (n *etcdNode) connect() error {
	ctx, cancel := context.WithTimeout(context.Background(), n.b.opts.DialTimeout+n.b.opts.RequestTimeout)
	defer cancel()
	lease, err := n.b.cli.Grant(ctx, int64((n.b.opts.LeaseTTL+time.Second-1)/time.Second))
	if err != nil {
		return n.b.explain(err)
	}
	if err := n.checkSchema(ctx); err != nil {
		return err
	}
	if err := n.s.start(); err != nil {
		return err
	}
	if n.b.opts.Member {
		if err := n.announce(lease.ID); err != nil {
			_, _ = n.b.cli.Revoke(ctx, lease.ID)
			return err
		}
	}
	if err := n.loadRemoteCalls(ctx); err != nil {
		return n.b.explain(err)
	}
	ka, err := n.b.cli.KeepAlive(context.Background(), lease.ID)
	if err != nil {
		return n.b.explain(err)
	}
	n.ka = ka
	n.lease.Store(int64(lease.ID))
	n.lastContact.Store(time.Now().UnixNano())
	n.connected.Store(true)
	n.mu.Lock()
	for id := range n.calls {
		n.dirty[id] = true // the old lease took them with it
	}
	n.mu.Unlock()
	n.poke(n.wake)
	return nil
}

// ErrNodeNameTaken: another running execassist announced itself with this node's name;
// two nodes with one name would mix up their journal and live calls.
var ErrNodeNameTaken = errors.New("store: node name in use")

// announce writes nodes/<node> under the lease unless another live execassist holds the
// name. A predecessor that crashed holds it until its lease expires, so the node waits
// up to one lease time for that before refusing; its own earlier lease (a reconnect
// after an outage) is simply replaced.
func (n *etcdNode) announce(lease clientv3.LeaseID) error {
	node := n.s.opts.Node
	k := n.b.key("nodes", []byte(node))
	me, _ := json.Marshal(map[string]any{"node": node, "since": time.Now().UTC()})
	deadline := time.Now().Add(n.b.opts.LeaseTTL + time.Second)
	for {
		ctx, cancel := n.b.ctx()
		resp, err := n.b.cli.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
			Then(clientv3.OpPut(k, string(me), clientv3.WithLease(lease))).Else(clientv3.OpGet(k)).Commit()
		cancel()
		if err != nil {
			return n.b.explain(err)
		}
		if resp.Succeeded {
			return nil
		}
		kvs := resp.Responses[0].GetResponseRange().Kvs
		if len(kvs) == 1 && clientv3.LeaseID(kvs[0].Lease) == clientv3.LeaseID(n.lease.Load()) {
			ctx, cancel := n.b.ctx()
			_, err := n.b.cli.Put(ctx, k, string(me), clientv3.WithLease(lease))
			cancel()
			return n.b.explain(err)
		}
		if time.Now().After(deadline) {
			held := ""
			if len(kvs) == 1 {
				held = string(kvs[0].Value)
			}
			return fmt.Errorf("%w: %q is held by another running execassist (%s); give each node its own store.node", ErrNodeNameTaken, node, held)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (n *etcdNode) checkSchema(ctx context.Context) error {
	k := n.b.key(bMeta, []byte("schema_version"))
	_, err := n.b.cli.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
		Then(clientv3.OpPut(k, fmt.Sprint(SchemaVersion))).Commit()
	if err != nil {
		return n.b.explain(err)
	}
	resp, err := n.b.cli.Get(ctx, k)
	if err != nil {
		return n.b.explain(err)
	}
	var v int
	if len(resp.Kvs) == 1 {
		fmt.Sscan(string(resp.Kvs[0].Value), &v)
	}
	if v > SchemaVersion {
		return fmt.Errorf("store: etcd %s holds schema version %d, newer than this execassist understands (%d); upgrade execassist", n.b.prefix, v, SchemaVersion)
	}
	return nil
}

// run keeps the node connected: it follows the lease's keep-alives, says when etcd
// stops answering and how stale the settings get, and reconnects.
func (n *etcdNode) run() {
	defer close(n.done)
	said := ""
	for {
		if !n.connected.Load() {
			if err := n.connect(); err != nil {
				if !errors.Is(err, ErrUnavailable) && err.Error() != said {
					said = err.Error()
					n.log.Error().Err(err).Msg("etcd answers but this node cannot rejoin; retrying")
				}
				select {
				case <-n.quit:
					return
				case <-time.After(time.Second):
				}
				continue
			}
			n.log.Info().Dur("after", n.staleness()).Msg("etcd answers again: settings are current, writes are accepted")
		}
		if !n.watching {
			n.watching = true
			go n.watch(n.s.Snapshot().Revision + 1)
		}
		n.follow()
		select {
		case <-n.quit:
			return
		default:
		}
		n.connected.Store(false)
		n.log.Warn().Time("settings_as_of", time.Unix(0, n.lastContact.Load())).Strs("endpoints", n.b.opts.Endpoints).
			Msg("etcd unreachable: deciding calls from the last settings seen; writes are refused")
	}
}

// follow notes every keep-alive answer until the lease is lost or the node stops.
func (n *etcdNode) follow() {
	for {
		select {
		case <-n.quit:
			return
		case _, ok := <-n.ka:
			if !ok {
				return
			}
			n.lastContact.Store(time.Now().UnixNano())
		}
	}
}

// watch reloads the snapshot when another node changes settings and keeps the other
// nodes' live calls; the client resumes it after etcd comes back.
func (n *etcdNode) watch(from int64) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-n.quit; cancel() }()
	for ctx.Err() == nil {
		for resp := range n.b.cli.Watch(ctx, n.b.prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(from)) {
			if resp.CompactRevision != 0 || resp.Err() != nil {
				n.log.Info().Err(resp.Err()).Msg("etcd watch restarted; reading the settings again")
				if err := n.s.reload(); err == nil {
					from = n.s.Snapshot().Revision + 1
				}
				break
			}
			n.lastContact.Store(time.Now().UnixNano())
			settings := false
			for _, ev := range resp.Events {
				bucket, rest, _ := strings.Cut(strings.TrimPrefix(string(ev.Kv.Key), n.b.prefix+"/"), "/")
				switch bucket {
				case bJournal, bAudit, bSessions, "nodes":
				case "calls":
					n.remoteCall(rest, ev.Kv.Value, ev.Type == clientv3.EventTypeDelete)
				default:
					settings = true
				}
			}
			if settings && resp.Header.Revision > n.s.Snapshot().Revision {
				if err := n.s.reload(); err != nil {
					n.log.Warn().Err(err).Msg("settings changed in etcd but could not be read; keeping the previous ones")
				}
			}
			from = resp.Header.Revision + 1
		}
	}
}

func (n *etcdNode) staleness() time.Duration {
	return time.Since(time.Unix(0, n.lastContact.Load()))
}

// writable refuses a write at once while etcd is known to be unreachable.
func (n *etcdNode) writable() error {
	if n.connected.Load() {
		return nil
	}
	return fmt.Errorf("%w (%s, no answer for %s): nothing was changed", ErrUnavailable, strings.Join(n.b.opts.Endpoints, ","), n.staleness().Round(time.Second))
}

func (n *etcdNode) stop() {
	select {
	case <-n.quit:
		return
	default:
	}
	close(n.quit)
	<-n.done
	if id := n.lease.Load(); id != 0 && n.connected.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, _ = n.b.cli.Revoke(ctx, clientv3.LeaseID(id)) // the others forget this node's calls now
		cancel()
	}
}

// every runs f each time ch is poked (pokes coalesce), until the node stops: the
// local snapshot writer and the live-call publisher.
func (n *etcdNode) every(ch <-chan struct{}, f func()) {
	for {
		select {
		case <-n.quit:
			return
		case <-ch:
			f()
		}
	}
}

func (n *etcdNode) poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Health is what the store can say about its freshness: on etcd, whether the cluster
// answers and since when the settings may be stale.
type Health struct {
	Shared      bool      // etcd: settings shared with other nodes
	Connected   bool      // etcd answers (on bbolt: the file reads, see Damaged)
	LastContact time.Time // etcd's last answer
	// Damaged says what made the bbolt file unreadable while serve ran ("" while it is
	// sound): writes fail with ErrDamaged and calls are decided from the last snapshot.
	Damaged string
}

// Staleness is how long the settings calls are decided with may have missed changes.
func (h Health) Staleness(now time.Time) time.Duration {
	if h.Connected {
		return 0
	}
	return now.Sub(h.LastContact)
}

// Health reports the backend's connection.
func (s *Store) Health() Health {
	if s.etcd == nil {
		if b, ok := s.kv.(boltBackend); ok {
			if d := b.damage(); d != nil {
				return Health{Damaged: d.why, LastContact: d.at}
			}
		}
		return Health{Connected: true}
	}
	n := s.etcd.node
	return Health{Shared: true, Connected: n.connected.Load(), LastContact: time.Unix(0, n.lastContact.Load())}
}
