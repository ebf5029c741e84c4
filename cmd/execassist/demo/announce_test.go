package demo

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/execassist/execassist/internal/poll"
)

// TestTheExecutiveTurnsOnAnnouncedPushesAndAnnSeesItAnnounced: Erin ticks "Announce
// pushed calls" on her settings and saves; Ann answers the next call and pushes it from
// her console; Erin answers and, while she hears who it is, Ann's row says so; Erin presses
// 1 and Ann's row shows the call with her.
func TestTheExecutiveTurnsOnAnnouncedPushesAndAnnSeesItAnnounced(t *testing.T) {
	w := world(t)
	erin := browser(t)
	signIn(t, erin, w, "1001")
	form := `form[data-path="/v1/people/1001/executive/handOffs"]`
	box := form + ` #-v1-people-1001-executive-handOffs-announcePushEnabled`
	timeout := form + ` #-v1-people-1001-executive-handOffs-announcePushTimeoutInSecs`
	var hidden bool
	run(t, erin, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible(box, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('`+timeout+`').closest(".field").hidden`, &hidden))
	if !hidden {
		t.Error("the timeout is shown while announcing is off")
	}
	run(t, erin, "turn announcing on", chromedp.Click(box, chromedp.ByQuery), chromedp.WaitVisible(timeout, chromedp.ByQuery),
		chromedp.Click(form+` button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(form+` .status.ok`, chromedp.ByQuery))
	if a := w.Store.Snapshot().Runtime.Executives["1001"].AnnouncePush; a == nil || !*a.Enabled {
		t.Fatalf("saved, yet the store has %+v", a)
	}

	// A call that arrives now is handed off as the settings are now.
	ann := browser(t)
	signIn(t, ann, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	_ = w.Fake.Answer(ringingLeg(t, w, "PJSIP/1002"))

	answered := `#calls li[data-state="answered"] button[data-action="push"]`
	run(t, ann, "push", chromedp.WaitVisible(answered, chromedp.ByQuery), chromedp.Click(answered, chromedp.ByQuery))
	exec := ringingLeg(t, w, "PJSIP/1001")
	_ = w.Fake.Answer(exec)
	var said string
	// One script reads the row as it is drawn (the list is drawn again on every change).
	run(t, ann, "Ann sees Erin hearing who it is", chromedp.Poll(`(() => {
		const li = document.querySelector('#calls li[data-state="announced"]');
		return li && li.textContent.includes("hears who it is") ? li.textContent : null;
	})()`, &said))
	if !strings.Contains(said, "Erin Exec hears who it is") {
		t.Errorf("the row says %q", said)
	}
	if b := w.Fake.BridgeOf(exec); b != "" && b == w.Fake.BridgeOf(caller) {
		t.Fatal("Erin was connected before she chose")
	}
	_ = w.Fake.SendDTMF(exec, "1")
	run(t, ann, "Erin took it", chromedp.WaitVisible(`#calls li[data-state="executive"]`, chromedp.ByQuery))
	poll.Until(t, 0, "Erin connected to Bob", func() bool {
		b := w.Fake.BridgeOf(exec)
		return b != "" && b == w.Fake.BridgeOf(caller)
	})
}
