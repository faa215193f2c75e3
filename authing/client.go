// Package authing is a typed client for the Authing Management API v3.
//
// Every one of the API's operations is a method on *Client with the shape
// (ctx, *Request) (Result, error), generated from the API data together with
// the catalog Operations. The hand-written part holds the options, the
// management-token source, the single request path, typed errors, safe
// retries and pagination.
package authing

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Default option values, as in the official SDKs.
const (
	DefaultHost    = "https://api.authing.cn"
	DefaultTimeout = 10 * time.Second
	DefaultLang    = "zh-CN"
)

// SDKVersion is sent as x-authing-sdk-version.
const SDKVersion = "authingops/0.1.0"

// Options configure a Client. AccessKeyID and AccessKeySecret are required.
type Options struct {
	// AccessKeyID and AccessKeySecret are the user pool's access key.
	AccessKeyID     string
	AccessKeySecret string
	// Host is the API origin, default https://api.authing.cn; private
	// deployments give their own. A trailing slash is tolerated.
	Host string
	// Timeout bounds each HTTP attempt, default 10 s.
	Timeout time.Duration
	// Lang is "zh-CN" (default) or "en-US"; it selects the language of
	// Authing's messages.
	Lang string
	// InsecureSkipVerify disables TLS certificate verification. Off unless
	// set; use only against a test deployment.
	InsecureSkipVerify bool
	// TenantID, when set, is sent as x-authing-app-tenant-id.
	TenantID string
	// HTTPClient replaces the default HTTP client (its Timeout is then used
	// as is; InsecureSkipVerify is ignored).
	HTTPClient *http.Client
	// Logger receives debug lines about requests and retries. It never sees
	// a secret or a token. The zero value logs nothing.
	Logger *zerolog.Logger
	// Retry tunes retries of reads; the zero value uses DefaultRetry.
	Retry RetryPolicy
}

// Client calls the Authing Management API v3. It is safe for concurrent use.
type Client struct {
	host     string
	lang     string
	tenantID string
	keyID    string
	http     *http.Client
	log      zerolog.Logger
	retry    RetryPolicy
	tokens   *tokenSource
}

// ErrConfig is returned by NewClient for invalid options.
var ErrConfig = errors.New("authing: invalid options")

// NewClient validates opts and returns a Client. It does not contact Authing.
func NewClient(opts Options) (*Client, error) {
	if strings.TrimSpace(opts.AccessKeyID) == "" {
		return nil, fmt.Errorf("%w: AccessKeyID is required", ErrConfig)
	}
	if opts.AccessKeySecret == "" {
		return nil, fmt.Errorf("%w: AccessKeySecret is required", ErrConfig)
	}
	host, err := normalizeHost(opts.Host)
	if err != nil {
		return nil, err
	}
	lang := opts.Lang
	switch lang {
	case "":
		lang = DefaultLang
	case "zh-CN", "en-US":
	default:
		return nil, fmt.Errorf("%w: Lang must be zh-CN or en-US, got %q", ErrConfig, opts.Lang)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("%w: Timeout must not be negative", ErrConfig)
	}
	hc := opts.HTTPClient
	if hc == nil {
		timeout := opts.Timeout
		if timeout == 0 {
			timeout = DefaultTimeout
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		if opts.InsecureSkipVerify {
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // only on explicit request
		}
		hc = &http.Client{Timeout: timeout, Transport: tr}
	}
	log := zerolog.Nop()
	if opts.Logger != nil {
		log = *opts.Logger
	}
	c := &Client{
		host:     host,
		lang:     lang,
		tenantID: opts.TenantID,
		keyID:    opts.AccessKeyID,
		http:     hc,
		log:      log,
		retry:    opts.Retry.withDefaults(),
	}
	c.tokens = &tokenSource{client: c, keyID: opts.AccessKeyID, keySecret: opts.AccessKeySecret}
	return c, nil
}

// Host returns the API origin the client talks to.
func (c *Client) Host() string { return c.host }

func normalizeHost(h string) (string, error) {
	if h == "" {
		return DefaultHost, nil
	}
	h = strings.TrimRight(strings.TrimSpace(h), "/")
	u, err := url.Parse(h)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: Host must be an http(s) origin such as https://api.authing.cn, got %q", ErrConfig, h)
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%w: Host must be an origin without path, query or credentials, got %q", ErrConfig, u.Redacted())
	}
	return u.Scheme + "://" + u.Host, nil
}

// Ack is the result of an operation whose answer carries no data.
type Ack struct {
	// Message is Authing's message for the successful call.
	Message string `json:"message"`
}

// Ptr returns a pointer to v, for optional request fields.
func Ptr[T any](v T) *T { return &v }
