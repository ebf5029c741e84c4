package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Sign-in lockout. A lock on a name alone lets anyone keep an executive out with one
// guess per lock period; a lock per address alone lets a botnet guess forever. So:
//   - a name is locked for one address after lockAfter failures from it (doubling with
//     each further failure, up to lockMax): the right secret from elsewhere still works;
//   - an address is locked for every name after addrLockAfter failures from it (one
//     source spraying made-up or real names);
//   - the backstop: a name with nameLockAfter failures from anywhere is locked, but not
//     for the addresses it signed in from successfully before (a distributed guess at
//     one executive cannot lock them out of their usual desk).
//
// Every table is bounded; when one is full the entries whose lock ran out go first,
// then the least recently failed, so that a flood of made-up names cannot switch
// locking off for real ones (nor grow memory). The lockout owns its maps; the
// authenticator's mutex guards them.
const (
	lockAfter      = 5
	addrLockAfter  = 30
	nameLockAfter  = 50
	lockBase       = 30 * time.Second
	lockMax        = 15 * time.Minute
	maxTracked     = 10_000 // name+address and address entries, each
	knownPerName   = 8      // addresses remembered per name after a successful sign-in
	maxKnownNames  = 10_000
	forgetFailures = 24 * time.Hour // a failure count without a lock is forgotten after this
)

type failures struct {
	count int
	until time.Time // locked until
	last  time.Time // last failure
}

func (f *failures) locked(now time.Time) bool { return f != nil && now.Before(f.until) }

// fail counts one failure; after threshold the entry is locked, doubling.
func (f *failures) fail(now time.Time, threshold int) {
	if !f.last.IsZero() && now.Sub(f.last) > forgetFailures && !f.locked(now) {
		f.count = 0
	}
	f.count++
	f.last = now
	if f.count >= threshold {
		d := lockBase << min(f.count-threshold, 10)
		f.until = now.Add(min(d, lockMax))
	}
}

type lockout struct {
	byNameAddr map[string]*failures
	byAddr     map[string]*failures
	byName     map[string]*failures // real names only: bounded by the users provisioned
	known      map[string]map[string]time.Time
}

func newLockout() *lockout {
	return &lockout{byNameAddr: map[string]*failures{}, byAddr: map[string]*failures{},
		byName: map[string]*failures{}, known: map[string]map[string]time.Time{}}
}

func nameAddr(name, addr string) string { return name + "\x00" + addr }

// check says whether name may try from addr now; a refusal is the 429 to answer.
func (l *lockout) check(name, addr string, now time.Time) *apiError {
	if f := l.byAddr[addr]; f.locked(now) {
		return locked(f.until.Sub(now))
	}
	if f := l.byNameAddr[nameAddr(name, addr)]; f.locked(now) {
		return locked(f.until.Sub(now))
	}
	if f := l.byName[name]; f.locked(now) {
		if _, ok := l.known[name][addr]; !ok {
			return locked(f.until.Sub(now))
		}
	}
	return nil
}

// failed records a failed sign-in; real says whether name is a provisioned user or
// admin (only those get the name-wide backstop). It returns the answer to give.
func (l *lockout) failed(name, addr string, real bool, now time.Time) *apiError {
	track := func(m map[string]*failures, key string, threshold int) *failures {
		f := m[key]
		if f == nil {
			if len(m) >= maxTracked {
				evict(m, now)
			}
			f = &failures{}
			m[key] = f
		}
		f.fail(now, threshold)
		return f
	}
	na := track(l.byNameAddr, nameAddr(name, addr), lockAfter)
	ad := track(l.byAddr, addr, addrLockAfter)
	if real {
		track(l.byName, name, nameLockAfter)
	}
	switch {
	case na.locked(now):
		return locked(na.until.Sub(now))
	case ad.locked(now):
		return locked(ad.until.Sub(now))
	}
	return errBadCredentials
}

// succeeded clears name's failures from addr and remembers addr as one of name's own.
func (l *lockout) succeeded(name, addr string, now time.Time) {
	delete(l.byNameAddr, nameAddr(name, addr))
	k := l.known[name]
	if k == nil {
		if len(l.known) >= maxKnownNames {
			for n := range l.known { // any one: a remembered address is a convenience
				delete(l.known, n)
				break
			}
		}
		k = map[string]time.Time{}
		l.known[name] = k
	}
	if _, ok := k[addr]; !ok && len(k) >= knownPerName {
		oldest, at := "", now
		for a, t := range k {
			if t.Before(at) {
				oldest, at = a, t
			}
		}
		delete(k, oldest)
	}
	k[addr] = now
}

// evict makes room in a full table, a tenth of it at a time (so a flood costs O(1) per
// failure on average): expired locks and forgotten counts first, then the least
// recently failed unlocked entries, and only when every entry is locked the locks that
// end first.
func evict(m map[string]*failures, now time.Time) {
	target := maxTracked * 9 / 10
	var unlocked, lockedKeys []string
	for k, f := range m {
		switch {
		case f.locked(now):
			lockedKeys = append(lockedKeys, k)
		case f.until.After(f.last) || now.Sub(f.last) > forgetFailures:
			delete(m, k) // its lock ran out, or nobody failed for a day
		default:
			unlocked = append(unlocked, k)
		}
	}
	drop := func(keys []string, by func(*failures) time.Time) {
		slices.SortFunc(keys, func(a, b string) int { return by(m[a]).Compare(by(m[b])) })
		for _, k := range keys {
			if len(m) <= target {
				return
			}
			delete(m, k)
		}
	}
	drop(unlocked, func(f *failures) time.Time { return f.last })
	drop(lockedKeys, func(f *failures) time.Time { return f.until })
}

func locked(d time.Duration) *apiError {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	e := errorf(http.StatusTooManyRequests, "locked", "", "too many failed sign-ins: try again in %d s", secs)
	e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}
