package app

import "testing"

// TestMetricLabelsAreClosedSets: record text with names, numbers, contexts and error
// messages in it becomes its class, and text nobody listed becomes "other": the number
// of series stays bounded whatever calls do.
func TestMetricLabelsAreClosedSets(t *testing.T) {
	for _, c := range []struct {
		text    string
		classes map[string]bool
		want    string
	}{
		{"retrieve by 1001 (API)", stepClasses, "retrieve"},
		{"bridge by 1002 (API)", stepClasses, "bridge"},
		{"transferred by 1002 to 2000@from-internal", stepClasses, "transferred"},
		{"attended transfer by 1002 to Local/_attended@transfer", stepClasses, "attended-transfer"},
		{"retrieved by 1001", stepClasses, "retrieved"},
		{"answered after push", stepClasses, "answered-after-push"},
		{"pushed", stepClasses, "pushed"},
		{"retrieve-ish by 1001", stepClasses, "other"},
		{"failed", endClasses, "failed"},
		{"assistant-hung-up", endClasses, "assistant-hung-up"},
		{"1002 (assistant) hung up", endClasses, "other"},
		{"", endClasses, "none"},
		{"filtering_on", decisionClasses, "filtering_on"},
		{"filtered", decisionClasses, "filtered"},
		{"filtered", outcomeClasses, "other"},
		{"rollover:voice-messaging", outcomeClasses, "rollover:voice-messaging"},
		{"rollover:forward-failed:voice-messaging", outcomeClasses, "rollover:forward-failed:voice-messaging"},
		{"caller-hung-up", outcomeClasses, "caller-hung-up"},
		{"\x1b[2J evil label", outcomeClasses, "other"},
		{"", decisionClasses, "none"},
	} {
		if got := labelClass(c.text, c.classes); got != c.want {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
}
