package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/execassist/execassist/internal/config"
)

// TestAnnSetsErinInAMeetingAndErinChoosesVoicemailWhenAway: Ann picks "In a meeting
// for 30 min" next to Erin on her console; both consoles show "In a meeting until …";
// Erin's settings say what calls do meanwhile, and she sends them to voicemail while out
// of office.
func TestAnnSetsErinInAMeetingAndErinChoosesVoicemailWhenAway(t *testing.T) {
	w := world(t)
	ann, erin := browser(t), browser(t)
	signIn(t, ann, w, "1002")
	signIn(t, erin, w, "1001")
	picker := `#exec-strip [data-exec="1001"] select#status-1001`
	run(t, ann, "in a meeting for 30 minutes", chromedp.WaitVisible(picker, chromedp.ByQuery),
		// One script: the strip may be drawn again between two steps (a phone's state).
		chromedp.Evaluate(`{const s = document.querySelector('`+picker+`'); s.value = "IN_A_MEETING/30"; s.dispatchEvent(new Event("change"))}`, nil))
	var badge string
	for _, ctx := range []struct {
		name string
		b    context.Context
	}{{"Ann", ann}, {"Erin", erin}} {
		// One script reads the badge as it is drawn (the strip is drawn again on changes).
		run(t, ctx.b, ctx.name+" sees the status", chromedp.Poll(`(() => {
			const b = document.querySelector('#exec-strip [data-exec="1001"] .badge[data-status="in-a-meeting"]');
			return b && b.textContent ? b.textContent : null;
		})()`, &badge))
		if !strings.HasPrefix(badge, "In a meeting until ") {
			t.Errorf("%s's badge: %q", ctx.name, badge)
		}
	}
	a := w.Store.Snapshot().Runtime.AvailabilityAt("1001", time.Now())
	if a.Status != config.InAMeeting || a.Until == nil || time.Until(*a.Until) < 29*time.Minute || time.Until(*a.Until) > 31*time.Minute {
		t.Fatalf("stored %+v", a)
	}

	form := `#availability`
	run(t, erin, "voicemail while out of office", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(form+" #avail-OUT_OF_OFFICE", chromedp.ByQuery),
		chromedp.SetValue(form+" #avail-OUT_OF_OFFICE", "VOICEMAIL", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+form+`').dispatchEvent(new Event("change"))`, nil),
		chromedp.Click(form+" button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible(form+" .status.ok", chromedp.ByQuery))
	snap := w.Store.Snapshot()
	if act := snap.Config.ExecutiveSettings(snap.Config.User("1001")).AvailabilityActions[config.OutOfOffice]; act.Action != "voicemail" {
		t.Fatalf("stored action %+v", act)
	}
}
