package app_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/internal/testlog"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// newNode is one execassist of a cluster: its own fake Asterisk, the store on etcd
// (logging to storeLog when given).
func newNode(t *testing.T, srv *etcdtest.Server, node string, storeLog ...io.Writer) *harness {
	t.Helper()
	log := zerolog.Nop()
	if len(storeLog) > 0 {
		log = zerolog.New(storeLog[0])
	}
	return newHarnessOn(t, func(h *harness) (*store.Store, error) {
		return store.OpenEtcd(store.EtcdOptions{Endpoints: srv.Endpoints, Prefix: "/execassist", Member: true,
			LeaseTTL: 2 * time.Second, RequestTimeout: time.Second, Log: log}, store.Options{Node: node, Now: h.clock.Now})
	}, baseYAML)
}

// metrics reads the app's Prometheus exposition.
func (h *harness) metrics() string { return httpMetrics(h.app) }

func (h *harness) lamp(exec string) string {
	st, _ := h.fake.DeviceState("Stasis:execassist-filter-" + exec)
	return st
}

// TestFilteringOffOnNodeAReachesNodeB: #62 dialled on node A; a call arriving on node B
// right after goes straight to the executive, and node B's own BLF lamp changes too,
// through the etcd watch.
func TestFilteringOffOnNodeAReachesNodeB(t *testing.T) {
	srv := etcdtest.Start(t)
	a := newNode(t, srv, "pbx-a")
	b := newNode(t, srv, "pbx-b")
	b.eventually("B's lamp to show filtering on", func() bool { return b.lamp("1001") == "INUSE" })

	off := a.fac("PJSIP/1001", "#62")
	sent := time.Now()
	a.finishFAC(off)
	poll.Until(t, time.Second, "node B's lamp to go off within 1 s of #62 on node A", func() bool { return b.lamp("1001") == "NOT_INUSE" })
	t.Logf("node B's lamp followed node A's #62 after %s", time.Since(sent))
	if to := b.continuedTo(b.call()); to != "from-internal,1001,2" {
		t.Fatalf("a call on node B after #62 on node A was filtered: %s", to)
	}
	// And back: #61 on B turns A's lamp on and A's calls are filtered again.
	on := b.fac("PJSIP/1001", "#61")
	b.finishFAC(on)
	poll.Until(t, time.Second, "node A's lamp to go on", func() bool { return a.lamp("1001") == "INUSE" })
	c := a.call()
	a.ringing("PJSIP/1002")
	a.fake.Hangup(c)
	a.settle()

	// The journal holds both nodes' calls and FACs, with their node.
	nodes := map[string]bool{}
	a.eventually("both nodes' entries in the journal", func() bool {
		j, _ := b.store.Journal(store.JournalFilter{})
		for _, e := range j {
			nodes[e.Node] = true
		}
		return nodes["pbx-a"] && nodes["pbx-b"]
	})
}

// TestActionsOnACallOnAnotherNodeAreRefusedByName: a call answered on node A is listed
// on node B with its node; *11 dialled on node B and a console retrieve through node
// B are refused naming node A, and nothing happens to the call.
func TestActionsOnACallOnAnotherNodeAreRefusedByName(t *testing.T) {
	srv := etcdtest.Start(t)
	a := newNode(t, srv, "pbx-a")
	b := newNode(t, srv, "pbx-b")
	caller := a.call()
	a.fake.Answer(a.ringing("PJSIP/1002"))
	var id string
	b.eventually("node B to list A's call", func() bool {
		for _, c := range b.app.AllCalls() {
			if c.Node == "pbx-a" && c.Assistant == "1002" {
				id = c.ID
				return true
			}
		}
		return false
	})
	err := b.app.Retrieve(id)
	var other *app.OtherNodeError
	if !errors.As(err, &other) || other.Node != "pbx-a" || !strings.Contains(err.Error(), "pbx-a") {
		t.Fatalf("retrieve through node B: %v", err)
	}
	fac := b.fac("PJSIP/1001", "*11")
	b.finishFAC(fac)
	if p := strings.Join(b.playedTo(fac), " "); !strings.Contains(p, "characters%3Apbx-a") {
		t.Fatalf("*11 on node B for a call on node A announced %s", p)
	}
	if n := len(a.fake.ChannelsOn("PJSIP/1001")); n != 0 {
		t.Fatalf("the executive's phone on node A was rung %d times", n)
	}
	a.fake.Hangup(caller)
	a.settle()
	b.eventually("the call to leave node B's list", func() bool { return len(b.app.AllCalls()) == 0 })
}

// TestEtcdOutageKeepsCallsGoingAndLosesNothing: with etcd stopped, a node keeps
// filtering calls with the settings it has, refuses #62 with "try again later" and
// keeps its journal; when etcd returns the journal is written and #62 works.
func TestEtcdOutageKeepsCallsGoingAndLosesNothing(t *testing.T) {
	srv := etcdtest.Start(t)
	storeLog := &testlog.Buffer{}
	a := newNode(t, srv, "pbx-a", storeLog)
	srv.Stop()
	a.eventually("node A to notice etcd is gone", func() bool { return !a.store.Health().Connected })
	if m := a.metrics(); !strings.Contains(m, "execassist_store_connected 0") || strings.Contains(m, "execassist_store_stale_seconds 0\n") {
		t.Fatalf("metrics while etcd is down:\n%s", grepLines(m, "execassist_store"))
	}
	if l := storeLog.String(); !strings.Contains(l, "etcd unreachable: deciding calls from the last settings seen") || !strings.Contains(l, "settings_as_of") {
		t.Fatalf("no log line says the settings are stale: %s", l)
	}

	off := a.fac("PJSIP/1001", "#62")
	a.finishFAC(off)
	if p := strings.Join(a.playedTo(off), " "); !strings.Contains(p, "an-error-has-occured") {
		t.Fatalf("#62 with etcd down announced %s", p)
	}
	c := a.call()
	a.ringing("PJSIP/1002") // still filtered: decided from the cached settings
	a.fake.Hangup(c)
	a.settle()

	srv.Restart()
	a.eventually("node A to reconnect", func() bool { return a.store.Health().Connected })
	a.eventually("the journal kept during the outage to be written", func() bool {
		j, _ := a.store.Journal(store.JournalFilter{})
		return len(j) == 2
	})
	off = a.fac("PJSIP/1001", "#62")
	a.finishFAC(off)
	a.eventually("#62 to be saved", func() bool {
		f := a.store.Snapshot().Runtime.Executives["1001"].Filtering
		return f != nil && !*f
	})
}

func grepLines(text, substr string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
