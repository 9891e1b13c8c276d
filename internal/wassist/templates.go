package wassist

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Route templates of /whatsapp-templates/: the labels of metrics and the names in errors.
const (
	routeTemplates         = "/whatsapp-templates/"
	routeTemplate          = "/whatsapp-templates/{id}/"
	routeTemplatePublish   = "/whatsapp-templates/{id}/publish/"
	routeTemplateUnpublish = "/whatsapp-templates/{id}/unpublish/"
)

// Template is a Wassist-managed WhatsApp message template. It is published per WhatsApp
// account (WABA); each account Meta reviews it for is one of AccountLinks.
type Template struct {
	ID              string                `json:"id"`
	Name            string                `json:"name"`
	Category        string                `json:"category"` // UTILITY, MARKETING, AUTHENTICATION
	Language        string                `json:"language"`
	ParameterFormat string                `json:"parameterFormat"` // POSITIONAL, NAMED
	Components      []TemplateComponent   `json:"components"`
	AccountLinks    []TemplateAccountLink `json:"accountLinks"`
	CreatedAt       *time.Time            `json:"createdAt"`
	UpdatedAt       *time.Time            `json:"updatedAt"`
}

// TemplateComponent is one part of a template. Inside components the API passes Meta's own
// JSON through, so example and the button fields are snake_case.
type TemplateComponent struct {
	Type    string           `json:"type"`             // HEADER, BODY, FOOTER, BUTTONS
	Format  string           `json:"format,omitempty"` // TEXT, IMAGE, VIDEO, DOCUMENT (HEADER)
	Text    string           `json:"text,omitempty"`
	Example *TemplateExample `json:"example,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
}

// TemplateExample gives Meta's reviewers a value for every variable of a component.
type TemplateExample struct {
	BodyText              [][]string           `json:"body_text,omitempty"`
	HeaderText            []string             `json:"header_text,omitempty"`
	BodyTextNamedParams   []TemplateNamedParam `json:"body_text_named_params,omitempty"`
	HeaderTextNamedParams []TemplateNamedParam `json:"header_text_named_params,omitempty"`
	HeaderHandle          []string             `json:"header_handle,omitempty"`
	HeaderURL             []string             `json:"header_url,omitempty"`
}

// TemplateNamedParam is the example of one named variable ({{first_name}}).
type TemplateNamedParam struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// TemplateButton is one button of a BUTTONS component.
type TemplateButton struct {
	Type        string   `json:"type"` // QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW, OTP
	Text        string   `json:"text"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	Example     []string `json:"example,omitempty"`
}

// Template review states of an account link, and quality scores.
const (
	TemplateDraft    = "DRAFT"
	TemplatePending  = "PENDING"
	TemplateApproved = "APPROVED"
	TemplateRejected = "REJECTED"
	TemplatePaused   = "PAUSED"
)

// TemplateAccountLink is the template on one WhatsApp account: Meta's id for it there and
// Meta's verdict. Status moves from PENDING to APPROVED or REJECTED on Meta's time (minutes to
// hours), so it is read back, never assumed. AccountName, MetaTemplateID and RejectionReason
// may be null on the wire, which reads as "".
type TemplateAccountLink struct {
	AccountID       string `json:"accountId"`
	AccountName     string `json:"accountName"`
	WABAID          string `json:"wabaId"`
	MetaTemplateID  string `json:"metaTemplateId"`
	Status          string `json:"status"`       // DRAFT, PENDING, APPROVED, REJECTED, PAUSED
	QualityScore    string `json:"qualityScore"` // GREEN, YELLOW, RED, UNKNOWN
	RejectionReason string `json:"rejectionReason"`
}

// TemplateInput is the body of POST and PATCH /whatsapp-templates/; a PATCH sends the whole
// input, so what the API holds afterwards is exactly the input.
type TemplateInput struct {
	Name            string              `json:"name"`
	Category        string              `json:"category"`
	Language        string              `json:"language,omitempty"`
	ParameterFormat string              `json:"parameterFormat,omitempty"`
	Components      []TemplateComponent `json:"components"`
}

// TemplatePublishResult is the outcome of a publish on one account: Error is set when the
// API could not submit the template there (the answer's publishErrors), otherwise
// MetaTemplateID and Status say what Meta holds.
type TemplatePublishResult struct {
	AccountID      string `json:"accountId"`
	MetaTemplateID string `json:"metaTemplateId,omitempty"`
	Status         string `json:"status,omitempty"`
	Error          string `json:"error,omitempty"`
}

// templateUnpublishResult is one entry of unpublishResults: Unpublished is false when the
// template was not published on the account.
type templateUnpublishResult struct {
	AccountID   string `json:"accountId"`
	Unpublished bool   `json:"unpublished"`
}

// templateWithResults is the answer of publish and unpublish: the template with the
// per-account arrays of the SDK's WhatsAppTemplateWithPublishResults beside its fields.
type templateWithResults struct {
	Template
	PublishResults   []TemplatePublishResult   `json:"publishResults"`
	PublishErrors    []TemplatePublishResult   `json:"publishErrors"`
	UnpublishResults []templateUnpublishResult `json:"unpublishResults"`
	UnpublishErrors  []TemplatePublishResult   `json:"unpublishErrors"`
}

