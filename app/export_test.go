package app

// SetAlertedHook runs f in the call session once its legs ring (tests inject panics).
func SetAlertedHook(f func(exec string)) { testHookAlerted = f }
