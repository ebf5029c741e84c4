package config

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

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

// Parse decodes YAML strictly: unknown keys (with a did-you-mean), wrong types and
// duplicate keys are errors. It does not check values; Validate does.
func Parse(file string, data []byte) (*Config, *Source, error) {
	src := &Source{File: file, lines: map[string]int{}}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, src, Errors{syntaxError(file, err)}
	}
	cfg := &Config{}
	if root.Kind == 0 || len(root.Content) == 0 {
		return cfg, src, nil
	}
	d := &decoder{src: src}
	d.decode(root.Content[0], "", reflect.ValueOf(cfg).Elem())
	if len(d.errs) > 0 {
		return nil, src, d.errs.sorted()
	}
	cfg.ARI.Password = expandEnv(cfg.ARI.Password)
	cfg.ARI.Username = expandEnv(cfg.ARI.Username)
	cfg.ARI.URL = expandEnv(cfg.ARI.URL)
	return cfg, src, nil
}

// ParseFile reads and parses a file.
func ParseFile(file string) (*Config, *Source, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	return Parse(file, data)
}

// Load parses and validates a file: what `config check` and `config import` run.
func Load(file string) (*Config, error) {
	cfg, src, err := ParseFile(file)
	if err != nil {
		return nil, err
	}
	if errs := Validate(cfg, src); len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} with the environment's value: secrets stay out of files.
func expandEnv(s string) string {
	return envRef.ReplaceAllStringFunc(s, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

func syntaxError(file string, err error) FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return FieldError{File: file, Line: line, Msg: "malformed YAML: " + m[2]}
	}
	return FieldError{File: file, Msg: "malformed YAML: " + msg}
}

type decoder struct {
	src  *Source
	errs Errors
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, FieldError{File: d.src.File, Line: n.Line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var durationType = reflect.TypeOf(Duration(0))

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func (d *decoder) decode(n *yaml.Node, path string, v reflect.Value) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
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
			d.fail(n, path, "expected a list, got %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "expected a mapping, got %s", describe(n))
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
			d.fail(n, path, "expected a string, got %s", describe(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(n, path, "expected true or false, got %s", describe(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil {
			d.fail(n, path, "expected a whole number, got %s", describe(n))
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
	d.fail(n, path, "expected a duration such as 30s or 2m, got %s", describe(n))
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
		d.fail(n, path, "expected a mapping, got %s", describe(n))
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
