package api

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"
)

// FuzzLockoutStaysBounded: whatever sequence of sign-in failures and successes arrives
// (names, addresses, times), every table stays within its bound and a real name that
// failed lockAfter times in a row from one address is locked there.
func FuzzLockoutStaysBounded(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(make([]byte, 4000))
	f.Fuzz(func(t *testing.T, ops []byte) {
		l := newLockout()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		for i := 0; i+3 < len(ops); i += 4 {
			op := binary.BigEndian.Uint32(ops[i:])
			name := fmt.Sprintf("n%d", op%97)
			addr := fmt.Sprintf("10.0.%d.%d", op>>8&3, op>>16&255)
			now = now.Add(time.Duration(op>>24) * time.Second)
			if op&0x80 != 0 {
				l.succeeded(name, addr, now)
			} else {
				l.failed(name, addr, op&1 == 0, now)
			}
		}
		if len(l.byNameAddr) > maxTracked || len(l.byAddr) > maxTracked || len(l.byName) > maxTracked || len(l.known) > maxKnownNames {
			t.Fatalf("tables %d %d %d %d", len(l.byNameAddr), len(l.byAddr), len(l.byName), len(l.known))
		}
		for k, v := range l.known {
			if len(v) > knownPerName {
				t.Fatalf("%s: %d known addresses", k, len(v))
			}
		}
		for range lockAfter {
			l.failed("real", "192.0.2.9", true, now)
		}
		if l.check("real", "192.0.2.9", now) == nil {
			t.Fatal("a real name was not locked")
		}
	})
}
