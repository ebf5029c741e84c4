package store

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Live calls stay on their node; each node shares what they are under its lease
// (calls/<node>/<id>) so the others can list them and refuse actions on them by name.

// RemoteCall is a live call on another node, as that node shared it.
type RemoteCall struct {
	Node   string
	ID     string
	Record json.RawMessage
}

// PublishCall shares one of this node's live calls with the other nodes (nil: the call
// ended). It never blocks: a publisher writes it under the node's lease, so the record
// vanishes when the node dies. On bbolt (one node) it does nothing.
func (s *Store) PublishCall(id string, record []byte) {
	if s.etcd == nil || !s.etcd.opts.Member {
		return
	}
	n := s.etcd.node
	n.mu.Lock()
	if record == nil {
		delete(n.calls, id)
	} else {
		n.calls[id] = record
	}
	n.dirty[id] = true
	n.mu.Unlock()
	n.poke(n.wake)
}

// RemoteCalls lists the other nodes' live calls (none on bbolt), by node and id.
func (s *Store) RemoteCalls() []RemoteCall {
	if s.etcd == nil {
		return nil
	}
	n := s.etcd.node
	n.mu.Lock()
	var out []RemoteCall
	for node, calls := range n.remote {
		for id, rec := range calls {
			out = append(out, RemoteCall{Node: node, ID: id, Record: rec})
		}
	}
	n.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Node != out[j].Node {
			return out[i].Node < out[j].Node
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func (n *etcdNode) remoteChangedLocked() {
	if n.remoteChanged != nil {
		close(n.remoteChanged)
		n.remoteChanged = nil
	}
}

// RemoteChanged returns a channel closed at the next change of RemoteCalls (nil, never
// closed, on bbolt): the console's event stream waits on it.
func (s *Store) RemoteChanged() <-chan struct{} {
	if s.etcd == nil {
		return nil
	}
	n := s.etcd.node
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.remoteChanged == nil {
		n.remoteChanged = make(chan struct{})
	}
	return n.remoteChanged
}

// publish writes dirty call records while connected; what fails stays dirty.
func (n *etcdNode) publish() {
	if !n.connected.Load() {
		return // connect marks everything dirty and pokes again
	}
	n.mu.Lock()
	batch := map[string][]byte{}
	for id := range n.dirty {
		batch[id] = n.calls[id]
	}
	clear(n.dirty)
	n.mu.Unlock()
	lease := clientv3.LeaseID(n.lease.Load())
	ids := make([]string, 0, len(batch))
	ops := make([]clientv3.Op, 0, len(batch))
	for id, rec := range batch {
		k := n.b.key("calls", []byte(n.s.opts.Node+"/"+id))
		if rec == nil {
			ops = append(ops, clientv3.OpDelete(k))
		} else {
			ops = append(ops, clientv3.OpPut(k, string(rec), clientv3.WithLease(lease)))
		}
		ids = append(ids, id)
	}
	// One transaction per publishPage changes: a busy node pays one round trip for
	// many calls.
	for len(ops) > 0 {
		m := min(len(ops), publishPage)
		ctx, cancel := n.b.ctx()
		_, err := n.b.cli.Txn(ctx).Then(ops[:m]...).Commit()
		cancel()
		if err != nil {
			n.mu.Lock()
			for _, id := range ids[:m] {
				n.dirty[id] = true
			}
			n.mu.Unlock()
		}
		ops, ids = ops[m:], ids[m:]
	}
}

// publishPage bounds one publishing transaction (etcd's default --max-txn-ops is 128).
const publishPage = 100

func (n *etcdNode) loadRemoteCalls(ctx context.Context) error {
	resp, err := n.b.cli.Get(ctx, n.b.bucketPrefix("calls"), clientv3.WithPrefix())
	if err != nil {
		return err
	}
	n.mu.Lock()
	clear(n.remote)
	n.remoteChangedLocked()
	n.mu.Unlock()
	for _, kv := range resp.Kvs {
		n.remoteCall(strings.TrimPrefix(string(kv.Key), n.b.bucketPrefix("calls")), kv.Value, false)
	}
	return nil
}

// remoteCall applies one calls/<node>/<id> change; this node's own are ignored.
func (n *etcdNode) remoteCall(nodeAndID string, rec []byte, deleted bool) {
	node, id, ok := strings.Cut(nodeAndID, "/")
	if !ok || node == n.s.opts.Node {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	defer n.remoteChangedLocked()
	if deleted {
		delete(n.remote[node], id)
		if len(n.remote[node]) == 0 {
			delete(n.remote, node)
		}
		return
	}
	if n.remote[node] == nil {
		n.remote[node] = map[string][]byte{}
	}
	n.remote[node][id] = rec
}
