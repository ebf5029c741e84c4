package page

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	Handler().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

// TestServesThePageWithAStrictPolicy: the page and its files come from the binary with
// their types and a Content Security Policy that allows nothing from elsewhere; anything
// else is 404.
func TestServesThePageWithAStrictPolicy(t *testing.T) {
	for path, typ := range map[string]string{"/": "text/html", "/page/app.js": "text/javascript", "/page/i18n.js": "text/javascript", "/page/style.css": "text/css"} {
		w := get(t, path)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), typ) {
			t.Errorf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
	for _, path := range []string{"/page/page.go", "/page/..%2fpage.go", "/page/", "/index.html", "/page/screenshots"} {
		if w := get(t, path); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, w.Code)
		}
	}
	if body := get(t, "/").Body.String(); strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the page loads something from another origin")
	}
}

// TestEveryWordIsInTheEnglishDictionary: every t("key") of the script, every field and
// option it labels through t(), and every data-t of the HTML has an English text, so no
// raw key ever shows.
func TestEveryWordIsInTheEnglishDictionary(t *testing.T) {
	js, _ := files.ReadFile("app.js")
	html, _ := files.ReadFile("index.html")
	dict, _ := files.ReadFile("i18n.js")
	en := string(dict)
	en = en[strings.Index(en, "en: {"):strings.Index(en, "window.t =")]
	have := map[string]bool{}
	for _, m := range regexp.MustCompile(`(\w+): "`).FindAllStringSubmatch(en, -1) {
		have[m[1]] = true
	}
	need := map[string]bool{}
	for _, re := range []string{`\bt\("(\w+)"`, `key: "(\w+)"`, `labelKey: "(\w+)"`} {
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(string(js), -1) {
			need[m[1]] = true
		}
	}
	for _, m := range regexp.MustCompile(`options: \[([^\]]*)\]`).FindAllStringSubmatch(string(js), -1) {
		for _, o := range regexp.MustCompile(`"(\w+)"`).FindAllStringSubmatch(m[1], -1) {
			need[o[1]] = true
		}
	}
	for _, m := range regexp.MustCompile(`data-t="(\w+)"`).FindAllStringSubmatch(string(html), -1) {
		need[m[1]] = true
	}
	if len(need) < 50 {
		t.Fatalf("found only %d words: the patterns no longer match the script", len(need))
	}
	for k := range need {
		if !have[k] {
			t.Errorf("%q has no English text in i18n.js", k)
		}
	}
}
