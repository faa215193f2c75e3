package main

import (
	"testing"
)

func TestGoName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"userId": "UserID", "phoneCountryCode": "PhoneCountryCode", "list_users": "ListUsers",
		"userIds": "UserIDs", "sso_enabled": "SSOEnabled", "zh-CN": "ZhCn", "OIDCConfig": "OIDCConfig",
		"HTTPServer": "HTTPServer", "get_user_by_id": "GetUserByID", "mfaToken": "MFAToken", "2fa": "N2fa", "": "X",
	}
	for in, want := range tests {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModelGoNameDropsDtoUnlessTaken(t *testing.T) {
	t.Parallel()
	if got := modelGoName("UserPagingDto", map[string]bool{}); got != "UserPaging" {
		t.Errorf("got %q", got)
	}
	if got := modelGoName("UserDto", map[string]bool{"User": true}); got != "UserDto" {
		t.Errorf("collision: got %q", got)
	}
}

func TestParseType(t *testing.T) {
	t.Parallel()
	models := map[string]*apiModel{"UserDto": {Name: "UserDto"}}
	tests := []struct {
		in   string
		enum []string
		want string
	}{
		{"string", nil, "string"},
		{"number", nil, "number"},
		{"boolean", nil, "boolean"},
		{"any", nil, "any"},
		{"go:[]string", nil, "array(string)"},
		{"go:bool", nil, "boolean"},
		{"Array<UserDto>", nil, "array(model UserDto)"},
		{"enum<string>", []string{"a", "b"}, "enum[a b]"},
		{"enum<string>", nil, "string"},
		{`"user_id" | "phone"`, nil, "enum[user_id phone]"},
		{`Array<'OTP' | 'SMS'>`, nil, "array(enum[OTP SMS])"},
		{"string | null", nil, "nullable(string)"},
		{"(string | null)", nil, "nullable(string)"},
		{"(string | number)", nil, "union(string,number)"},
		{"(UserDto | string | Array<string>)", nil, "union(model UserDto,string,array(string))"},
		{"NoSuchModel", nil, "any"},
	}
	for _, tt := range tests {
		got, err := parseType(tt.in, tt.enum, models)
		if err != nil {
			t.Errorf("parseType(%q): %v", tt.in, err)
			continue
		}
		if s := describeType(got); s != tt.want {
			t.Errorf("parseType(%q) = %s, want %s", tt.in, s, tt.want)
		}
	}
	if _, err := parseType("null", nil, models); err == nil {
		t.Error("a bare null type must be an error")
	}
}

func TestRefineMakesPaginationIntegers(t *testing.T) {
	t.Parallel()
	num := &typeExpr{kind: kNumber}
	if refine(num, "limit").kind != kInteger || refine(num, "page").kind != kInteger {
		t.Error("page and limit must be integers")
	}
	if refine(num, "expiresIn").kind != kNumber {
		t.Error("other numbers stay numbers")
	}
}

func describeType(t *typeExpr) string {
	switch t.kind {
	case kString:
		return "string"
	case kNumber:
		return "number"
	case kInteger:
		return "integer"
	case kBoolean:
		return "boolean"
	case kModel:
		return "model " + t.model
	case kArray:
		return "array(" + describeType(t.elem) + ")"
	case kNullable:
		return "nullable(" + describeType(t.elem) + ")"
	case kEnum:
		s := "enum["
		for i, v := range t.values {
			if i > 0 {
				s += " "
			}
			s += v
		}
		return s + "]"
	case kUnion:
		s := "union("
		for i, a := range t.alts {
			if i > 0 {
				s += ","
			}
			s += describeType(a)
		}
		return s + ")"
	}
	return "any"
}
