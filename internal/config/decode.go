package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/execassist/execassist/internal/safetext"
	"go.yaml.in/yaml/v3"
)

// Source remembers where each field path was in the file, so that validation errors
// found after decoding can still name a line.
type Source struct {
	File  string
	lines map[string]int
}

// Line returns the line of path, or of its nearest ancestor that has one.
func (s *Source) Line(path string) int {
	if s == nil {
		return 0
	}
	for p := path; p != ""; {
		if l, ok := s.lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0
}

// Limits that keep a hostile or broken file from costing more than a large real one
// (10,000 users fit in well under a megabyte): a file is read only up to MaxFileSize, and
// aliases may add at most MaxAliasNodes decoded nodes to what the file spells out, so a
// few kilobytes of nested aliases (an "alias bomb") cannot expand to gigabytes.
const (
	MaxFileSize   = 4 << 20
	MaxAliasNodes = 100_000
)

// Parse decodes YAML strictly: unknown keys (with a did-you-mean), wrong types and
// duplicate keys are errors. It does not check values; Validate does.
func Parse(file string, data []byte) (*Config, *Source, error) {
	cfg, src, errs := parse(file, data)
	if len(errs) > 0 {
		return nil, src, errs
	}
	return cfg, src, nil
}

// parse decodes what it can: with type or unknown-key errors it still returns the rest
// of the configuration (nil only when the file is not YAML at all), so that Load can
// validate it and report every problem in one pass.
func parse(file string, data []byte) (*Config, *Source, Errors) {
	src := &Source{File: file, lines: map[string]int{}}
	if len(data) > MaxFileSize {
		return nil, src, Errors{{File: file, Msg: fmt.Sprintf("file is %d bytes, larger than the %d bytes a configuration may have", len(data), MaxFileSize)}}
	}
	if errs := invalidUTF8(file, data); len(errs) > 0 {
		return nil, src, errs
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, src, Errors{syntaxError(file, data, err)}
	}
	cfg := &Config{}
	if root.Kind == 0 || len(root.Content) == 0 {
		return cfg, src, nil
	}
	d := &decoder{src: src, errs: errorList{file: file}}
	d.decode(root.Content[0], "", reflect.ValueOf(cfg).Elem())
	cfg.ARI.Password = expandEnv(cfg.ARI.Password)
	cfg.ARI.Username = expandEnv(cfg.ARI.Username)
	cfg.ARI.URL = expandEnv(cfg.ARI.URL)
	cfg.Store.Password = expandEnv(cfg.Store.Password)
	cfg.Store.Username = expandEnv(cfg.Store.Username)
	if d.stopped {
		return nil, src, d.errs.result()
	}
	return cfg, src, d.errs.result()
}

// invalidUTF8 names each line holding bytes that are not UTF-8 (YAML must be), with
// the column of the first bad byte: the YAML library only says "invalid leading UTF-8
// octet" without a line.
func invalidUTF8(file string, data []byte) Errors {
	if utf8.Valid(data) {
		return nil
	}
	var l errorList
	l.file = file
	for i, line := range bytes.Split(data, []byte("\n")) {
		if utf8.Valid(line) {
			continue
		}
		col := 0
		for col < len(line) {
			r, size := utf8.DecodeRune(line[col:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			col += size
		}
		l.add(FieldError{File: file, Line: i + 1, Msg: fmt.Sprintf("column %d: byte 0x%02x is not UTF-8 (save the file as UTF-8)", col+1, line[col])})
	}
	return l.result()
}

// ParseFile reads and parses a file.
func ParseFile(file string) (*Config, *Source, error) {
	data, err := ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	return Parse(file, data)
}

// ReadFile reads a configuration file, refusing one larger than MaxFileSize before
// reading it whole (a device or a huge file costs no more than the limit).
func ReadFile(file string) ([]byte, error) {
	// Non-blocking: opening a FIFO would otherwise wait for a writer for ever (and wedge
	// every later SIGHUP reload); a regular file reads as usual.
	f, err := os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("is not a regular file (%s): a configuration must be a file", fi.Mode().Type())}}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("file is larger than the %d bytes a configuration may have", MaxFileSize)}}
	}
	return data, nil
}

// Load parses and validates a file: what `config check` and `config import` run.
func Load(file string) (*Config, error) {
	data, err := ReadFile(file)
	if err != nil {
		return nil, err
	}
	return LoadBytes(file, data)
}

// LoadBytes parses and validates data read from file, reporting type, unknown-key and
// validation problems together, in file order: an admin fixes a file in one pass. A
// value that did not decode is not also reported as missing or invalid.
func LoadBytes(file string, data []byte) (*Config, error) {
	cfg, src, errs := parse(file, data)
	if cfg == nil {
		return nil, errs
	}
	l := errorList{file: file}
	for _, e := range errs {
		l.add(e)
	}
	for _, e := range Validate(cfg, src) {
		if !coveredBy(e.Path, errs) {
			l.add(e)
		}
	}
	if out := l.result(); len(out) > 0 {
		return nil, out
	}
	return cfg, nil
}

