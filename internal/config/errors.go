package config

import (
	"fmt"
	"sort"
	"strings"
)

// FieldError is one problem in a config file, located as precisely as we can: the admin
// gets file, line and the field path (users[2].executive.alerting.mode).
type FieldError struct {
	File string
	Line int
	Path string
	Msg  string
}

// Error renders file:line: path: message, the form editors and CI logs link to.
func (e FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order.
type Errors []FieldError

// Error lists every problem, one per line, so an admin fixes them in one pass.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// MaxErrors is how many problems one check reports; the rest are counted, not listed, so
// a broken or hostile file cannot flood a terminal or a log.
const MaxErrors = 100

// errorList collects up to MaxErrors problems and counts the others.
type errorList struct {
	file    string
	errs    Errors
	omitted int
}

func (l *errorList) add(e FieldError) {
	if len(l.errs) >= MaxErrors {
		l.omitted++
		return
	}
	l.errs = append(l.errs, e)
}

// result is the problems in file order, with a last line counting those left out.
func (l *errorList) result() Errors {
	if len(l.errs) == 0 {
		return nil
	}
	out := l.errs.sorted()
	if l.omitted > 0 {
		out = append(out, FieldError{File: l.file, Msg: fmt.Sprintf("%d more problems not shown (only the first %d are listed)", l.omitted, MaxErrors)})
	}
	return out
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Path < es[j].Path
	})
	return es
}

// didYouMean returns the closest candidate, if it is close enough to be a typo.
func didYouMean(key string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(key), c); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(key)/3) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
