package demo

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTheExecutiveChoosesToRingFirst: Erin picks "First, then the assistants too" on
// her alerting card (the seconds field appears only then) and saves; the next call
// rings her phone alone.
func TestTheExecutiveChoosesToRingFirst(t *testing.T) {
	w := world(t)
	erin := browser(t)
	signIn(t, erin, w, "1001")
	alert := `form[data-path="/v1/people/1001/executive/alert"]`
	id := func(key string) string {
		return alert + " #" + strings.ReplaceAll("-v1-people-1001-executive-alert-"+key, "/", "-")
	}
	var hidden bool
	run(t, erin, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible(id("executiveAlerting"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+id("executiveFirstInSecs")+`').closest(".field").hidden`, &hidden))
	if !hidden {
		t.Error("the seconds are shown while the executive's phone does not ring first")
	}
	run(t, erin, "ring first", chromedp.SetValue(id("executiveAlerting"), "FIRST", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+alert+`').dispatchEvent(new Event("change"))`, nil),
		chromedp.WaitVisible(id("executiveFirstInSecs"), chromedp.ByQuery),
		chromedp.Click(alert+" button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible(alert+" .status.ok", chromedp.ByQuery))
	snap := w.Store.Snapshot()
	if e := snap.Config.ExecutiveSettings(snap.Config.User("1001")); e.ExecutiveAlerting != "first" {
		t.Fatalf("stored %q", e.ExecutiveAlerting)
	}
	w.Call("1001", "Bob Caller", "+15550001111")
	ringingLeg(t, w, "PJSIP/1001")
	if legs := w.Fake.ChannelsOn("PJSIP/1002"); len(legs) != 0 {
		t.Errorf("Ann's phone rang with Erin's first: %v", legs)
	}
}