// ListTemplates returns every template of the key, reading all pages. The SDK reads the
// list as the paginated envelope and third parties saw a bare array; both are read.
func (c *Client) ListTemplates(ctx context.Context) ([]Template, error) {
	return listAll[Template](ctx, c, routeTemplates, pathOf("whatsapp-templates"))
}

// GetTemplate returns one template with its account links as they stand now.
func (c *Client) GetTemplate(ctx context.Context, id string) (*Template, error) {
	out := &Template{}
	return out, c.do(ctx, call{method: http.MethodGet, route: routeTemplate, path: pathOf("whatsapp-templates", id)}, out)
}

// CreateTemplate creates a template. It is on no account until PublishTemplate.
func (c *Client) CreateTemplate(ctx context.Context, in TemplateInput) (*Template, error) {
	out := &Template{}
	return out, c.do(ctx, call{method: http.MethodPost, route: routeTemplates, path: pathOf("whatsapp-templates"), body: in}, out)
}

// UpdateTemplate PATCHes the whole input. Changing the content of a published template
// submits it to Meta again: its links go back to PENDING.
func (c *Client) UpdateTemplate(ctx context.Context, id string, in TemplateInput) (*Template, error) {
	out := &Template{}
	return out, c.do(ctx, call{method: http.MethodPatch, route: routeTemplate, path: pathOf("whatsapp-templates", id), body: in}, out)
}

// DeleteTemplate deletes a template, which also unpublishes it from every account. A 404 is
// returned as an error; callers that treat "already gone" as done check IsNotFound.
func (c *Client) DeleteTemplate(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, route: routeTemplate, path: pathOf("whatsapp-templates", id)}, nil)
}

// accountIDsBody is the body of publish and unpublish.
type accountIDsBody struct {
	AccountIDs []string `json:"accountIds"`
}

// errNoAccounts refuses a publish or unpublish to no account, which the API answers 400.
var errNoAccounts = errors.New("no account ids")

// PublishTemplate publishes to accountIDs (at least one); the results include the errors
// (publishErrors merged in, with Error set). An account that failed is not an error of the
// call: the template is published on the others.
func (c *Client) PublishTemplate(ctx context.Context, id string, accountIDs []string) (*Template, []TemplatePublishResult, error) {
	r := call{method: http.MethodPost, route: routeTemplatePublish, path: pathOf("whatsapp-templates", id, "publish"),
		body: accountIDsBody{AccountIDs: accountIDs}}
	if len(accountIDs) == 0 {
		return nil, nil, fmt.Errorf("wassist: %s: %w", r.endpoint(), errNoAccounts)
	}
	out := &templateWithResults{}
	if err := c.do(ctx, r, out); err != nil {
		return nil, nil, err
	}
	results := make([]TemplatePublishResult, 0, len(out.PublishResults)+len(out.PublishErrors))
	results = append(results, out.PublishResults...)
	for _, e := range out.PublishErrors {
		if e.Error == "" {
			e.Error = "not published"
		}
		results = append(results, e)
	}
	return &out.Template, results, nil
}

// UnpublishError is UnpublishTemplate's error when the API could not unpublish the template
// from some of the accounts (the answer's unpublishErrors); the others were unpublished, and
// the template comes back beside the error. It is not an API answer's error, so IsRetryable
// reports it as retryable, as it does a transport failure.
type UnpublishError struct {
	// Endpoint is the method and route template, as on APIError.
	Endpoint string
	// Failed has one entry per account, with the API's reason in Error.
	Failed []TemplatePublishResult
}

func (e *UnpublishError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for _, f := range e.Failed {
		parts = append(parts, f.AccountID+": "+f.Error)
	}
	return fmt.Sprintf("wassist: %s: not unpublished from %d account(s): %s", e.Endpoint, len(e.Failed), strings.Join(parts, "; "))
}

// UnpublishTemplate removes the template from accountIDs (at least one). An account it was
// not published on is not an error. When some accounts failed, the template is returned with
// an *UnpublishError naming them.
func (c *Client) UnpublishTemplate(ctx context.Context, id string, accountIDs []string) (*Template, error) {
	r := call{method: http.MethodPost, route: routeTemplateUnpublish, path: pathOf("whatsapp-templates", id, "unpublish"),
		body: accountIDsBody{AccountIDs: accountIDs}}
	if len(accountIDs) == 0 {
		return nil, fmt.Errorf("wassist: %s: %w", r.endpoint(), errNoAccounts)
	}
	out := &templateWithResults{}
	if err := c.do(ctx, r, out); err != nil {
		return nil, err
	}
	if len(out.UnpublishErrors) == 0 {
		return &out.Template, nil
	}
	failed := make([]TemplatePublishResult, 0, len(out.UnpublishErrors))
	for _, e := range out.UnpublishErrors {
		if e.Error == "" {
			e.Error = "not unpublished"
		}
		failed = append(failed, e)
	}
	return &out.Template, &UnpublishError{Endpoint: r.endpoint(), Failed: failed}
}

// ReserveCreateTemplate takes the token of the CreateTemplate call made next for ctx's
// Turn (see reserve).
func (c *Client) ReserveCreateTemplate(ctx context.Context) error {
	return c.reserve(ctx, call{method: http.MethodPost, route: routeTemplates}, 1)
}
