// Package nettest holds what tests of listeners share: connections that sit idle, to
// fill a listener's caps the way a slow or hostile client would.
package nettest

import (
	"net"
	"testing"
)

// IdleConnections opens n TCP connections to addr that send nothing; they are closed
// when the test ends.
func IdleConnections(t testing.TB, addr string, n int) []net.Conn {
	t.Helper()
	var out []net.Conn
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		out = append(out, c)
	}
	return out
}
