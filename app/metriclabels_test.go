package app

import "testing"

// TestMetricLabelsAreClosedSets: journal text with names, numbers, contexts and error
// messages in it becomes its class, and text nobody listed becomes "other": the number
// of series stays bounded whatever calls do.
func TestMetricLabelsAreClosedSets(t *testing.T) {
	for _, c := range []struct{ text, decision, outcome string }{
		{"retrieve by 1001 (API)", "retrieve", "retrieve"},
		{"bridge by 1002 (API)", "bridge", "bridge"},
		{"transferred by 1002 to 2000@from-internal", "transferred", "transferred"},
		{"attended transfer by 1002 to Local/_attended@transfer", "attended-transfer", "attended-transfer"},
		{"failed: internal error: ari POST /bridges: 500", "failed", "failed"},
		{"retrieved by 1001", "retrieved", "retrieved"},
		{"answered after push", "answered-after-push", "answered-after-push"},
		{"pushed", "pushed", "pushed"},
		{"filtering_on", "filtering_on", "other"},
		{"rollover:voice-messaging", "other", "rollover:voice-messaging"},
		{"rollover:forward-failed:voice-messaging", "other", "rollover:forward-failed:voice-messaging"},
		{"caller-hung-up", "other", "caller-hung-up"},
		{"filtered", "filtered", "other"},
		{"", "none", "none"},
		{"\x1b[2J evil label", "other", "other"},
		{"retrieve-ish by 1001", "other", "other"},
	} {
		if d := labelClass(c.text, decisionClasses); d != c.decision {
			t.Errorf("decision %q: %q, want %q", c.text, d, c.decision)
		}
		if o := labelClass(c.text, outcomeClasses); o != c.outcome {
			t.Errorf("outcome %q: %q, want %q", c.text, o, c.outcome)
		}
	}
}
