package app

import "time"

// SetResyncGrace shortens the orphan grace period for tests.
func SetResyncGrace(d time.Duration) { resyncGrace = d }

// SetAlertedHook runs f in the call session once its legs ring (tests inject panics).
func SetAlertedHook(f func(exec string)) { testHookAlerted = f }
