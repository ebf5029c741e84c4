package app_test

import (
	"strings"
	"testing"
)

// TestWithheldPermissionsRefuseTheFACsWithAnAnnouncement: Erin withholds placing calls,
// picking up her held calls and joining her calls from Alan; each #64 form he dials is
// refused with the not-allowed announcement and dials nothing, while Ann's is not.
func TestWithheldPermissionsRefuseTheFACsWithAnAnnouncement(t *testing.T) {
	h := newHarness(t, strings.Replace(baseYAML, "      allow_opt_in_out: true\n",
		"      allow_opt_in_out: true\n      assistant_permissions: {\"1003\": {place_calls: false, pick_up_held_calls: false, join_calls: false}}\n", 1))
	for _, digits := range []string{"#641001", "#6410011005", "#641001*11", "#641001*15"} {
		id := h.fac("PJSIP/1003", digits)
		h.finishFAC(id)
		if p := h.playedTo(id); len(p) != 1 || !strings.Contains(p[0], "feature-not-avail-line") {
			t.Errorf("%s from Alan's phone: played %v, want the not-allowed announcement", digits, p)
		}
	}
	for _, r := range h.fake.Requests() {
		if r.Method == "POST" && (r.Path == "/channels/create" || r.Path == "/channels") {
			t.Fatalf("a refused FAC dialled something: %s %s", r.Path, r.Query)
		}
	}
	h.settle()
}
