// Package page is the web page people use: settings for executives and assistants and
// the live assistant console. It is plain HTML, CSS and JavaScript embedded in the
// binary (no CDN, no build step: it works offline on a PBX network) and talks only to
// the self-service API beside it.
package page

import (
	"embed"
	"net/http"
	"path"
)

//go:embed index.html app.js i18n.js style.css
var files embed.FS

// contentSecurityPolicy allows only the page's own files and API: no inline script, no
// other origin, no framing (a signed-in console cannot be clickjacked).
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the page at / and its files at /page/{file}.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { serve(w, r, "index.html") })
	mux.HandleFunc("GET /page/{file}", func(w http.ResponseWriter, r *http.Request) { serve(w, r, r.PathValue("file")) })
	return mux
}

var types = map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

func serve(w http.ResponseWriter, r *http.Request, name string) {
	b, err := files.ReadFile(name)
	if err != nil || name != path.Base(name) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", types[path.Ext(name)])
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(b)
}
