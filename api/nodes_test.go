package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/store"
)

// newNodeRig is one node of a cluster: its own fake Asterisk, app and API, the store
// on etcd.
func newNodeRig(t *testing.T, srv *etcdtest.Server, node string) *rig {
	return newRigOn(t, func() (*store.Store, error) {
		return store.OpenEtcd(store.EtcdOptions{Endpoints: srv.Endpoints, Member: true, LeaseTTL: 2 * time.Second, RequestTimeout: time.Second},
			store.Options{Node: node})
	})
}

// TestTheAPIOnACluster: settings written through one node's API are read through the
// other's; a call on node A is listed by node B with its node, and acting on it through
// node B is refused with a 409 naming node A; with etcd down, reads still answer and a
// write is a 503 that says nothing was changed.
func TestTheAPIOnACluster(t *testing.T) {
	srv := etcdtest.Start(t)
	a := newNodeRig(t, srv, "pbx-a")
	b := newNodeRig(t, srv, "pbx-b")
	execA, execB, asstB := a.login("1001"), b.login("1001"), b.login("1002")

	if code, body := execB.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": false}, nil); code != 200 {
		t.Fatalf("PUT through node B: %d %s", code, body)
	}
	a.eventually("node A's API to read node B's change", func() bool {
		_, body := execA.do("GET", "/v1/people/1001/executive/callFiltering", nil, nil)
		return strings.Contains(body, `"enabled":false`)
	})
	if code, body := execB.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": true}, nil); code != 200 {
		t.Fatalf("PUT through node B: %d %s", code, body)
	}
	a.eventually("filtering on at node A", func() bool { return *a.store.Snapshot().Runtime.Executives["1001"].Filtering })

	events := asstB.events()
	caller := a.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerName: "Bob Caller", Exten: "1001", Args: []string{"exec", "1001"}})
	a.fake.Answer(a.ringing("PJSIP/1002"))
	var id string
	b.eventually("node B's API to list node A's answered call", func() bool {
		_, body := asstB.do("GET", "/v1/calls", nil, nil)
		var calls Calls
		json.Unmarshal([]byte(body), &calls)
		for _, c := range calls.Items {
			if c.Node == "pbx-a" && c.Assistant == "1002" {
				id = c.ID
				return true
			}
		}
		return false
	})
	b.next(events, "call", `"node":"pbx-a"`) // node B's console shows it, with its node
	code, body := asstB.do("POST", "/v1/calls/"+id+"/push", nil, nil)
	if code != 409 || !strings.Contains(body, `"call_on_other_node"`) || !strings.Contains(body, "pbx-a") {
		t.Fatalf("push through node B of a call on node A: %d %s", code, body)
	}
	if n := len(a.fake.ChannelsOn("PJSIP/1001")); n != 0 {
		t.Fatal("the refused push rang the executive")
	}
	a.fake.Hangup(caller)
	b.next(events, "call-ended", id)

	srv.Stop()
	b.eventually("node B to notice etcd is gone", func() bool { return !b.store.Health().Connected })
	if code, body := execB.do("GET", "/v1/people/1001/executive/callFiltering", nil, nil); code != 200 {
		t.Fatalf("read with etcd down: %d %s", code, body)
	}
	code, body = execB.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": false}, nil)
	if code != 503 || !strings.Contains(body, "store_unavailable") || !strings.Contains(body, "nothing was changed") {
		t.Fatalf("write with etcd down: %d %s", code, body)
	}
	// A sign-in cannot be checked: 503, and it is not a failure (six tries lock nobody).
	anon := &client{r: b, http: &http.Client{}}
	for i := range lockAfter + 1 {
		code, body := anon.do("POST", "/v1/login", map[string]string{"user": "1002", "secret": "secret-1002"}, nil)
		if code != 503 || !strings.Contains(body, "store_unavailable") {
			t.Fatalf("sign-in %d with etcd down: %d %s", i+1, code, body)
		}
	}
}
