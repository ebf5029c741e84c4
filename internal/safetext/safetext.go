// Package safetext makes untrusted or secret-bearing text safe to show: caller names and
// numbers come from the outside world and may carry terminal escape sequences, and URLs
// or fields from a config file may carry passwords. Every human-readable output (CLI
// tables, explain, console logs) and every error that echoes a value goes through here.
package safetext

import (
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every control character (C0, DEL, C1, and the Unicode bidi
// overrides that reorder what a terminal shows) written as a Go escape, and invalid
// UTF-8 as \x.., so that a caller ID cannot clear a screen, move the cursor or forge
// table rows. Printable text, including non-ASCII names, is unchanged.
func Escape(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			return !hasUnsafe(s)
		}
	}
	return true
}

// Unsafe reports whether s holds what Escape rewrites: control characters (NUL, ESC,
// line breaks ...), Unicode bidi overrides and line separators, or invalid UTF-8. A name
// a user sets with any of them is refused: it would forge text wherever it is shown.
func Unsafe(s string) bool { return hasUnsafe(s) }

func hasUnsafe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			return true
		}
	}
	return false
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// URL returns u with any password replaced by "xxxxx" (url.URL.Redacted), so that an ARI
// URL written as http://user:secret@host/ari can be logged and echoed in errors. Text
// that does not parse as a URL is returned with anything between "//" and "@" hidden.
func URL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return Escape(p.Redacted())
	}
	if i := strings.Index(u, "//"); i >= 0 {
		if j := strings.LastIndex(u, "@"); j > i {
			return Escape(u[:i+2] + "xxxxx" + u[j:])
		}
	}
	return Escape(u)
}

// SecretName reports whether a field or key name (the last segment of a path such as
// ari.password or users[0].secret_hash) holds a secret whose value must never be shown.
func SecretName(path string) bool {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		path = path[i+1:]
	}
	words := strings.FieldsFunc(strings.ToLower(path), func(r rune) bool { return r < 'a' || r > 'z' })
	for _, w := range words {
		switch w {
		case "password", "passwd", "passphrase", "secret", "token", "pin", "hash", "key", "apikey", "credentials":
			return true
		}
	}
	return false
}

// Writer escapes control characters in everything written through it, except the
// newlines and tabs that the program's own layout uses: a guard behind the field-level
// Escape for whole outputs (explain, calls, status), so that a field someone forgot to
// escape still cannot reach the terminal as an escape sequence.
type Writer struct {
	w       io.Writer
	pending []byte // an incomplete UTF-8 sequence at the end of the last Write
}

// NewWriter guards w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and passes it on; it reports len(p) when the whole was written.
func (g *Writer) Write(p []byte) (int, error) {
	buf := append(g.pending, p...)
	g.pending = nil
	// Keep a trailing partial rune for the next Write instead of escaping it as invalid.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				g.pending = append([]byte(nil), buf[i:]...)
				buf = buf[:i]
			}
			break
		}
	}
	var out strings.Builder
	for len(buf) > 0 {
		i := 0
		for i < len(buf) && buf[i] != '\n' && buf[i] != '\t' {
			i++
		}
		out.WriteString(Escape(string(buf[:i])))
		if i < len(buf) {
			out.WriteByte(buf[i])
			i++
		}
		buf = buf[i:]
	}
	if _, err := io.WriteString(g.w, out.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}
