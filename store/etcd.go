package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// etcdBackend keeps the buckets as etcd keys <prefix>/<bucket>/<key>, shared by every
// node. An update is an etcd Txn whose condition is the revision of every key the
// update read: when another node changed one of them first, the Txn fails and the
// update runs again on the new state, so concurrent writers never lose a change.
type etcdBackend struct {
	cli     *clientv3.Client
	prefix  string // without the trailing slash
	opts    EtcdOptions
	node    *etcdNode // connection, watch, presence
	seq     atomic.Uint64
	maxOps  int
	updates atomic.Int64 // committed updates (tests count retries with it)
	retries atomic.Int64
}

// ErrUnavailable wraps every write refused because etcd cannot be reached: nothing was
// changed, and calls go on being decided from the last settings this node saw.
var ErrUnavailable = errors.New("store: etcd is unreachable")

// errConflict: another writer changed a key the update read; the update runs again.
var errConflict = errors.New("store: concurrent change")

const maxAttempts = 20

func (b *etcdBackend) key(bucket string, key []byte) string {
	return b.prefix + "/" + bucket + "/" + string(key)
}

func (b *etcdBackend) bucketPrefix(bucket string) string { return b.prefix + "/" + bucket + "/" }

func (b *etcdBackend) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), b.opts.RequestTimeout)
}

func (b *etcdBackend) view(f func(r reader) error) error {
	ctx, cancel := b.ctx()
	defer cancel()
	return b.explain(f(&etcdView{b: b, ctx: ctx}))
}

func (b *etcdBackend) update(f func(w writer) error) error {
	if err := b.node.writable(); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		err := b.try(f)
		if !errors.Is(err, errConflict) {
			return b.explain(err)
		}
		b.retries.Add(1)
		if attempt == maxAttempts {
			return fmt.Errorf("store: gave up after %d attempts: other nodes kept changing the same keys", maxAttempts)
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
}

// try runs f once and commits what it wrote if nothing it read has changed.
func (b *etcdBackend) try(f func(w writer) error) error {
	ctx, cancel := b.ctx()
	defer cancel()
	tx := &etcdTx{etcdView: etcdView{b: b, ctx: ctx}, reads: map[string]int64{}, writes: map[string][]byte{}}
	if err := f(tx); err != nil {
		return err
	}
	if len(tx.writes) == 0 {
		return nil
	}
	cmps := make([]clientv3.Cmp, 0, len(tx.reads))
	for k, rev := range tx.reads {
		if rev == 0 {
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(k), "=", 0))
		} else {
			cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(k), "=", rev))
		}
	}
	ops := make([]clientv3.Op, 0, len(tx.writes))
	for k, v := range tx.writes {
		if v == nil {
			ops = append(ops, clientv3.OpDelete(k))
		} else {
			ops = append(ops, clientv3.OpPut(k, string(v)))
		}
	}
	if n := len(cmps) + len(ops); b.maxOps > 0 && n > b.maxOps {
		return tooManyOps(n)
	}
	resp, err := b.cli.Txn(ctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		if errors.Is(err, rpctypes.ErrTooManyOps) {
			return tooManyOps(len(cmps) + len(ops))
		}
		return err
	}
	if !resp.Succeeded {
		return errConflict
	}
	b.updates.Add(1)
	return nil
}

func tooManyOps(n int) error {
	return fmt.Errorf("store: this write is %d operations in one etcd transaction, more than etcd allows: start etcd with --max-txn-ops=%d or more (and --max-request-bytes large enough for the configuration)", n, n)
}

// explain turns the client's errors for an unreachable cluster into ErrUnavailable.
func (b *etcdBackend) explain(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, rpctypes.ErrTimeout) || errors.Is(err, rpctypes.ErrNoLeader) ||
		strings.Contains(err.Error(), "Unavailable") || strings.Contains(err.Error(), "DeadlineExceeded") {
		return fmt.Errorf("%w (%s): %v", ErrUnavailable, strings.Join(b.opts.Endpoints, ","), err)
	}
	return err
}

func (b *etcdBackend) close() error {
	b.node.stop()
	return b.cli.Close()
}

// etcdView reads at one revision: the first read fixes it.
type etcdView struct {
	b   *etcdBackend
	ctx context.Context
	rev int64
}