// coveredBy: a decode error at path (or above it: a mapping that did not decode)
// already explains a validation problem there.
func coveredBy(path string, errs Errors) bool {
	for _, e := range errs {
		if e.Path == "" {
			continue
		}
		if path == e.Path || strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") {
			return true
		}
	}
	return false
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment's value: secrets stay out of files.
func expandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// parserProblems are the YAML parser's (not scanner's) problems, and what each means to
// someone editing the file. yaml.v3 reports a parser error at the line before the one
// where the unfinished list or mapping starts (it prints a 0-based line there), or,
// when that is line 1, the 0-based line where it noticed: syntaxError puts it right.
var parserProblems = map[string]string{
	"did not find expected ',' or ']'":    "a [ list ] that starts on this line is not closed",
	"did not find expected ',' or '}'":    "a { mapping } that starts on this line is not closed",
	"did not find expected '-' indicator": "in the list that starts on this line, a line further down is not indented like its items",
	"did not find expected key":           "in the mapping that starts on this line, a line further down is indented wrongly",
	"did not find expected node content":  "a value is missing",
	"found undefined tag handle":          "an undefined ! tag",
}

func syntaxError(file string, data []byte, err error) FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	meaning, parser := parserProblems[msg]
	if !parser {
		return FieldError{File: file, Line: line, Msg: "malformed YAML: " + msg}
	}
	return FieldError{File: file, Line: constructLine(data, line+1, msg), Msg: "malformed YAML: " + meaning + " (" + msg + ")"}
}

// constructLine chooses between the two lines a parser error can mean: the line where
// the unfinished construct starts (guess) or line 1. For an unclosed bracket it is the
// one with the bracket; for anything else, line 1 when guess is past the end.
func constructLine(data []byte, guess int, problem string) int {
	lines := strings.Split(string(data), "\n")
	has := func(n int, s string) bool { return n >= 1 && n <= len(lines) && strings.Contains(lines[n-1], s) }
	for _, b := range []struct{ problem, open string }{{"did not find expected ',' or ']'", "["}, {"did not find expected ',' or '}'", "{"}} {
		if problem == b.problem && !has(guess, b.open) && has(1, b.open) {
			return 1
		}
	}
	if guess > len(lines) {
		return 1
	}
	return guess
}

type decoder struct {
	src  *Source
	errs errorList
	// viaAlias counts nodes decoded while inside an alias; past MaxAliasNodes the decoder
	// reports the bomb once and stops.
	aliasDepth int
	viaAlias   int
	stopped    bool
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs.add(FieldError{File: d.src.File, Line: n.Line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var (
	durationType = reflect.TypeOf(Duration(0))
	storeType    = reflect.TypeOf(Store{})
)

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names what a node is, for "expected X, got Y". The value of a secret
// (password, token, ...) is never echoed, only its kind.
func describe(n *yaml.Node, path string) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if safetext.SecretName(path) {
		return "a " + strings.TrimPrefix(n.ShortTag(), "!!") + " value (not shown: a secret)"
	}
	return strconv.Quote(safetext.Escape(n.Value))
}

func (d *decoder) decode(n *yaml.Node, path string, v reflect.Value) {
	if d.stopped {
		return
	}
	if d.aliasDepth > 0 {
		if d.viaAlias++; d.viaAlias > MaxAliasNodes {
			d.fail(n, path, "aliases expand to more than %d nodes; decoding stopped (an alias bomb?)", MaxAliasNodes)
			d.stopped = true
			return
		}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		d.aliasDepth++
		defer func() { d.aliasDepth-- }()
		n = n.Alias
	}
	if path != "" {
		if _, seen := d.src.lines[path]; !seen {
			d.src.lines[path] = n.Line
		}
	}
	if v.Type() == durationType {
		d.decodeDuration(n, path, v)
		return
	}
	if v.Type() == storeType && n.Kind == yaml.ScalarNode {
		d.decode(n, path, v.FieldByName("Path")) // `store: /path/x.db`, the bbolt file
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, path, p.Elem())
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, path, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "expected a list, got %s", describe(n, path))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "expected a mapping, got %s", describe(n, path))
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				d.fail(k, join(path, k.Value), "duplicate key %q", k.Value)
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, join(path, k.Value), e)
			m.SetMapIndex(reflect.ValueOf(k.Value), e)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!timestamp") {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			d.fail(n, path, "expected a string, got %s", describe(n, path))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(n, path, "expected true or false, got %s", describe(n, path))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
			d.fail(n, path, "expected a whole number, got %s", describe(n, path))
			return
		}
		v.SetInt(int64(i))
	default:
		d.fail(n, path, "unsupported field type %s", v.Type())
	}
}

func (d *decoder) decodeDuration(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		secs, err := strconv.Atoi(n.Value)
		if err == nil {
			v.SetInt(int64(time.Duration(secs) * time.Second))
			return
		}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if dur, err := time.ParseDuration(n.Value); err == nil {
			v.SetInt(int64(dur))
			return
		}
	}
	d.fail(n, path, "expected a duration such as 30s or 2m, got %s", describe(n, path))
}

// fieldsOf maps YAML keys to field indexes, descending into `yaml:",inline"` structs.
func fieldsOf(t reflect.Type) (map[string][]int, []string) {
	out := map[string][]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			sub, subNames := fieldsOf(f.Type)
			for k, idx := range sub {
				out[k] = append([]int{i}, idx...)
			}
			names = append(names, subNames...)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		out[name] = []int{i}
		names = append(names, name)
	}
	return out, names
}

func (d *decoder) decodeStruct(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping, got %s", describe(n, path))
		return
	}
	fields, names := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		if seen[k.Value] {
			d.fail(k, p, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		if !ok {
			if s := didYouMean(k.Value, names); s != "" {
				d.fail(k, p, "unknown field %q (did you mean %q?)", k.Value, s)
			} else {
				d.fail(k, p, "unknown field %q; known fields: %s", k.Value, strings.Join(names, ", "))
			}
			continue
		}
		d.decode(val, p, v.FieldByIndex(idx))
	}
}
