package app

import "strings"

// Metric labels come from closed sets: a journal entry's words name who retrieved a
// call, where a transfer went or what failed, and as labels each would start a new time
// series for ever. labelClass keeps the leading words of a decision or outcome when they
// are one of the known classes and says "other" for anything else.
var (
	decisionClasses = classes("normal", "filtered", "adopted", "availability",
		// feature codes (config.Codes' keys)
		"filtering_on", "filtering_off", "push", "retrieve", "bridge", "initiate", "opt_in", "opt_out", "e164", "voicemail", "intercom", "availability")
	outcomeClasses = classes("answered", "continued", "overload:continued", "caller-hung-up", "refused", "initiated",
		"rollover:voice-messaging", "rollover:forward", "rollover:no-answer-processing",
		"rollover:forward-failed:voice-messaging", "bridge-failed:continued",
		"availability:voicemail", "availability:forward", "availability:forward-failed:voice-messaging",
		"filtering-on", "filtering-off", "opted-in", "opted-out", "pushed", "retrieve", "bridge", "take", "join", "sent-to-voicemail", "intercom", "intercom:no-answer",
		"available", "status-set")
	// stepClasses: what can happen to an answered call (its record's steps).
	stepClasses = classes("pushed", "retrieved", "retrieve", "bridged", "bridge", "transferred", "attended-transfer",
		"answered-after-push", "recalled", "held", "resumed", "answered-from-the-console")
	kindClasses = classes("call", "fac", "adopted")
	// endClasses: who or what ended an answered call.
	endClasses = classes("caller-hung-up", "assistant-hung-up", "executive-hung-up", "forward-hung-up",
		"transfer-target-hung-up", "remote-hung-up", "party-hung-up", "console-hung-up", "sent-to-voicemail", "failed")
)

func classes(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// labelClass reduces journal text to its class: the words before " by ", " (", ": "
// or " to ", spaces as dashes ("retrieve by 1001 (API)" is retrieve, "failed: internal
// error: x" is failed); unknown text is "other", empty text "none".
func labelClass(text string, known map[string]bool) string {
	if text == "" {
		return "none"
	}
	if known[text] {
		return text
	}
	head := text
	for _, sep := range []string{" by ", " (", ": ", " to "} {
		if i := strings.Index(head, sep); i >= 0 {
			head = head[:i]
		}
	}
	head = strings.ReplaceAll(strings.TrimSuffix(head, ":"), " ", "-")
	if known[head] {
		return head
	}
	return "other"
}
