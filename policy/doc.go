// Package policy is the pure core of execassist: given a call, the provisioning, the
// runtime state and a time, it decides whether the call is filtered, whom to alert in
// which order, with which caller ID and Alert-Info, and what rollover does, and it
// records every reason on the way. No I/O: `execassist explain` and the call sessions
// run exactly the same code.
package policy
