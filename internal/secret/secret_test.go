package secret

import (
	"errors"
	"strings"
	"testing"
)

var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerifies(t *testing.T) {
	h, err := HashWith("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	if err := Verify("correct horse", h); err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"correct hors", "Correct horse", "", strings.Repeat("x", 10000)} {
		if err := Verify(wrong, h); !errors.Is(err, ErrMismatch) {
			t.Errorf("%.20q: %v", wrong, err)
		}
	}
	h2, _ := HashWith("correct horse", cheap)
	if h2 == h {
		t.Fatal("two hashes of one secret are equal: no salt")
	}
}

func TestInvalidHashesAreRefused(t *testing.T) {
	for _, h := range []string{"", "plain", "$2b$10$abcdefghijklmnopqrstuv", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 95 GiB per sign-in
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1,x=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if Valid(h) == nil {
			t.Errorf("%q accepted", h)
		}
		if Verify("x", h) == nil {
			t.Errorf("%q verified", h)
		}
	}
}

func TestStrength(t *testing.T) {
	if CheckStrength("short") == nil || CheckStrength(strings.Repeat("a", 300)) == nil || CheckStrength("long enough") != nil {
		t.Fatal("strength limits")
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := HashWith("s3cret-value", cheap)
	f.Add("s3cret-value", h)
	f.Add("x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Fuzz(func(t *testing.T, s, h string) {
		if err := Valid(h); err == nil {
			ph, _ := parse(h)
			if ph.p.Memory > maxMemory {
				t.Fatalf("memory %d accepted", ph.p.Memory)
			}
			if ph.p.Memory > 4096 || ph.p.Time > 2 {
				return // valid but too slow to run in a fuzz loop
			}
		}
		_ = Verify(s, h)
	})
}
