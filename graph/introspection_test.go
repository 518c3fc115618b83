package graph_test

import (
	"strings"
	"testing"
)

// TestIntrospectionDescriptions checks that every type, field, argument, input field and enum value
// of the schema carries a description, so that the playground documents the whole API.
func TestIntrospectionDescriptions(t *testing.T) {
	a := mustAPI(t)
	type named struct {
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	var got struct {
		Schema struct {
			Types []struct {
				named
				Kind   string `json:"kind"`
				Fields []struct {
					named
					Args []named `json:"args"`
				} `json:"fields"`
				InputFields []named `json:"inputFields"`
				EnumValues  []named `json:"enumValues"`
			} `json:"types"`
		} `json:"__schema"`
	}
	a.query(`{ __schema { types { kind name description
		fields { name description args { name description } }
		inputFields { name description }
		enumValues { name description } } } }`, nil, &got)
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	var missing []string
	for _, ty := range got.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || builtin[ty.Name] {
			continue
		}
		if ty.Description == "" {
			missing = append(missing, ty.Name)
		}
		for _, f := range ty.Fields {
			if f.Description == "" {
				missing = append(missing, ty.Name+"."+f.Name)
			}
			for _, arg := range f.Args {
				if arg.Description == "" {
					missing = append(missing, ty.Name+"."+f.Name+"("+arg.Name+")")
				}
			}
		}
		for _, f := range ty.InputFields {
			if f.Description == "" {
				missing = append(missing, ty.Name+"."+f.Name)
			}
		}
		for _, v := range ty.EnumValues {
			if v.Description == "" {
				missing = append(missing, ty.Name+"."+v.Name)
			}
		}
	}
	if len(got.Schema.Types) < 40 {
		t.Fatalf("introspection returned %d types, want the whole schema", len(got.Schema.Types))
	}
	if len(missing) > 0 {
		t.Errorf("%d schema elements have no description: %s", len(missing), strings.Join(missing, ", "))
	}
}
