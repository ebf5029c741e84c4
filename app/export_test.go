package app

// SetPhaseHook runs f in the call session when a call reaches a phase: alerted,
// answered, pushed, bridged (tests inject panics).
func SetPhaseHook(f func(phase, exec string)) { testHookPhase = f }
