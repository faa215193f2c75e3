package authingtest

import (
	"strings"
	"time"
)

// appTypes are the application types Authing accepts.
var appTypes = map[string]bool{"web": true, "spa": true, "native": true, "api": true, "mass": true}

// app is one self-built application.
type app struct {
	id, identifier, name, logo, description, appType, protocol, initLoginURI string
	redirectURIs, logoutURIs                                                 []string
	ssoEnabled                                                               bool
	seq                                                                      int
	createdAt                                                                time.Time
}

func (a *app) order() int { return a.seq }

func appNotFound(id string) *apiError {
	return newAPIError(codeNotFound, apiCodeAppNotFound, "application %s not found", id)
}

func (st *state) findApp(id string) (*app, error) {
	a, ok := st.apps[id]
	if !ok {
		return nil, appNotFound(id)
	}
	return a, nil
}

func (st *state) appDTO(a *app) map[string]any {
	return map[string]any{
		"appId": a.id, "appIdentifier": a.identifier, "appName": a.name, "appLogo": a.logo,
		"appDescription": a.description, "appType": a.appType, "userPoolId": st.poolID,
		"isIntegrateApp": false, "defaultProtocol": a.protocol,
		"redirectUris": nonNil(a.redirectURIs), "logoutRedirectUris": nonNil(a.logoutURIs),
		"initLoginUri": a.initLoginURI, "ssoEnabled": a.ssoEnabled, "ssoEnabledAt": nil,
		"loginConfig": map[string]any{
			"mergeLoginAndRegisterPage": false,
			"enabledBasicLoginMethods":  []string{"PHONE_CODE", "EMAIL_PASSWORD", "USERNAME_PASSWORD"},
			"defaultLoginMethod":        map[string]any{"connectionType": "PASSWORD"},
			"enabledExtIdpConns":        []any{},
			"showAuthorizationPage":     false,
		},
		"registerConfig": map[string]any{
			"enabledBasicRegisterMethods": []string{"EMAIL_PASSWORD"},
			"defaultRegisterMethod":       "EMAIL_PASSWORD",
		},
		"brandingConfig": map[string]any{
			"customCSSEnabled": false, "guardVersion": "Advanced", "showChangeLanguageButton": true,
			"defaultLanguage": "zh-CN", "showForgetPasswordButton": true, "showEnterpriseConnections": true,
			"showSocialConnections": true, "showAgreement": false, "agreements": []any{},
		},
		"oidcConfig": map[string]any{}, "samlProviderEnabled": false, "oauthProviderEnabled": false,
		"casProviderEnabled": false, "customBrandingEnabled": false, "customSecurityEnabled": false,
		"template": nil,
	}
}

// createApp adds an application from a create-application body.
func (st *state) createApp(a args, now time.Time) (*app, error) {
	if err := a.require("appName"); err != nil {
		return nil, err
	}
	x := &app{
		id: st.nextID(), name: a.str("appName"), identifier: a.str("appIdentifier"),
		logo: a.str("appLogo"), description: a.str("appDescription"), appType: a.str("appType"),
		protocol: a.str("defaultProtocol"), initLoginURI: a.str("initLoginUri"),
		redirectURIs: a.strs("redirectUris"), logoutURIs: a.strs("logoutRedirectUris"),
		ssoEnabled: a.boolOr("ssoEnabled", false), createdAt: now,
	}
	x.seq = st.seq
	if x.identifier == "" {
		x.identifier = "app-" + x.id[len(x.id)-8:]
	}
	if x.appType == "" {
		x.appType = "web"
	}
	if !appTypes[x.appType] {
		return nil, badRequest("appType must be one of web, spa, native, api, mass")
	}
	if x.protocol == "" {
		x.protocol = "oidc"
	}
	if x.logo == "" {
		x.logo = "https://files.authing.co/authing-console/default-app-logo.png"
	}
	for _, other := range st.apps {
		if other.identifier == x.identifier {
			return nil, conflict("appIdentifier %s already exists", x.identifier)
		}
	}
	st.apps[x.id] = x
	return x, nil
}

func hCreateApplication(c *call) (any, error) {
	x, err := c.st.createApp(c.a, c.now)
	if err != nil {
		return nil, err
	}
	return c.st.appDTO(x), nil
}

func hGetApplication(c *call) (any, error) {
	if err := c.a.require("appId"); err != nil {
		return nil, err
	}
	x, err := c.st.findApp(c.a.str("appId"))
	if err != nil {
		return nil, err
	}
	return c.st.appDTO(x), nil
}

func hListApplications(c *call) (any, error) {
	p, err := pagingOf(c.a)
	if err != nil {
		return nil, err
	}
	kw := strings.ToLower(c.a.str("keywords"))
	var out []map[string]any
	for _, x := range sortedBySeq(c.st.apps) {
		if kw != "" && !strings.Contains(strings.ToLower(x.name), kw) && !strings.Contains(strings.ToLower(x.identifier), kw) {
			continue
		}
		// The SDKs send false for these filters by default: only true filters.
		if c.a.boolOr("ssoEnabled", false) && !x.ssoEnabled {
			continue
		}
		if c.a.boolOr("isIntegrateApp", false) {
			continue // the sandbox has self-built applications only
		}
		out = append(out, c.st.appDTO(x))
	}
	if c.a.boolOr("all", false) {
		return pageResult{TotalCount: len(out), List: nonNil(out)}, nil
	}
	return paginate(out, p), nil
}

func hDeleteApplication(c *call) (any, error) {
	if err := c.a.require("appId"); err != nil {
		return nil, err
	}
	x, err := c.st.findApp(c.a.str("appId"))
	if err != nil {
		return nil, err
	}
	for k := range c.st.roles {
		if k.ns == x.id {
			delete(c.st.roles, k)
		}
	}
	delete(c.st.apps, x.id)
	return success(), nil
}
