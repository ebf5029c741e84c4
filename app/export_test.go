package app

import "time"

// SetResyncGrace shortens the orphan grace period for tests.
func SetResyncGrace(d time.Duration) { resyncGrace = d }
