package api

import (
	"reflect"
	"strings"
)

// openAPI is the OpenAPI 3.0 document of routes(): one source for the mux and the
// document, so the document cannot drift from what is served.
func openAPI() map[string]any {
	paths := map[string]map[string]any{}
	schemas := map[string]any{}
	for _, rt := range routes() {
		op := map[string]any{"summary": rt.summary}
		if !rt.public {
			op["security"] = []map[string][]string{{"bearer": {}}, {"cookie": {}}}
		}
		var params []map[string]any
		for _, seg := range strings.Split(rt.pattern, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				params = append(params, map[string]any{"name": name, "in": "path", "required": true,
					"schema": map[string]string{"type": "string"}, "description": "an extension, or me"})
			}
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.body, schemas)}}}
		}
		resp := map[string]any{"description": "OK"}
		if rt.resp != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": ref(rt.resp, schemas)}}
		}
		op["responses"] = map[string]any{"200": resp, "default": map[string]any{"description": "error",
			"content": map[string]any{"application/json": map[string]any{"schema": ref(errorBody{}, schemas)}}}}
		if paths[rt.pattern] == nil {
			paths[rt.pattern] = map[string]any{}
		}
		paths[rt.pattern][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]string{"title": "execassist self-service API", "version": "1"},
		"paths":   paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{
			"bearer": map[string]string{"type": "http", "scheme": "bearer"},
			"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": cookieName}}},
	}
}

func ref(v any, schemas map[string]any) map[string]any {
	t := reflect.TypeOf(v)
	name := t.Name()
	if _, ok := schemas[name]; !ok {
		schemas[name] = nil // break cycles
		schemas[name] = schemaOf(t, schemas)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		if t.PkgPath() == "time" {
			return map[string]any{"type": "string", "format": "date-time"}
		}
		if t.Name() != "" && len(schemas) > 0 {
			if _, ok := schemas[t.Name()]; !ok && t.Name() != "" {
				return ref(reflect.New(t).Elem().Interface(), schemas)
			}
		}
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type, schemas)
		}
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}