func (v *etcdView) revision() int64 { return v.rev }

func (v *etcdView) opts(extra ...clientv3.OpOption) []clientv3.OpOption {
	if v.rev != 0 {
		extra = append(extra, clientv3.WithRev(v.rev))
	}
	return extra
}

func (v *etcdView) fix(resp *clientv3.GetResponse) {
	if v.rev == 0 {
		v.rev = resp.Header.Revision
	}
}

func (v *etcdView) getKV(k string) ([]byte, int64, error) {
	resp, err := v.b.cli.Get(v.ctx, k, v.opts()...)
	if err != nil {
		return nil, 0, err
	}
	v.fix(resp)
	if len(resp.Kvs) == 0 {
		return nil, 0, nil
	}
	return resp.Kvs[0].Value, resp.Kvs[0].ModRevision, nil
}

func (v *etcdView) get(bucket string, key []byte) ([]byte, error) {
	val, _, err := v.getKV(v.b.key(bucket, key))
	return val, err
}

// scanPage is how many keys one range request returns (a journal has 100 000).
const scanPage = 500

func (v *etcdView) scan(bucket string, from []byte, reverse bool, f func(k, val []byte) error) error {
	prefix := v.b.bucketPrefix(bucket)
	start, end := prefix+string(from), clientv3.GetPrefixRangeEnd(prefix)
	for {
		opts := v.opts(clientv3.WithRange(end), clientv3.WithLimit(scanPage))
		if reverse {
			opts = append(opts, clientv3.WithSort(clientv3.SortByKey, clientv3.SortDescend))
		}
		resp, err := v.b.cli.Get(v.ctx, start, opts...)
		if err != nil {
			return err
		}
		v.fix(resp)
		for _, kv := range resp.Kvs {
			if err := f(kv.Key[len(prefix):], kv.Value); err != nil {
				if errors.Is(err, errStop) {
					return nil
				}
				return err
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return nil
		}
		last := string(resp.Kvs[len(resp.Kvs)-1].Key)
		if reverse {
			end = last // the range end is exclusive
		} else {
			start = last + "\x00"
		}
	}
}

func (v *etcdView) count(bucket string) (int, error) {
	prefix := v.b.bucketPrefix(bucket)
	resp, err := v.b.cli.Get(v.ctx, prefix, v.opts(clientv3.WithPrefix(), clientv3.WithCountOnly())...)
	if err != nil {
		return 0, err
	}
	v.fix(resp)
	return int(resp.Count), nil
}

// etcdTx records the revision of every key it reads and buffers its writes (nil value:
// delete) until the commit.
type etcdTx struct {
	etcdView
	reads  map[string]int64
	writes map[string][]byte
}

func (t *etcdTx) get(bucket string, key []byte) ([]byte, error) {
	k := t.b.key(bucket, key)
	if v, ok := t.writes[k]; ok {
		return bytes.Clone(v), nil
	}
	val, rev, err := t.getKV(k)
	if err != nil {
		return nil, err
	}
	if _, seen := t.reads[k]; !seen {
		t.reads[k] = rev
	}
	return val, nil
}

func (t *etcdTx) put(bucket string, key, val []byte) error {
	if val == nil {
		val = []byte{}
	}
	t.writes[t.b.key(bucket, key)] = bytes.Clone(val)
	return nil
}

func (t *etcdTx) delete(bucket string, key []byte) error {
	t.writes[t.b.key(bucket, key)] = nil
	return nil
}

// clear deletes the bucket's keys one by one: etcd refuses a Txn in which a range
// delete overlaps a put, and an import clears and refills the same buckets.
func (t *etcdTx) clear(bucket string) error {
	return t.etcdView.scan(bucket, nil, false, func(k, _ []byte) error {
		full := t.b.key(bucket, k)
		if _, pending := t.writes[full]; !pending {
			t.writes[full] = nil
		}
		return nil
	})
}

// sequence on etcd is this process's counter, started from the clock so it keeps
// increasing across restarts; keys also carry the node's name, so nodes never collide
// and never contend for a shared counter.
func (t *etcdTx) sequence(string) (uint64, error) {
	t.b.seq.CompareAndSwap(0, uint64(time.Now().UnixNano()))
	return t.b.seq.Add(1), nil
}
