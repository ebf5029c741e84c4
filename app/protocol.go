package app

// The conventions execassist shares with Asterisk's dialplan and with itself across a
// restart. Changing one breaks calls in flight or the adoption of answered calls.
const (
	// Stasis arguments: Stasis(execassist,exec,<extension>) hands a call to an
	// executive; Stasis(execassist,fac,<digits>) a feature access code; our own legs
	// enter with leg,<session id> so their StasisStart finds the call that created them.
	argExec = "exec"
	argFAC  = "fac"
	argLeg  = "leg"
	// bridgePrefix names every bridge execassist creates (execassist-<caller channel>):
	// after a restart, bridges with this prefix are answered calls to adopt.
	bridgePrefix = "execassist-"
)

// legArgs are the Stasis arguments of a leg created by session id.
func legArgs(sessionID string) string { return argLeg + "," + sessionID }
