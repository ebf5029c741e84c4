// Package secret hashes and checks the secrets users sign in with: argon2id, stored as
// a PHC string ($argon2id$v=19$m=65536,t=2,p=1$salt$hash), so that a copied store or
// YAML file does not give away anybody's secret and the cost can be raised later.
package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. Default follows RFC 9106's second
// recommendation scaled to a PBX host (64 MiB, 2 passes).
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default is what Hash uses.
var Default = Params{Memory: 64 * 1024, Time: 2, Threads: 1}

// MinLength and MaxLength bound a secret: short ones are guessable, and a huge one would
// cost argon2 time for nothing.
const (
	MinLength = 8
	MaxLength = 256
)

// ErrMismatch means the secret does not match the hash.
var ErrMismatch = errors.New("secret: does not match")

// CheckStrength says why a new secret is refused, or nil.
func CheckStrength(s string) error {
	switch {
	case len(s) < MinLength:
		return fmt.Errorf("a secret needs at least %d characters", MinLength)
	case len(s) > MaxLength:
		return fmt.Errorf("a secret has at most %d characters", MaxLength)
	}
	return nil
}

// Hash returns the PHC string for s with a fresh salt.
func Hash(s string) (string, error) {
	return HashWith(s, Default)
}

// HashWith hashes with explicit parameters (tests use cheap ones).
func HashWith(s string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(s), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

type parsed struct {
	p          Params
	salt, hash []byte
}

// maxMemory bounds what a hash string may ask for: a hostile hash in a YAML file must
// not make every sign-in allocate gigabytes.
const maxMemory = 1 << 20 // KiB (1 GiB)

func parse(h string) (parsed, error) {
	var out parsed
	parts := strings.Split(h, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return out, errors.New("not an argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash)")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return out, fmt.Errorf("argon2 version %q is not %d", parts[2], argon2.Version)
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 || fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) != parts[3] {
		return out, fmt.Errorf("parameters %q are not m=<KiB>,t=<passes>,p=<threads>", parts[3])
	}
	if m < 8*uint32(p) || m > maxMemory || t < 1 || t > 10 || p < 1 {
		return out, fmt.Errorf("parameters %q are out of range (m up to %d KiB, t 1-10, p >= 1)", parts[3], maxMemory)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return out, errors.New("salt is not 8-64 bytes of unpadded base64")
	}
	hash, err := b64.DecodeString(parts[5])
	if err != nil || len(hash) < 16 || len(hash) > 64 {
		return out, errors.New("hash is not 16-64 bytes of unpadded base64")
	}
	return parsed{p: Params{Memory: m, Time: t, Threads: p}, salt: salt, hash: hash}, nil
}

// Valid says why h is not a usable hash, or nil (config validation).
func Valid(h string) error {
	_, err := parse(h)
	return err
}

// Verify checks s against h in constant time; ErrMismatch when it does not match.
func Verify(s, h string) error {
	ph, err := parse(h)
	if err != nil {
		return err
	}
	if len(s) > MaxLength {
		return ErrMismatch
	}
	key := argon2.IDKey([]byte(s), ph.salt, ph.p.Time, ph.p.Memory, ph.p.Threads, uint32(len(ph.hash)))
	if subtle.ConstantTimeCompare(key, ph.hash) != 1 {
		return ErrMismatch
	}
	return nil
}
