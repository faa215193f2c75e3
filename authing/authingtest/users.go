package authingtest

import (
	"strings"
	"time"
)

// defaultPhoto is the avatar Authing gives users created without one.
const defaultPhoto = "https://files.authing.co/authing-console/default-user-avatar.png"

// userStringFields are the free-form profile fields of a user.
var userStringFields = []string{
	"email", "phone", "phoneCountryCode", "username", "externalId", "name", "nickname", "photo",
	"gender", "birthdate", "country", "province", "city", "address", "streetAddress", "postalCode",
	"company", "browser", "device", "givenName", "familyName", "middleName", "profile",
	"preferredUsername", "website", "zoneinfo", "locale", "formatted", "region", "identityNumber",
}

// uniqueUserFields must not be shared by two users of a pool.
var uniqueUserFields = []string{"username", "email", "phone", "externalId"}

var userStatuses = map[string]bool{"Activated": true, "Suspended": true, "Resigned": true, "Archived": true, "Deactivated": true}

// user is one user of the pool.
type user struct {
	id                string
	seq               int
	profile           map[string]string
	emailVerified     bool
	phoneVerified     bool
	status            string
	createdAt         time.Time
	updatedAt         time.Time
	statusChangedAt   time.Time
	passwordLastSetAt time.Time
	customData        map[string]any
	tenantIDs         []string
}

func (u *user) order() int { return u.seq }

// findUser resolves id according to idType (default user_id).
func (st *state) findUser(id, idType string) (*user, error) {
	field := ""
	switch idType {
	case "", "user_id":
		if u, ok := st.users[id]; ok {
			return u, nil
		}
		return nil, userNotFound(id)
	case "username", "email", "phone":
		field = idType
	case "external_id":
		field = "externalId"
	default:
		return nil, badRequest("userIdType %s is not supported by the sandbox (use user_id, username, email, phone or external_id)", idType)
	}
	for _, u := range st.users {
		if v := u.profile[field]; v != "" && strings.EqualFold(v, id) {
			return u, nil
		}
	}
	return nil, userNotFound(id)
}

// checkUnique answers a 409 when another user than self holds one of the
// unique values in a.
func (st *state) checkUnique(a args, self string) error {
	for _, f := range uniqueUserFields {
		v := a.str(f)
		if v == "" {
			continue
		}
		for _, u := range st.users {
			if u.id != self && strings.EqualFold(u.profile[f], v) {
				return conflict("%s %s already exists in this user pool", f, v)
			}
		}
	}
	return nil
}

// validateUserFields checks the formats of the profile fields in a.
func validateUserFields(a args) error {
	if e := a.str("email"); e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " \t")) {
		return badRequest("email %q is not a valid email address", e)
	}
	if p := a.str("phone"); p != "" && strings.Trim(p, "0123456789") != "" {
		return badRequest("phone %q must contain digits only (put the country code in phoneCountryCode)", p)
	}
	if g := a.str("gender"); g != "" && g != "M" && g != "F" && g != "U" {
		return badRequest("gender must be one of M, F, U")
	}
	if s := a.str("status"); s != "" && !userStatuses[s] {
		return badRequest("status must be one of Activated, Suspended, Resigned, Archived, Deactivated")
	}
	return nil
}

// applyUserFields copies the profile fields present in a onto u.
func applyUserFields(u *user, a args, now time.Time) error {
	for _, f := range userStringFields {
		if a.has(f) {
			u.profile[f] = a.str(f)
		}
	}
	if a.has("emailVerified") {
		u.emailVerified = a.boolOr("emailVerified", false)
	}
	if a.has("phoneVerified") {
		u.phoneVerified = a.boolOr("phoneVerified", false)
	}
	if s := a.str("status"); s != "" && s != u.status {
		u.status, u.statusChangedAt = s, now
	}
	if a.str("password") != "" {
		u.passwordLastSetAt = now // the password itself is never stored
	}
	if a.has("customData") {
		var cd map[string]any
		if err := a.decode("customData", &cd); err != nil {
			return err
		}
		for k, v := range cd {
			u.customData[k] = v
		}
	}
	if a.has("tenantIds") {
		u.tenantIDs = a.strs("tenantIds")
	}
	u.updatedAt = now
	return nil
}

// createUser adds one user from a create-user body.
func (st *state) createUser(a args, deptIDType string, now time.Time) (*user, error) {
	if a.str("username") == "" && a.str("phone") == "" && a.str("email") == "" {
		return nil, badRequest("Must contain one of the following fields: username, phone, email")
	}
	if err := validateUserFields(a); err != nil {
		return nil, err
	}
	if err := st.checkUnique(a, ""); err != nil {
		return nil, err
	}
	var depts []*dept
	for _, id := range a.strs("departmentIds") {
		d, err := st.findDeptAnyOrg(id, deptIDType)
		if err != nil {
			return nil, err
		}
		depts = append(depts, d)
	}
	u := &user{
		id: st.nextID(), profile: map[string]string{}, status: "Activated",
		createdAt: now, statusChangedAt: now, customData: map[string]any{},
	}
	u.seq = st.seq
	if err := applyUserFields(u, a, now); err != nil {
		return nil, err
	}
	if u.profile["photo"] == "" {
		u.profile["photo"] = defaultPhoto
	}
	st.users[u.id] = u
	for _, d := range depts {
		d.members.add(u.id)
	}
	return u, nil
}

// userView says which optional parts a user answer carries.
type userView struct{ customData, identities, departmentIDs bool }

func viewOf(a args) userView {
	return userView{
		customData:    a.boolOr("withCustomData", false),
		identities:    a.boolOr("withIdentities", false),
		departmentIDs: a.boolOr("withDepartmentIds", false),
	}
}

// userDTO renders u as Authing's UserDto.
func (st *state) userDTO(u *user, v userView) map[string]any {
	m := map[string]any{
		"userId": u.id, "createdAt": isoTime(u.createdAt), "updatedAt": isoTime(u.updatedAt),
		"status": u.status, "workStatus": "Active", "gender": "U",
		"emailVerified": u.emailVerified, "phoneVerified": u.phoneVerified,
		"loginsCount": 0, "lastLogin": nil, "lastIp": nil, "lastLoginApp": nil, "lastMfaTime": nil,
		"userSourceType": "adminCreated", "signedUp": isoTime(u.createdAt),
		"statusChangedAt": isoTime(u.statusChangedAt), "passwordLastSetAt": nil,
		"resetPasswordOnNextLogin": false, "registerSource": []string{"adminCreated"},
		"mainDepartmentId": nil, "tenantId": nil,
	}
	if u.status == "Resigned" {
		m["workStatus"] = "Closed"
	}
	for _, f := range userStringFields {
		if val, ok := u.profile[f]; ok {
			m[f] = val
		} else if f != "gender" {
			m[f] = nil
		}
	}
	if !u.passwordLastSetAt.IsZero() {
		m["passwordLastSetAt"] = isoTime(u.passwordLastSetAt)
	}
	if v.customData {
		m["customData"] = u.customData
	}
	if v.identities {
		m["identities"] = []any{}
	}
	if v.departmentIDs {
		m["departmentIds"] = st.userDeptIDs(u.id)
	}
	return m
}
